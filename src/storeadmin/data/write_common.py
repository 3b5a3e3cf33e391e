"""Helpers shared by the write mixins: loading rows inside a write, validation adapters,
and the "changed by someone else" conflict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storeadmin.core.errors import Conflict, Invalid, NotFound
from storeadmin.data.schema import CustomerRow, MetadataRow

T = TypeVar("T")

CUSTOMERS = CustomerRow.__table__
"""The customers table, for Core selects that always read the current row."""


def checked(validate: Callable[[T], Any], value: T, field: str) -> T:
    """Run a core validator; its ValueError becomes ``Invalid({field: message})``.

    A validator that returns a value (a trimmed or canonical form) replaces ``value``.
    """
    try:
        result = validate(value)
    except ValueError as error:
        raise Invalid({field: str(error)}) from None
    return value if result is None else result


def require_future(when: datetime | None, now: datetime, field: str) -> None:
    """Refuse a naive datetime or one that is not after ``now``."""
    if when is None:
        return
    if when.tzinfo is None:
        raise Invalid({field: "needs a time zone (use UTC)"})
    if when <= now:
        raise Invalid({field: "must be in the future"})


def load_customer(
    session: Session, customer_id: int, *, lock: bool = False, share: bool = False
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


def ban_in_force(now: datetime) -> ColumnElement[bool]:
    """SQL condition: the customer row has a ban whose end has not passed."""
    return and_(
        CustomerRow.ban_reason.is_not(None),
        or_(CustomerRow.ban_expires_at.is_(None), CustomerRow.ban_expires_at > now),
    )


def stale_conflict(row: Row[Any]) -> Conflict:
    """The Conflict for an edit made against an old version: it names who and when."""
    by = row.updated_by
    at = row.updated_at
    if by and at is not None:
        message = f"changed by {by} at {at:%Y-%m-%d %H:%M} UTC — reload"
    elif by:
        message = f"changed by {by} — reload"
    else:
        message = "changed by someone else — reload"
    return Conflict(message, changed_by=by, changed_at=at)


def metadata_map(session: Session, customer_id: int) -> dict[str, str]:
    """The customer's metadata as a dict (placeholder values, audit before/after)."""
    rows = session.execute(
        select(MetadataRow.key, MetadataRow.value).where(MetadataRow.customer_id == customer_id)
    ).all()
    return {key: value for key, value in rows}
