"""Validation adapters every write shares: a core validator's ValueError becomes
``Invalid``, a time given for the future must be one, and how many rows an UPDATE hit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Result

from storeadmin.core.errors import Invalid
from storeadmin.core.validation import check_not_too_far

T = TypeVar("T")

NO_SYNC = {"synchronize_session": False}
"""Bulk UPDATEs here never touch ORM objects, so there is nothing to synchronise."""


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
    """Refuse a naive datetime, one that is not after ``now``, or one more than
    ``MAX_YEARS_AHEAD`` years ahead (every backend's writes go through here)."""
    if when is None:
        return
    if when.tzinfo is None:
        raise Invalid({field: "needs a time zone (use UTC)"})
    if when <= now:
        raise Invalid({field: "must be in the future"})
    try:
        check_not_too_far(when, now=now)
    except ValueError as error:
        raise Invalid({field: str(error)}) from None


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE / DELETE matched (a compare-and-set's "did I win").

    ``Session.execute`` is typed to return ``Result``; for DML it is a ``CursorResult``,
    the type that carries ``rowcount``.
    """
    assert isinstance(result, CursorResult), type(result)
    return result.rowcount
