"""Customer metadata: the one loader of the key/value map, reading it in key order, and
replacing the whole map in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from storeadmin.core import validation
from storeadmin.core.audit_detail import rebuild_maps
from storeadmin.core.errors import NotFound
from storeadmin.core.models import MetadataField
from storeadmin.data import audit
from storeadmin.data.base import Reader, ServiceBase
from storeadmin.data.checks import rowcount
from storeadmin.data.customers import load_customer, require_customer, stale_conflict
from storeadmin.data.ids import sql_id, sql_version
from storeadmin.data.schema import AuditRow, CustomerRow, MetadataRow

METADATA_ACTIONS = ("metadata.replace",)
"""The audit action of a metadata save (named in its conflicts)."""


def metadata_map(session: Reader, customer_id: int) -> dict[str, str]:
    """The customer's metadata as a dict (placeholder values, audit before/after)."""
    rows = session.execute(
        select(MetadataRow.key, MetadataRow.value).where(MetadataRow.customer_id == customer_id)
    ).all()
    return {key: value for key, value in rows}


def _sorted_fields(values: Mapping[str, str]) -> tuple[MetadataField, ...]:
    """Fields in key order, case-insensitive (the order the tab shows them)."""
    return tuple(
        MetadataField(key, values[key]) for key in sorted(values, key=lambda k: (k.casefold(), k))
    )


def clean_metadata(
    fields: Sequence[MetadataField],
    now: datetime,
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Validate the rows (InvalidRows on any bad row, or past the per-customer limits
    compared with ``previous``) and drop fully cleared ones."""
    rows = list(fields)
    before = None if previous is None else [MetadataField(k, v) for k, v in previous.items()]
    result = validation.validate_metadata(rows, now=now, previous=before)
    if result is not None:
        rows = list(result)
    return {row.key: row.value for row in rows if row.key.strip() or row.value.strip()}


def metadata_diff(
    old: Mapping[str, str], new: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """What an audit row keeps of a metadata change: ``before`` holds the old value of
    every key changed or removed, ``after`` the new value of every key changed or added.

    One ``metadata set`` on a customer with 10,000 keys audits one key, not the whole
    map twice (the log is append-only: whole maps made it grow quadratically).
    """
    before = {k: v for k, v in old.items() if new.get(k) != v}
    after = {k: v for k, v in new.items() if old.get(k) != v}
    return before, after


def metadata_maps_at(
    session: Reader, customer_id: int, audit_id: int
) -> tuple[dict[str, str], dict[str, str]]:
    """The whole map before and after one ``metadata.replace`` audit entry of the
    customer, rebuilt in ``session`` from today's map by undoing the newer changes
    (compact rows and older whole-map rows alike). NotFound when the customer has no
    such entry."""
    rows = session.execute(
        select(AuditRow.id, AuditRow.before, AuditRow.after)
        .where(
            AuditRow.customer_id == customer_id,
            AuditRow.action == "metadata.replace",
            AuditRow.id >= audit_id,
        )
        .order_by(AuditRow.id.desc())
    ).all()
    if not rows or rows[-1].id != audit_id:
        raise NotFound(f"no metadata change {audit_id} in this customer's history")
    current = metadata_map(session, customer_id)
    return rebuild_maps(current, ((row.before or {}, row.after or {}) for row in rows))


class Metadata(ServiceBase):
    """Read and replace a customer's metadata."""

    def get_metadata(self, customer_id: str) -> tuple[MetadataField, ...]:
        """The customer's metadata in key order (case-insensitive, then exact for ties).

        Sorted here, not in SQL: collations differ between the backends.
        """
        cid = sql_id(customer_id, "customer")
        with self.read_connection() as conn:
            require_customer(conn, cid)
            return _sorted_fields(metadata_map(conn, cid))

    def replace_metadata(
        self,
        customer_id: str,
        fields: Sequence[MetadataField],
        *,
        expected_version: str | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole metadata map; rows with empty key and value are dropped."""
        cid = sql_id(customer_id, "customer")
        expected = None if expected_version is None else sql_version(expected_version)
        now = self.now()
        clean_metadata(fields, now)  # bad rows are refused before any transaction
        with self.write() as session:
            # Locked: two admins replacing the map at once queue up instead of clashing.
            row = load_customer(session, cid, lock=True)
            if expected_version is not None and row.version != expected:
                raise stale_conflict(row, session, METADATA_ACTIONS)
            old = metadata_map(session, cid)
            new = clean_metadata(fields, now, previous=old)  # the per-customer limits
            if old == new:
                return _sorted_fields(old)
            if expected_version is not None:
                # Same guard as an edit: the map was read at that version.
                result = session.execute(
                    update(CustomerRow)
                    .where(CustomerRow.id == cid, CustomerRow.version == expected)
                    .values(version=CustomerRow.version + 1, updated_at=now, updated_by=self.actor)
                    .execution_options(synchronize_session=False)
                )
                if rowcount(result) != 1:
                    raise stale_conflict(load_customer(session, cid), session, METADATA_ACTIONS)
            session.execute(delete(MetadataRow).where(MetadataRow.customer_id == cid))
            if new:
                session.execute(
                    insert(MetadataRow),
                    [{"customer_id": cid, "key": k, "value": v} for k, v in new.items()],
                )
            changed_before, changed_after = metadata_diff(old, new)
            audit.record(
                session,
                self,
                action="metadata.replace",
                target_type="customer",
                target_id=cid,
                customer_id=cid,
                before=changed_before,
                after=changed_after,
            )
        self.__dict__.pop("_metadata_keys", None)  # search's cached keys (Customers.metadata_keys)
        return _sorted_fields(new)

    def metadata_change(
        self, customer_id: str, audit_id: str
    ) -> tuple[tuple[MetadataField, ...], tuple[MetadataField, ...]]:
        """The whole map before and after one ``metadata.replace`` audit entry (what
        History shows in full), rebuilt from today's map by undoing the newer changes."""
        cid = sql_id(customer_id, "customer")
        target = sql_id(audit_id, "audit entry")
        with self.read_connection() as session:
            require_customer(session, cid)
            before_map, after_map = metadata_maps_at(session, cid, target)
        return _sorted_fields(before_map), _sorted_fields(after_map)
