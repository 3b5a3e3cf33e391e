"""Keyset paging helpers: opaque cursors, limit clamping, page assembly.

A cursor is the URL-safe base64 of a small JSON object holding the sort key of the
last row returned (and, for search, the phase it came from). Pages never use OFFSET:
each query asks for ``limit + 1`` rows past the key, and the extra row only says that
another page follows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import Session

from storeadmin.core.errors import Invalid
from storeadmin.core.models import Page

T = TypeVar("T")
R = TypeVar("R")

MIN_LIMIT = 1
MAX_LIMIT = 500


def clamp_limit(limit: int) -> int:
    """The page size actually used: ``limit`` forced into 1..500."""
    return max(MIN_LIMIT, min(MAX_LIMIT, int(limit)))


def encode_cursor(kind: str, payload: dict[str, Any]) -> str:
    """An opaque cursor for a page of ``kind`` (``orders``, ``search``, …)."""
    raw = json.dumps({"k": kind, **payload}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str) -> dict[str, Any]:
    """The payload of a cursor made by ``encode_cursor(kind, …)``; Invalid otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise Invalid({"cursor": "not a page cursor of this list"}) from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise Invalid({"cursor": "not a page cursor of this list"})
    return data


def time_key(value: datetime) -> str:
    """A datetime as it is stored in a cursor (ISO 8601, UTC)."""
    return value.astimezone(UTC).isoformat()


def parse_time_key(value: object) -> datetime:
    """The datetime of a cursor field written by ``time_key``; Invalid otherwise."""
    if not isinstance(value, str):
        raise Invalid({"cursor": "damaged page cursor"})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid({"cursor": "damaged page cursor"}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def int_key(value: object) -> int:
    """An integer cursor field; Invalid otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid({"cursor": "damaged page cursor"})
    return value


def keyset_page(
    rows: Sequence[R],
    limit: int,
    *,
    convert: Callable[[R], T],
    cursor_of: Callable[[R], str],
    total: int | None = None,
) -> Page[T]:
    """A Page from up to ``limit + 1`` fetched rows; the extra row only signals "more"."""
    shown = rows[:limit]
    next_cursor = cursor_of(shown[-1]) if len(rows) > limit and shown else None
    return Page(items=tuple(convert(r) for r in shown), next_cursor=next_cursor, total=total)


# ------------------------------------------------------------------ a customer's tab lists


def _time_cursor(kind: str, at: datetime, row_id: int, total: int | None = None) -> str:
    payload: dict[str, Any] = {"t": time_key(at), "i": int(row_id)}
    if total is not None:
        payload["n"] = total
    return encode_cursor(kind, payload)


def _time_after(kind: str, cursor: str) -> tuple[datetime, int, int | None]:
    """(time, id) to resume after, and the list's total as counted on the first page."""
    payload = decode_cursor(kind, cursor)
    total = payload.get("n")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        total = None
    return parse_time_key(payload.get("t")), int_key(payload.get("i")), total


def _count(session: Session, entity: Any, filters: list[ColumnElement[bool]]) -> int:
    return int(
        session.execute(select(func.count()).select_from(entity).where(*filters)).scalar_one()
    )


def newest_first_page(
    session: Session,
    query: Select[Any],
    *,
    kind: str,
    entity: Any,
    time_column: Any,
    first_page_check: Callable[[], object],
    filters: list[ColumnElement[bool]],
    limit: int,
    cursor: str | None,
    convert: Callable[[Any], T],
) -> Page[T]:
    """One keyset page of ``query`` by (time desc, id desc), ``filters`` already applied.

    Lists are keyset pages over (time desc, id desc) backed by a (customer_id, time, id)
    index, so the first page of a 20,000-order customer costs the same as any other's.
    The first page runs ``first_page_check`` (the customer exists) and counts; a next
    page (``cursor``) does neither: its total is the first page's, carried in the cursor.
    """
    total: int | None
    if cursor:
        at, row_id, total = _time_after(kind, cursor)
        query = query.where(tuple_(time_column, entity.id) < tuple_(at, row_id))
    else:
        first_page_check()
        total = _count(session, entity, filters)
    rows = session.execute(
        query.order_by(time_column.desc(), entity.id.desc()).limit(limit + 1)
    ).all()
    return keyset_page(
        rows,
        limit,
        convert=convert,
        cursor_of=lambda r: _time_cursor(kind, getattr(r, time_column.key), r.id, total),
        total=total,
    )
