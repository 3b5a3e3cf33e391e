"""The statements behind customer search (``storeadmin.data.search`` runs them).

Each is built once per shape with ``bindparam()`` placeholders, so SQLAlchemy's
compiled cache serves every later search; every value arrives as a bound parameter.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Label,
    Select,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute

from storeadmin.core.models import MatchKind
from storeadmin.data.base import Reader
from storeadmin.data.schema import CustomerRow, MetadataRow, OrderRow, SubscriptionRow

MAX_METADATA_KEYS = 200
"""More distinct metadata keys than this and the value lookup ignores keys (a scan)."""

EXACT_RANK = {
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
    C.search_key,
    C.ban_reason,
    C.ban_expires_at,
)
FTS = table("customers_fts", column("rowid"), column("customers_fts"))
VOCAB = table("customers_fts_vocab", column("term"), column("doc"))
"""SQLite: how many customers' search keys hold each trigram (FTS5's vocabulary)."""


def metadata_keys(session: Reader) -> list[str]:
    """Distinct metadata keys by a loose index scan: one index seek per key, one statement."""
    return [str(k) for k in session.execute(_metadata_keys_sql()).scalars()]


@cache
def _metadata_keys_sql() -> Select[*tuple[Any, ...]]:
    m = MetadataRow
    keys = select(func.min(m.key).label("k")).cte("meta_keys", recursive=True)
    step = select(select(func.min(m.key)).where(m.key > keys.c.k).scalar_subquery()).where(
        keys.c.k.is_not(None)
    )
    keys = keys.union_all(step)
    return select(keys.c.k).where(keys.c.k.is_not(None)).limit(MAX_METADATA_KEYS + 1)


def _p(name: str, *, expanding: bool = False) -> BindParameter[Any]:
    return bindparam(name, expanding=expanding)


def _exclusions(exclude: str) -> list[ColumnElement[bool]]:
    """Leave out customers an earlier phase returned.

    ``exclude``: ``"ids"`` (the exact and metadata phases' customers, a short list in
    ``excluded_ids``), ``"meta"`` (those ids plus any customer with a metadata value equal
    to ``text`` — only when that list was too long to pass) or ``"none"``.
    """
    found: list[ColumnElement[bool]] = []
    if exclude in ("ids", "meta"):
        found.append(C.id.not_in(_p("excluded_ids", expanding=True)))
    if exclude == "meta":
        m = MetadataRow
        found.append(~exists().where((m.customer_id == C.id) & (m.value == _p("text"))))
    return found


@cache
def exact_sql(kinds: tuple[MatchKind, ...]) -> Select[*tuple[Any, ...]]:
    """Every exact match with its customer row and rank, in one UNION ALL of seeks."""
    parts: list[Select[*tuple[Any, ...]]] = []
    for kind in kinds:
        rank: Label[int] = literal_column(str(EXACT_RANK[kind])).label("rank")
        if kind is MatchKind.CUSTOMER_ID:
            parts.append(select(C.id.label("cid"), rank).where(C.id == _p("number")))
        elif kind is MatchKind.ORDER_ID:
            parts.append(
                select(OrderRow.customer_id.label("cid"), rank).where(OrderRow.id == _p("number"))
            )
        else:
            parts.append(
                select(SubscriptionRow.customer_id.label("cid"), rank).where(
                    SubscriptionRow.id == _p("number")
                )
            )
    rank = literal_column(str(EXACT_RANK[MatchKind.EXTERNAL_ID])).label("rank")
    parts.append(
        select(C.id.label("cid"), rank).where(C.external_id.in_(_p("externals", expanding=True)))
    )
    found = union_all(*parts).subquery("exact")
    return select(*CUSTOMER_COLUMNS, found.c.rank).join_from(found, C, C.id == found.c.cid)


@cache
def meta_sql(meta: str, exclude_exact: bool) -> Select[*tuple[Any, ...]]:
    """Customers with a metadata value equal to the input, by id."""
    m = MetadataRow
    ids = select(m.customer_id).where(m.value == _p("text"), m.customer_id > _p("after_id"))
    if meta == "keyed":
        ids = ids.where(m.key.in_(_p("keys", expanding=True)))
    if exclude_exact:
        ids = ids.where(m.customer_id.not_in(_p("exact_ids", expanding=True)))
    found = ids.distinct().order_by(m.customer_id).limit(_p("want")).subquery("meta")
    return select(*CUSTOMER_COLUMNS).join_from(found, C, C.id == found.c.customer_id).order_by(C.id)


@cache
def prefix_sql(resume: bool, exclude: str) -> Select[*tuple[Any, ...]]:
    """Customers from ``search_key >= low`` on, by (search_key, id); the caller keeps the rows
    below the prefix's upper bound.

    No upper bound in SQL on purpose: a bounded range lets PostgreSQL's planner trust its
    row estimate ("dex": 42 expected, 13,878 found) and read and sort the whole range; an
    open range with ``LIMIT`` can only be the ordered index walk, which stops after
    ``want`` rows whatever the match count.
    """
    query = select(*CUSTOMER_COLUMNS).where(C.search_key >= _p("low"))
    if resume:
        query = query.where(tuple_(C.search_key, C.id) > tuple_(_p("after_name"), _p("after_id")))
    query = query.where(*_exclusions(exclude))
    return query.order_by(C.search_key, C.id).limit(_p("want"))


def _not_prefix(
    bounded: bool, key: ColumnElement[str | None] | InstrumentedAttribute[str | None]
) -> ColumnElement[bool]:
    """Prefix matches were the previous phase's."""
    if bounded:
        return or_(key < _p("low"), key >= _p("high"))
    return key < _p("low")


@cache
def substring_sqlite_sql(bounded: bool, exclude: str) -> Select[*tuple[Any, ...]]:
    """Customers whose name contains the input (3+ characters), prefix matches left out.

    Driven from the trigram index; it yields rowids in order, so the keyset bound and the
    ORDER BY are served without a sort.
    """
    query = (
        select(*CUSTOMER_COLUMNS)
        .select_from(FTS.join(C, C.id == FTS.c.rowid))
        .where(FTS.c.customers_fts.op("MATCH")(_p("phrase")), _not_prefix(bounded, C.search_key))
    )
    query = query.where(FTS.c.rowid > _p("after_id"), *_exclusions(exclude))
    return query.order_by(FTS.c.rowid).limit(_p("want"))


@cache
def substring_window_sql(bounded: bool, exclude: str) -> Select[*tuple[Any, ...]]:
    """PostgreSQL: the customers with ids in ``(low_id, high_id]``, filtered by the pattern.

    A common fragment fills the page from a short primary-key walk; a bounded walk never
    becomes the whole-table scan that a plan trusting a misestimate would do. The inner
    ``LIMIT`` keeps the planner from flattening the window into a trigram bitmap scan.
    """
    window = (
        select(*CUSTOMER_COLUMNS)
        .where(C.id > _p("low_id"), C.id <= _p("high_id"))
        .order_by(C.id)
        .limit(_p("span"))
        .subquery("window")
    )
    w = window.c
    query = select(*w).where(
        w.search_key.like(_p("pattern"), escape="\\"), _not_prefix(bounded, w.search_key)
    )
    if exclude in ("ids", "meta"):
        query = query.where(w.id.not_in(_p("excluded_ids", expanding=True)))
    if exclude == "meta":
        m = MetadataRow
        query = query.where(~exists().where((m.customer_id == w.id) & (m.value == _p("text"))))
    return query.order_by(w.id).limit(_p("want"))


@cache
def substring_trigram_sql(bounded: bool, exclude: str) -> Select[*tuple[Any, ...]]:
    """PostgreSQL, when the window found too few: the pg_trgm GIN index, then a sort.

    The fragment is rare by then, so the bitmap is small; ``id + 0`` keeps the planner
    from walking the primary key instead (a whole-table walk for a rare fragment).
    """
    query = select(*CUSTOMER_COLUMNS).where(
        C.search_key.like(_p("pattern"), escape="\\"),
        _not_prefix(bounded, C.search_key),
        C.id > _p("after_id"),
        *_exclusions(exclude),
    )
    return query.order_by(C.id + 0).limit(_p("want"))


@cache
def trigram_counts_sql() -> Select[*tuple[Any, ...]]:
    """SQLite: the number of customers whose search key holds each of ``terms``."""
    return select(VOCAB.c.term, VOCAB.c.doc).where(VOCAB.c.term.in_(_p("terms", expanding=True)))


@cache
def near_sqlite_sql(terms: int) -> Select[*tuple[Any, ...]]:
    """SQLite near-match candidates: the ``pool`` customers whose search keys share the
    most of the trigrams ``t0`` … (each read through the FTS index, at most ``budget``
    rows per trigram), by shared count, then id."""
    parts: list[Select[*tuple[Any, ...]]] = []
    for number in range(terms):
        one = (
            select(FTS.c.rowid.label("rid"))
            .where(FTS.c.customers_fts.op("MATCH")(_p(f"t{number}")))
            .limit(_p("budget"))
            .subquery(f"t{number}")
        )
        parts.append(select(one.c.rid))
    hits = union_all(*parts).subquery("hits")
    shared = func.count().label("shared")
    top = (
        select(hits.c.rid, shared)
        .group_by(hits.c.rid)
        .order_by(shared.desc(), hits.c.rid)
        .limit(_p("pool"))
        .subquery("top")
    )
    return (
        select(*CUSTOMER_COLUMNS)
        .join_from(top, C, C.id == top.c.rid)
        .order_by(top.c.shared.desc(), C.id)
    )


@cache
def near_threshold_sql() -> Select[*tuple[Any, ...]]:
    """PostgreSQL: ``<%``'s word-similarity threshold for the rest of the transaction."""
    return select(
        func.set_config(
            "pg_trgm.word_similarity_threshold", _p("threshold"), literal_column("true")
        )
    )


@cache
def near_trigram_sql() -> Select[*tuple[Any, ...]]:
    """PostgreSQL near-match candidates: pg_trgm's word similarity (``key <% search_key``,
    served by the GIN index), the ``pool`` most similar, then id."""
    key = _p("key")
    return (
        select(*CUSTOMER_COLUMNS)
        .where(key.op("<%")(C.search_key))
        .order_by(func.word_similarity(key, C.search_key).desc(), C.id)
        .limit(_p("pool"))
    )


@cache
def highest_id_sql() -> Select[*tuple[Any, ...]]:
    """The highest customer id (one index probe): where the id walk ends."""
    return select(func.max(C.id))


@cache
def newest_sql(resume: bool) -> Select[*tuple[Any, ...]]:
    """The newest customers (an empty query), by id descending."""
    query = select(*CUSTOMER_COLUMNS)
    if resume:
        query = query.where(C.id < _p("after_id"))
    return query.order_by(C.id.desc()).limit(_p("want"))
