"""Customer search: dispatch on the shape of the input, every branch an index lookup.

Results come in phases, each with its own total order and excluding what earlier
phases returned, so keyset paging across phases never repeats or skips a row:

1. ``exact`` — customer ID, any accepted form of an external ID, order ID and
   subscription ID (``c123``, ``#123`` / ``o123`` / ``order 123``, ``s123`` / ``sub 123``
   narrow plain digits to one kind). A handful of rows, ordered by (kind, customer id).
2. ``meta`` — a metadata value equal to the input under any key (a Discord ID),
   by customer id, through ``ix_customer_metadata_key_value`` (one seek per key).
3. ``prefix`` — ``name_key`` (the casefolded username) in ``[p, p_next)``, by
   (name_key, id), through ``ix_customers_name_key``.
4. ``substring`` — only for 3 characters or more: SQLite's FTS5 trigram table
   ``customers_fts``, PostgreSQL's pg_trgm GIN index, by id; prefix matches excluded.

An empty input lists the newest customers (by id, descending: ids grow with time and
the primary key serves the order, where ``first_seen`` has no index). Net spent and
"active subscriber" are computed afterwards for the rows of the page only, each with
one grouped query. Every value reaches SQL as a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    exists,
    func,
    literal,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from storeadmin.core.errors import Invalid
from storeadmin.core.models import CustomerSummary, MatchKind, Page, Platform
from storeadmin.core.money import Money
from storeadmin.data.paging import decode_cursor, encode_cursor, int_key
from storeadmin.data.schema import CustomerRow, MetadataRow, OrderRow, SubscriptionRow
from storeadmin.data.search_terms import (
    escape_like,
    external_candidates,
    fts_phrase,
    parse_id_forms,
    prefix_upper_bound,
)
from storeadmin.data.stats import active_subscribers, net_spent_by_customer

SUBSTRING_MIN_CHARS = 3
"""Below this, substring search would scan (a trigram index needs 3 characters)."""

MAX_METADATA_KEYS = 200
"""More distinct metadata keys than this and the value lookup ignores keys (a scan)."""

_CURSOR_KIND = "search"
_EXACT_RANK = {
    MatchKind.CUSTOMER_ID: 0,
    MatchKind.EXTERNAL_ID: 1,
    MatchKind.ORDER_ID: 2,
    MatchKind.SUBSCRIPTION_ID: 3,
}

C = CustomerRow
CUSTOMER_COLUMNS = (
    C.id,
    C.username,
    C.platform,
    C.external_id,
    C.first_seen,
    C.name_key,
    C.ban_reason,
    C.ban_expires_at,
)
_FTS = table("customers_fts", column("rowid"), column("customers_fts"))


@dataclass(frozen=True, slots=True)
class _Hit:
    """One result row, why it matched, and the cursor payload that resumes after it."""

    row: Any
    kind: MatchKind
    resume: dict[str, Any]


@dataclass(slots=True)
class _Search:
    """What every phase needs: the input, its folded form and the earlier phases' matches."""

    session: Session
    text: str
    key: str
    exact: list[tuple[int, int, MatchKind]] = field(default_factory=list)
    """(rank, customer id, kind) of the exact matches, sorted."""
    meta_keys: list[str] | None = None

    @property
    def exact_ids(self) -> list[int]:
        """Customer ids of the exact phase."""
        return [cid for _, cid, _ in self.exact]


def _in_prefix(key: str) -> ColumnElement[bool]:
    upper = prefix_upper_bound(key)
    if upper is None:
        return C.name_key >= key
    return (C.name_key >= key) & (C.name_key < upper)


def _not_in_prefix(key: str) -> ColumnElement[bool]:
    upper = prefix_upper_bound(key)
    if upper is None:
        return C.name_key < key
    return or_(C.name_key < key, C.name_key >= upper)


# ------------------------------------------------------------------ exact phase


def _find_exact(search: _Search) -> list[tuple[int, int, MatchKind]]:
    """Every exact match, in one round trip (a UNION ALL of primary-key and index seeks)."""
    parts: list[Select[Any]] = []
    for kind, number in parse_id_forms(search.text):
        rank = literal(_EXACT_RANK[kind])
        if kind is MatchKind.CUSTOMER_ID:
            parts.append(select(C.id.label("cid"), rank.label("rank")).where(C.id == number))
        elif kind is MatchKind.ORDER_ID:
            parts.append(
                select(OrderRow.customer_id.label("cid"), rank.label("rank")).where(
                    OrderRow.id == number
                )
            )
        else:
            parts.append(
                select(SubscriptionRow.customer_id.label("cid"), rank.label("rank")).where(
                    SubscriptionRow.id == number
                )
            )
    parts.append(
        select(C.id.label("cid"), literal(_EXACT_RANK[MatchKind.EXTERNAL_ID]).label("rank")).where(
            C.external_id.in_(external_candidates(search.text))
        )
    )
    best: dict[int, int] = {}
    for cid, rank in search.session.execute(union_all(*parts)):
        best[int(cid)] = min(int(rank), best.get(int(cid), int(rank)))
    kinds = {rank: kind for kind, rank in _EXACT_RANK.items()}
    return sorted((rank, cid, kinds[rank]) for cid, rank in best.items())


def _exact_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[_Hit]:
    entries = search.exact
    if after is not None:
        mark = (int_key(after.get("r")), int_key(after.get("c")))
        entries = [e for e in entries if (e[0], e[1]) > mark]
    entries = entries[:want]
    rows = _rows_by_id(search.session, [cid for _, cid, _ in entries])
    return [
        _Hit(rows[cid], kind, {"p": "exact", "r": rank, "c": cid})
        for rank, cid, kind in entries
        if cid in rows
    ]


# ------------------------------------------------------------------ metadata phase


def metadata_keys(session: Session) -> list[str]:
    """Distinct metadata keys by a loose index scan: one index seek per key, one statement."""
    m = MetadataRow
    keys = select(func.min(m.key).label("k")).cte("meta_keys", recursive=True)
    step = select(select(func.min(m.key)).where(m.key > keys.c.k).scalar_subquery()).where(
        keys.c.k.is_not(None)
    )
    keys = keys.union_all(step)
    query = select(keys.c.k).where(keys.c.k.is_not(None)).limit(MAX_METADATA_KEYS + 1)
    return [str(k) for k in session.execute(query).scalars()]


def _searchable_keys(search: _Search) -> list[str]:
    """Metadata keys to look the input up under; empty when no value can match."""
    if len(search.text) > 1024:  # longer than any stored value
        return []
    if search.meta_keys is None:
        search.meta_keys = metadata_keys(search.session)
    return search.meta_keys


def _meta_match(search: _Search, customer_id: Any, keys: list[str]) -> ColumnElement[bool]:
    m = MetadataRow
    condition = (m.customer_id == customer_id) & (m.value == search.text)
    if len(keys) <= MAX_METADATA_KEYS:
        # Leading the (key, value) index with the key keeps this a seek per key.
        condition = condition & m.key.in_(keys)
    return condition


def _meta_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[_Hit]:
    keys = _searchable_keys(search)
    if not keys:
        return []
    m = MetadataRow
    query = select(m.customer_id).where(m.value == search.text).distinct()
    if len(keys) <= MAX_METADATA_KEYS:
        query = query.where(m.key.in_(keys))
    if search.exact:
        query = query.where(m.customer_id.not_in(search.exact_ids))
    if after is not None:
        query = query.where(m.customer_id > int_key(after.get("c")))
    query = query.order_by(m.customer_id).limit(want)
    ids = [int(c) for c in search.session.execute(query).scalars()]
    rows = _rows_by_id(search.session, ids)
    return [_Hit(rows[c], MatchKind.METADATA, {"p": "meta", "c": c}) for c in ids if c in rows]


# ------------------------------------------------------------------ name phases


def _exclude_earlier(search: _Search, query: Select[Any]) -> Select[Any]:
    """Leave out customers the exact and metadata phases already returned."""
    if search.exact:
        query = query.where(C.id.not_in(search.exact_ids))
    keys = _searchable_keys(search)
    if keys:
        query = query.where(~exists().where(_meta_match(search, C.id, keys)))
    return query


def _prefix_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[_Hit]:
    query = select(*CUSTOMER_COLUMNS).where(_in_prefix(search.key))
    if after is not None:
        name_key = after.get("n")
        if not isinstance(name_key, str):
            name_key = ""
        query = query.where(tuple_(C.name_key, C.id) > tuple_(name_key, int_key(after.get("c"))))
    query = _exclude_earlier(search, query).order_by(C.name_key, C.id).limit(want)
    return [
        _Hit(row, MatchKind.NAME_PREFIX, {"p": "prefix", "n": row.name_key, "c": row.id})
        for row in search.session.execute(query)
    ]


def _substring_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[_Hit]:
    if search.session.get_bind().dialect.name == "sqlite":
        # Drive the query from the trigram index; it yields rowids in order, so the
        # keyset bound and the ORDER BY are served without a sort.
        query = (
            select(*CUSTOMER_COLUMNS)
            .select_from(_FTS.join(C, C.id == _FTS.c.rowid))
            .where(_FTS.c.customers_fts.op("MATCH")(fts_phrase(search.key)))
        )
        order_key = _FTS.c.rowid
    else:
        pattern = f"%{escape_like(search.key)}%"
        query = select(*CUSTOMER_COLUMNS).where(C.name_key.like(pattern, escape="\\"))
        order_key = C.id
    query = query.where(_not_in_prefix(search.key))
    if after is not None:
        query = query.where(order_key > int_key(after.get("c")))
    query = _exclude_earlier(search, query).order_by(order_key).limit(want)
    return [
        _Hit(row, MatchKind.NAME_SUBSTRING, {"p": "substring", "c": row.id})
        for row in search.session.execute(query)
    ]


def _newest_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[_Hit]:
    query = select(*CUSTOMER_COLUMNS)
    if after is not None:
        query = query.where(C.id < int_key(after.get("c")))
    query = query.order_by(C.id.desc()).limit(want)
    return [
        _Hit(row, MatchKind.NAME_PREFIX, {"p": "newest", "c": row.id})
        for row in search.session.execute(query)
    ]


_PHASES: dict[str, Callable[[_Search, dict[str, Any] | None, int], list[_Hit]]] = {
    "exact": _exact_hits,
    "meta": _meta_hits,
    "prefix": _prefix_hits,
    "substring": _substring_hits,
    "newest": _newest_hits,
}


# ------------------------------------------------------------------ entry point


def _rows_by_id(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = session.execute(select(*CUSTOMER_COLUMNS).where(C.id.in_(list(ids))))
    return {int(row.id): row for row in rows}


def phases_for(key: str) -> list[str]:
    """The phases an input runs through, in order."""
    if not key:
        return ["newest"]
    phases = ["exact", "meta", "prefix"]
    if len(key) >= SUBSTRING_MIN_CHARS:
        phases.append("substring")
    return phases


def search_customers(
    session: Session,
    query: str,
    *,
    limit: int,
    cursor: str | None,
    now: datetime,
    currency: str,
) -> Page[CustomerSummary]:
    """One page of search results (see the module docstring for the phases)."""
    text = query.strip()
    search = _Search(session=session, text=text, key=text.casefold())
    phases = phases_for(search.key)
    start, after = phases[0], None
    if cursor:
        payload = decode_cursor(_CURSOR_KIND, cursor)
        if payload.get("q") != text or payload.get("p") not in phases:
            raise Invalid({"cursor": "this page cursor belongs to another search"})
        start, after = payload["p"], payload
    if search.key:
        search.exact = _find_exact(search)
    hits: list[_Hit] = []
    for phase in phases[phases.index(start) :]:
        want = limit + 1 - len(hits)
        if want <= 0:
            break
        hits += _PHASES[phase](search, after if phase == start else None, want)
    shown = hits[:limit]
    next_cursor = None
    if len(hits) > limit and shown:
        next_cursor = encode_cursor(_CURSOR_KIND, {"q": text, **shown[-1].resume})
    ids = [int(hit.row.id) for hit in shown]
    spent = net_spent_by_customer(session, ids)
    subscribers = active_subscribers(session, ids)
    items = tuple(
        CustomerSummary(
            id=int(hit.row.id),
            username=hit.row.username,
            platform=Platform(hit.row.platform),
            external_id=hit.row.external_id,
            first_seen=hit.row.first_seen,
            net_spent=Money(spent.get(int(hit.row.id), 0), currency),
            banned=hit.row.ban_reason is not None
            and (hit.row.ban_expires_at is None or hit.row.ban_expires_at > now),
            active_subscriber=int(hit.row.id) in subscribers,
            matched_by=hit.kind,
        )
        for hit in shown
    )
    return Page(items=items, next_cursor=next_cursor)
