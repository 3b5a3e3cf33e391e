"""Customer rows: loading the current one (or NotFound), mapping it to a Customer with
the ban in force, and the Conflict a stale edit gets. Shared by every part of the SQL
store that reads or changes a customer (``data.customers`` re-exports them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select
from sqlalchemy.orm import Session

from storeadmin.core.errors import Conflict, NotFound
from storeadmin.core.models import Ban, Customer, Platform
from storeadmin.data.base import Reader
from storeadmin.data.schema import AuditRow, CustomerRow

CUSTOMERS = CustomerRow.__table__
"""The customers table, for Core selects that always read the current row."""


def ban_from_row(row: Any, now: datetime) -> Ban | None:
    """The ban in force on a customer row, or None (no ban, or its end has passed)."""
    if row.ban_reason is None or row.banned_at is None:
        return None
    ban = Ban(
        reason=row.ban_reason,
        banned_at=row.banned_at,
        banned_by=row.banned_by or "",
        expires_at=row.ban_expires_at,
    )
    return ban if ban.is_active(now) else None


def customer_from_row(row: Any, now: datetime) -> Customer:
    """A Customer from a ``customers`` row."""
    return Customer(
        id=str(row.id),
        username=row.username,
        platform=Platform(row.platform),
        external_id=row.external_id,
        first_seen=row.first_seen,
        version=str(row.version),
        ban=ban_from_row(row, now),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def load_customer(
    session: Reader, customer_id: int, *, lock: bool = False, share: bool = False
) -> Row[Any]:
    """The current ``customers`` row (Core, never a cached ORM object) or NotFound.

    ``lock`` (FOR UPDATE) or ``share`` (FOR SHARE: others may read-lock, nobody may
    change it) hold the row on PostgreSQL until the transaction ends, so what was read
    stays true; SQLite's BEGIN IMMEDIATE already holds the whole database.
    """
    query = select(CUSTOMERS).where(CUSTOMERS.c.id == customer_id)
    if lock or share:
        query = query.with_for_update(read=not lock)
    row = session.execute(query).one_or_none()
    if row is None:
        raise NotFound(f"no customer with ID {customer_id}")
    return row


def require_customer(session: Reader, customer_id: int) -> None:
    """NotFound unless the customer exists (reads only its key)."""
    found = session.execute(
        select(CUSTOMERS.c.id).where(CUSTOMERS.c.id == customer_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no customer with ID {customer_id}")


def ban_in_force(now: datetime) -> ColumnElement[bool]:
    """SQL condition: the customer row has a ban whose end has not passed."""
    return and_(
        CustomerRow.ban_reason.is_not(None),
        or_(CustomerRow.ban_expires_at.is_(None), CustomerRow.ban_expires_at > now),
    )


def stale_conflict(
    row: Row[Any], session: Session | None = None, actions: tuple[str, ...] = ()
) -> Conflict:
    """The Conflict for an edit made against an old version: it names who and when.

    Edits, bans and metadata saves share the customer's version. With ``session`` and
    the audit ``actions`` of what was being edited (``customer.edit``,
    ``metadata.replace``), it names the last admin who changed *that*, not whoever
    touched the customer last (alice's own ban made her stale edit say "changed by
    alice"). Without such an entry, the customer's last writer is named.
    """
    by = row.updated_by
    at = row.updated_at
    if session is not None and actions:
        found = session.execute(
            select(AuditRow.actor, AuditRow.at)
            .where(AuditRow.customer_id == row.id, AuditRow.action.in_(actions))
            .order_by(AuditRow.id.desc())
            .limit(1)
        ).first()
        if found is not None and found.actor != by:
            # Someone else touched the customer since: name the editor of *that*, with
            # the database's time of their entry. When they are the customer's last
            # writer too, the row's own time of that change is kept.
            by, at = found.actor, found.at
    if by and at is not None:
        message = f"changed by {by} at {at:%Y-%m-%d %H:%M} UTC — reload"
    elif by:
        message = f"changed by {by} — reload"
    else:
        message = "changed by someone else — reload"
    return Conflict(message, changed_by=by, changed_at=at)
