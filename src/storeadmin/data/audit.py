"""The audit log: writing rows — one per effective admin action, inside the action's
transaction — and reading a customer's history (newest first).

``request_id`` is the action's idempotency key (unique in ``audit_log``): a replay is
detected up front by :func:`ensure_new_request`, and a racing replay trips the unique
constraint in :func:`record`; both surface as ``AlreadyDone`` and roll the whole
transaction back, so a replay never changes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storeadmin.core.audit_detail import AuditDetail
from storeadmin.core.errors import AlreadyDone, NotFound
from storeadmin.core.models import AuditEntry, Page, trusted_constructor
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.data.base import ServiceBase
from storeadmin.data.ids import out_id, sql_id
from storeadmin.data.paging import TabPages, clamp_limit
from storeadmin.data.schema import AuditRow

ALREADY_DONE = "already done"
"""What a replayed request is told."""


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO strings and enums as their values, for JSON columns."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def ensure_new_request(session: Session, request_id: str | None) -> None:
    """Raise AlreadyDone when an action with this idempotency key was already recorded."""
    if request_id is None:
        return
    seen = session.execute(select(AuditRow.id).where(AuditRow.request_id == request_id)).first()
    if seen is not None:
        raise AlreadyDone(ALREADY_DONE)


def is_request_id_clash(error: IntegrityError) -> bool:
    """True when an IntegrityError is the unique ``audit_log.request_id`` constraint."""
    text = str(error.orig if error.orig is not None else error).lower()
    return "request_id" in text


def record(
    session: Session,
    service: ServiceBase,
    *,
    action: str,
    target_type: str,
    target_id: object,
    customer_id: int | str | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
    request_id: str | None = None,
) -> None:
    """Append one audit row in the caller's transaction (database clock, service actor).

    Never pass secrets in ``before``/``after``: the log is append-only and shown to staff.
    """
    values = {
        "at": service.db_now(session),
        "actor": service.actor,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "customer_id": None if customer_id is None else int(customer_id),
        "before": jsonable(dict(before)) if before is not None else None,
        "after": jsonable(dict(after)) if after is not None else None,
        "reason": reason,
        "request_id": request_id,
    }
    try:
        session.execute(insert(AuditRow).values(**values))
    except IntegrityError as error:
        # Another transaction with the same key committed first (it held the unique
        # index entry until then): this one is a replay and must roll back whole.
        if request_id is not None and is_request_id_clash(error):
            raise AlreadyDone(ALREADY_DONE) from None
        raise


AUDIT_FIELDS = tuple(f.name for f in fields(AuditEntry))
"""An audit row's values in ``AuditEntry``'s field order (named as the columns)."""
AUDIT_PAGES = TabPages(
    "audit",
    query=lambda: select(*(AuditRow.__table__.c[name] for name in AUDIT_FIELDS)),
    entity=AuditRow,
    time_column=None,
    filters=lambda _shape: [],
    counted=False,
    empty_next_checks=True,
)
"""A customer's history newest first by id (ids follow insertion); not counted."""
_new_audit = trusted_constructor(AuditEntry)


def _audit_from_values(values: tuple[Any, ...]) -> AuditEntry:
    entry_id, at, actor, action, target_type, target_id, customer_id, *rest = values
    before, after, reason = rest
    return _new_audit(
        str(entry_id),
        at,
        actor,
        action,
        target_type,
        target_id,
        out_id(customer_id),
        before,
        after,
        reason,
    )


def audit_from_row(row: Any) -> AuditEntry:
    """An AuditEntry from an ``audit_log`` row."""
    return AuditEntry(
        id=str(row.id),
        at=row.at,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        customer_id=out_id(row.customer_id),
        before=row.before,
        after=row.after,
        reason=row.reason,
    )


class AuditLog(ServiceBase):
    """A customer's history."""

    def get_audit_entry(self, customer_id: str, audit_id: str) -> AuditDetail:
        """One of the customer's entries with the whole before and after, in one read: a
        ``metadata.replace`` row keeps only what changed, so the complete maps are
        rebuilt from today's map (``metadata.metadata_maps_at``, what
        ``metadata_change`` returns); any other row gives the fields it recorded."""
        # customers and metadata write audit rows: imported here, not at module level
        from storeadmin.data.customers import require_customer
        from storeadmin.data.metadata import metadata_maps_at

        cid = sql_id(customer_id, "customer")
        target = sql_id(audit_id, "audit entry")
        with self.read_connection() as session:
            require_customer(session, cid)
            row = session.execute(
                select(*AuditRow.__table__.c).where(
                    AuditRow.id == target, AuditRow.customer_id == cid
                )
            ).first()
            if row is None:
                raise NotFound(f"no audit entry {target} in this customer's history")
            entry = audit_from_row(row)
            if entry.action != "metadata.replace":
                return AuditDetail.of(entry, entry.before, entry.after)
            before, after = metadata_maps_at(session, cid, target)
        return AuditDetail.of(entry, before, after, is_metadata=True)

    def list_audit(
        self, customer_id: str, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's audit entries newest first (id desc: ids follow insertion)."""
        cid = sql_id(customer_id, "customer")
        with self.read_connection() as conn:
            return AUDIT_PAGES.page(
                conn, cid, limit=clamp_limit(limit), cursor=cursor, convert=_audit_from_values
            )
