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
from sqlalchemy.orm import Session

from storeadmin.core.models import MatchKind
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
    C.name_key,
    C.ban_reason,
    C.ban_expires_at,
)
FTS = table("customers_fts", column("rowid"), column("customers_fts"))


def metadata_keys(session: Session) -> list[str]:
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


def _exclusions(exclude_exact: bool, meta: str) -> list[ColumnElement[bool]]:
    """Leave out customers the exact (``exact_ids``) and metadata phases returned.

    ``meta``: ``"keyed"`` (value under ``keys``), ``"any"`` (any key) or ``"none"``.
    """
    found: list[ColumnElement[bool]] = []
    if exclude_exact:
        found.append(C.id.not_in(_p("exact_ids", expanding=True)))
    if meta != "none":
        m = MetadataRow
        match = (m.customer_id == C.id) & (m.value == _p("text"))
        if meta == "keyed":
            # Leading the (key, value) index with the key keeps this a seek per key.
            match = match & m.key.in_(_p("keys", expanding=True))
        found.append(~exists().where(match))
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
def prefix_sql(
    bounded: bool, resume: bool, exclude_exact: bool, meta: str
) -> Select[*tuple[Any, ...]]:
    """Customers whose ``name_key`` is in the prefix range, by (name_key, id)."""
    query = select(*CUSTOMER_COLUMNS).where(C.name_key >= _p("low"))
    if bounded:
        query = query.where(C.name_key < _p("high"))
    if resume:
        query = query.where(tuple_(C.name_key, C.id) > tuple_(_p("after_name"), _p("after_id")))
    query = query.where(*_exclusions(exclude_exact, meta))
    return query.order_by(C.name_key, C.id).limit(_p("want"))


@cache
def substring_sql(
    sqlite: bool, bounded: bool, resume: bool, exclude_exact: bool, meta: str
) -> Select[*tuple[Any, ...]]:
    """Customers whose name contains the input (3+ characters), prefix matches left out."""
    order_key: Any
    if sqlite:
        # Drive the query from the trigram index; it yields rowids in order, so the
        # keyset bound and the ORDER BY are served without a sort.
        query = (
            select(*CUSTOMER_COLUMNS)
            .select_from(FTS.join(C, C.id == FTS.c.rowid))
            .where(FTS.c.customers_fts.op("MATCH")(_p("phrase")))
        )
        order_key = FTS.c.rowid
    else:
        query = select(*CUSTOMER_COLUMNS).where(C.name_key.like(_p("pattern"), escape="\\"))
        order_key = C.id
    if bounded:
        query = query.where(or_(C.name_key < _p("low"), C.name_key >= _p("high")))
    else:
        query = query.where(C.name_key < _p("low"))
    if resume:
        query = query.where(order_key > _p("after_id"))
    query = query.where(*_exclusions(exclude_exact, meta))
    return query.order_by(order_key).limit(_p("want"))


@cache
def newest_sql(resume: bool) -> Select[*tuple[Any, ...]]:
    """The newest customers (an empty query), by id descending."""
    query = select(*CUSTOMER_COLUMNS)
    if resume:
        query = query.where(C.id < _p("after_id"))
    return query.order_by(C.id.desc()).limit(_p("want"))
