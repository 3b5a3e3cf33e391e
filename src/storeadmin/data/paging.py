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
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    select,
    tuple_,
)

from storeadmin.core.errors import Invalid, NotFound
from storeadmin.core.models import Page
from storeadmin.data.prepared import Prepared
from storeadmin.data.schema import CustomerRow

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


Shape = tuple[str, ...]
"""The optional filters one list read applies, by name (``("status",)``, ``()``…): each
shape has its own statements."""

CID = bindparam("cid", type_=BigInteger)
"""The customer whose list is read (every list statement takes it)."""


class Listed(Protocol):
    """What a tab list holds: items with an ID (the keyset's tie-breaker)."""

    @property
    def id(self) -> str: ...


L = TypeVar("L", bound=Listed)


class TabPages:
    """A customer's tab list as keyset pages of prepared statements (``data.prepared``).

    Newest first by (``time_column`` desc, id desc), backed by a (customer_id, time, id)
    index, so the first page of a 20,000-order customer costs the same as any other's;
    without a time column (history) by id desc. Each shape's statements are built once
    and compiled once per dialect, and run as driver SQL on the read's connection: no
    statement building, cache key or ORM loading per page, and rows come back as
    values (``Prepared.values``) for ``convert``.

    A next page (``cursor``) is one statement: its total is the first page's, carried
    in the cursor. The first page adds one statement that checks the customer exists
    and, when ``counted``, counts the list (a scalar subquery each). With
    ``empty_next_checks`` an empty next page checks the customer too (history's next
    pages have always said NotFound for an unknown customer).
    """

    def __init__(
        self,
        kind: str,
        *,
        query: Callable[[], Select[Any]],
        entity: Any,
        time_column: Any | None,
        filters: Callable[[Shape], list[ColumnElement[bool]]],
        counted: bool = True,
        empty_next_checks: bool = False,
    ) -> None:
        self.kind = kind
        self._query = query
        self._entity = entity
        self._time = time_column
        self._filters = filters
        self._counted = counted
        self._empty_next_checks = empty_next_checks
        self._pages: dict[tuple[Shape, bool], Prepared] = {}
        self._heads: dict[Shape, Prepared] = {}

    def _where(self, shape: Shape) -> list[ColumnElement[bool]]:
        return [self._entity.customer_id == CID, *self._filters(shape)]

    def _page_sql(self, shape: Shape, after: bool) -> Select[Any]:
        query = self._query().where(*self._where(shape))
        row_id = self._entity.id
        after_id = bindparam("after_id", type_=BigInteger)
        if self._time is None:
            if after:
                query = query.where(row_id < after_id)
            order = [row_id.desc()]
        else:
            if after:
                after_time = bindparam("after_time", type_=self._time.type)
                query = query.where(tuple_(self._time, row_id) < tuple_(after_time, after_id))
            order = [self._time.desc(), row_id.desc()]
        return query.order_by(*order).limit(bindparam("lim", type_=BigInteger))

    def _head_sql(self, shape: Shape) -> Select[Any]:
        customers = CustomerRow.__table__
        columns: list[Any] = [
            select(customers.c.id).where(customers.c.id == CID).scalar_subquery().label("found")
        ]
        if self._counted:
            count = select(func.count()).select_from(self._entity).where(*self._where(shape))
            columns.append(count.scalar_subquery().label("total"))
        return select(*columns)

    def page_statement(self, shape: Shape, after: bool) -> Prepared:
        """The page statement of ``shape``, first page or next (``after``)."""
        found = self._pages.get((shape, after))
        if found is None:
            found = Prepared(lambda _dialect: self._page_sql(shape, after))
            self._pages[(shape, after)] = found
        return found

    def _head_statement(self, shape: Shape) -> Prepared:
        found = self._heads.get(shape)
        if found is None:
            found = self._heads[shape] = Prepared(lambda _dialect: self._head_sql(shape))
        return found

    def _check(self, conn: Connection, shape: Shape, values: dict[str, Any]) -> int | None:
        """NotFound unless the customer exists; the list's total when ``counted``."""
        head: Sequence[Any] = self._head_statement(shape).rows(conn, values)[0]
        if head[0] is None:
            raise NotFound(f"no customer with ID {values['cid']}")
        return int(head[1]) if self._counted else None

    def page(
        self,
        conn: Connection,
        customer_id: int,
        *,
        shape: Shape = (),
        params: dict[str, Any] | None = None,
        limit: int,
        cursor: str | None,
        convert: Callable[[tuple[Any, ...]], L],
        time_of: Callable[[L], datetime] | None = None,
    ) -> Page[L]:
        """One page of the customer's list: ``limit`` items ``convert``ed from the values
        of the list's columns, and the cursor after the last one (from ``time_of`` of
        it and its id). NotFound on a first page when there is no such customer."""
        values: dict[str, Any] = {**(params or {}), "cid": customer_id, "lim": limit + 1}
        total: int | None = None
        if cursor:
            if self._time is None:
                values["after_id"] = int_key(decode_cursor(self.kind, cursor).get("i"))
            else:
                values["after_time"], values["after_id"], total = _time_after(self.kind, cursor)
        else:
            total = self._check(conn, shape, values)
        rows = self.page_statement(shape, bool(cursor)).values(conn, values)
        if cursor and not rows and self._empty_next_checks:
            self._check(conn, shape, values)
        items = tuple(convert(row) for row in rows[:limit])
        next_cursor = None
        if len(rows) > limit and items:
            last = items[-1]
            if time_of is None:
                next_cursor = encode_cursor(self.kind, {"i": int(last.id)})
            else:
                next_cursor = _time_cursor(self.kind, time_of(last), int(last.id), total)
        return Page(items=items, next_cursor=next_cursor, total=total)
