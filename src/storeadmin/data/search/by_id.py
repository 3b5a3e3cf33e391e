"""The exact and metadata phases and their figures in one statement: the whole first
page of an input that can only be an ID (a SteamID64, a UUID, a snowflake, ``#123``…),
and the ID lookups of any other first page.

Compiled once per shape and dialect and run as driver SQL (``data.prepared``), it
returns what ``search.customers`` otherwise reads in three statements built per call:
the exact matches' customers (best rank per customer), the customers with a metadata
value equal to the input (exact matches left out, the ``want`` lowest ids), and for each
its net spent (``stats.net_of`` summed in SQL, from the same covering orders index) and
whether it has an active subscription. One row per customer:
``(id, username, platform, external_id, first_seen, ban_reason, ban_expires_at, rank,
net spent, subscriber)``; ``rank`` is ``EXACT_RANK`` or ``META_RANK``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnClause,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.engine import Dialect

from storeadmin.core.models import MatchKind, OrderStatus, SubscriptionStatus
from storeadmin.data.driver_read import Runner
from storeadmin.data.prepared import Prepared, read_utc
from storeadmin.data.schema import CustomerRow, MetadataRow, OrderRow, SubscriptionRow
from storeadmin.data.search.sql import EXACT_RANK
from storeadmin.data.stats import PAID_STATUSES

META_RANK = 9
"""The rank of a metadata match: after every exact kind."""

Shape = tuple[tuple[MatchKind, ...], int, int | None]
"""(ID kinds looked up by number, external ID candidates, metadata keys or None for any
key): one compiled statement each."""


@dataclass(frozen=True, slots=True)
class IdRow:
    """A customer row as the other phases' statements return it (attribute access)."""

    id: int
    username: str
    platform: str
    external_id: str
    first_seen: datetime
    search_key: str | None
    ban_reason: str | None
    ban_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class IdMatches:
    """What the statement found: exact matches as (rank, customer id, row) sorted, metadata
    matches by id, and the figures of all of them (net spent, active subscribers)."""

    exact: list[tuple[int, int, IdRow]]
    meta: list[IdRow]
    spent: dict[int, int]
    subscribers: set[int]


def _exact_part(kinds: tuple[MatchKind, ...], externals: int) -> Select[*tuple[Any, ...]] | None:
    """(cid, best rank) of every exact match: customer / order / subscription id seeks and
    the external ID candidates ``ext0…``."""
    c, number = CustomerRow, bindparam("number", type_=BigInteger)
    parts: list[Select[*tuple[Any, ...]]] = []
    for kind in kinds:
        rank = literal_column(str(EXACT_RANK[kind]), Integer).label("rank")
        if kind is MatchKind.CUSTOMER_ID:
            parts.append(select(c.id.label("cid"), rank).where(c.id == number))
        elif kind is MatchKind.ORDER_ID:
            parts.append(
                select(OrderRow.customer_id.label("cid"), rank).where(OrderRow.id == number)
            )
        else:
            sub = SubscriptionRow
            parts.append(select(sub.customer_id.label("cid"), rank).where(sub.id == number))
    if externals:
        candidates = [bindparam(f"ext{n}", type_=String) for n in range(externals)]
        rank = literal_column(str(EXACT_RANK[MatchKind.EXTERNAL_ID]), Integer).label("rank")
        parts.append(select(c.id.label("cid"), rank).where(c.external_id.in_(candidates)))
    if not parts:
        return None
    found = union_all(*parts).subquery("exact_any")
    return select(found.c.cid, func.min(found.c.rank).label("rank")).group_by(found.c.cid)


def _meta_part(keys: int | None, exact: Any) -> Select[*tuple[Any, ...]]:
    """Customers with a metadata value equal to ``text`` under ``key0…`` (any key when
    ``keys`` is None), exact matches left out, the ``want`` lowest ids."""
    m = MetadataRow
    ids = select(m.customer_id.label("cid")).where(m.value == bindparam("text", type_=String))
    if keys is not None:
        ids = ids.where(m.key.in_([bindparam(f"key{n}", type_=String) for n in range(keys)]))
    if exact is not None:
        ids = ids.where(m.customer_id.not_in(select(exact.c.cid)))
    limited = ids.distinct().order_by(m.customer_id).limit(bindparam("want")).subquery("meta")
    return select(limited.c.cid, literal_column(str(META_RANK), Integer).label("rank"))


def _statement(shape: Shape, _dialect: Dialect) -> Select[*tuple[Any, ...]]:
    kinds, externals, keys = shape
    c, o, s = CustomerRow, OrderRow, SubscriptionRow
    exact_select = _exact_part(kinds, externals)
    exact = None if exact_select is None else exact_select.cte("exact")
    parts: list[Select[*tuple[Any, ...]]] = (
        [] if exact is None else [select(exact.c.cid, exact.c.rank)]
    )
    if keys != 0:
        parts.append(_meta_part(keys, exact))
    found = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("found")
    # Net spent as stats.net_of computes it from the sums by status, summed per customer
    # in SQL: a chargeback took its money back and its fees and refunds are lost too.
    chargeback: ColumnClause[str] = literal_column(f"'{OrderStatus.CHARGEBACK.value}'")
    net = case((o.status == chargeback, -o.fees - o.refunded), else_=o.total - o.fees - o.refunded)
    paid: list[ColumnClause[str]] = [literal_column(f"'{v.value}'") for v in PAID_STATUSES]
    spent = (
        select(cast(func.sum(net), BigInteger))
        .where(o.customer_id == c.id, o.status.in_(paid))
        .scalar_subquery()
    )
    active: ColumnClause[str] = literal_column(f"'{SubscriptionStatus.ACTIVE.value}'")
    subscriber = exists().where(s.customer_id == c.id, s.status == active)
    return select(
        c.id,
        c.username,
        c.platform,
        c.external_id,
        c.first_seen,
        c.ban_reason,
        c.ban_expires_at,
        found.c.rank,
        spent,
        subscriber,
    ).join_from(found, c, c.id == found.c.cid)


_STATEMENTS: dict[Shape, Prepared] = {}


def has_lookups(kinds: Sequence[MatchKind], externals: Sequence[str], keys: int | None) -> bool:
    """Whether the input asks for any lookup at all (else there is nothing to run)."""
    return bool(kinds or externals or keys != 0)


def find_by_id(
    conn: Runner,
    *,
    number: int | None,
    kinds: tuple[MatchKind, ...],
    externals: Sequence[str],
    text: str,
    keys: Sequence[str] | None,
    want: int,
) -> IdMatches:
    """Run the one statement for these lookups (``keys`` None: under any metadata key)."""
    shape: Shape = (kinds, len(externals), None if keys is None else len(keys))
    prepared = _STATEMENTS.get(shape)
    if prepared is None:
        prepared = _STATEMENTS.setdefault(shape, Prepared(partial(_statement, shape)))
    params: dict[str, Any] = {f"ext{n}": value for n, value in enumerate(externals)}
    if kinds:
        params["number"] = number
    if keys != []:
        params.update(text=text, want=want)
        params.update({f"key{n}": key for n, key in enumerate(keys or ())})
    return _matches(prepared.rows(conn, params), read_utc(conn.dialect))


def _matches(rows: Sequence[Any], utc: Callable[[Any], Any]) -> IdMatches:
    exact: list[tuple[int, int, IdRow]] = []
    meta: list[IdRow] = []
    spent: dict[int, int] = {}
    subscribers: set[int] = set()
    for cid, name, platform, external, first, reason, expires, rank, net, subscriber in rows:
        row = IdRow(cid, name, platform, external, utc(first), None, reason, utc(expires))
        if rank == META_RANK:
            meta.append(row)
        else:
            exact.append((rank, cid, row))
        if net:
            spent[cid] = int(net)
        if subscriber:
            subscribers.add(cid)
    exact.sort(key=lambda entry: (entry[0], entry[1]))
    meta.sort(key=lambda row: row.id)
    return IdMatches(exact, meta, spent, subscribers)
