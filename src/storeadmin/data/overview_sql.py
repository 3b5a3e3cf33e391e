"""The statement of ``open_customer`` (``data.overview``): nine branches in one UNION ALL.

Each branch tags its rows with a kind and lays its columns into the same typed slots,
``i1…i8`` (bigint), ``s1…s7`` (text), ``t1…t4`` (timestamptz) and ``j1…j2`` (JSON),
NULL where a branch has nothing: PostgreSQL wants one type per column of a UNION.
A row reads ``(kind, i1…i8, s1…s7, t1…t4, j1, j2)``: ints at 1–8, texts at 9–15,
times at 16–19, JSON at 20–21. Each page branch is its list read's first-page query
(same ORDER BY, ``limit + 1`` rows) in a subquery, answered by the same index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    DateTime,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Dialect

from storeadmin.core.models import SubscriptionStatus
from storeadmin.data.prepared import Prepared
from storeadmin.data.schema import (
    AuditRow,
    CustomerRow,
    InventoryItemRow,
    MetadataRow,
    OrderRow,
    ProductRow,
    SubscriptionRow,
)
from storeadmin.data.stats import PAID_VALUES

SLOTS = {"i": 8, "s": 7, "t": 4, "j": 2}
_NULL_TYPES: dict[str, Any] = {
    "i": BigInteger(),
    "s": Text(),
    "t": DateTime(timezone=True),
    "j": JSON(),
}
CUSTOMER, STATS, MONTHS, MRR, METADATA = "c", "s", "m", "r", "k"
INVENTORY, ORDERS, SUBSCRIPTIONS, HISTORY = "i", "o", "u", "a"


def _branch(kind: str, from_: Any = None, **slots: Sequence[Any]) -> Select[Any]:
    """One UNION branch: ``kind`` and the given columns in their slots, NULL elsewhere."""
    columns: list[Any] = [literal_column(f"'{kind}'").label("kind")]
    for prefix, size in SLOTS.items():
        given = list(slots.get(prefix, ()))
        assert len(given) <= size, (kind, prefix)
        given += [cast(null(), _NULL_TYPES[prefix])] * (size - len(given))
        columns += [value.label(f"{prefix}{n + 1}") for n, value in enumerate(given)]
    query = select(*columns)
    return query.select_from(from_) if from_ is not None else query


def _big(value: Any) -> ColumnElement[int]:
    # PostgreSQL sums bigints to numeric: back to bigint, so every i-slot is one type.
    return cast(value, BigInteger)


def _text(value: str) -> Any:
    return literal_column(f"'{value}'")


def _overview_sql(dialect: Dialect) -> Any:
    cid = bindparam("cid", type_=BigInteger)
    lim = bindparam("lim", type_=BigInteger)
    c, o, s = CustomerRow, OrderRow, SubscriptionRow
    customer = _branch(
        CUSTOMER,
        i=[c.id, c.version],
        s=[c.username, c.platform, c.external_id, c.updated_by, c.ban_reason, c.banned_by],
        t=[c.first_seen, c.updated_at, c.banned_at, c.ban_expires_at],
    ).where(c.id == cid)
    stats = (
        _branch(
            STATS,
            s=[o.status],
            i=[
                func.count(),
                _big(func.sum(o.total)),
                _big(func.sum(o.fees)),
                _big(func.sum(o.refunded)),
                func.count(func.nullif(o.refunded, 0)),
            ],
        )
        .where(o.customer_id == cid)
        .group_by(o.status)
    )
    if dialect.name == "sqlite":
        month = func.strftime("%Y-%m", o.created_at)
    else:
        month = func.to_char(func.timezone("UTC", o.created_at), "YYYY-MM")
    months = (
        _branch(
            MONTHS,
            s=[month, o.status],
            i=[_big(func.sum(o.total)), _big(func.sum(o.fees)), _big(func.sum(o.refunded))],
        )
        .where(
            o.customer_id == cid,
            o.status.in_([_text(v) for v in sorted(PAID_VALUES)]),
            o.created_at >= bindparam("start", type_=o.created_at.type),
        )
        .group_by(month, o.status)
    )
    mrr = (
        _branch(
            MRR,
            i=[s.interval_value, _big(func.sum(s.amount)), func.count()],
            s=[s.interval_scale],
        )
        .where(s.customer_id == cid, s.status == _text(SubscriptionStatus.ACTIVE.value))
        .group_by(s.interval_value, s.interval_scale)
    )
    m = MetadataRow
    metadata = _branch(METADATA, s=[m.key, m.value]).where(m.customer_id == cid)
    return union_all(
        customer,
        stats,
        months,
        mrr,
        metadata,
        *_page_branches(cid, lim),
    )


def _page_branches(cid: Any, lim: Any) -> list[Select[Any]]:
    it, o, s, a, p = InventoryItemRow, OrderRow, SubscriptionRow, AuditRow, ProductRow
    items = (
        select(it, p.name.label("product_name"), p.type.label("product_type"))
        .join(p, p.id == it.product_id)
        .where(it.customer_id == cid)
        .order_by(it.granted_at.desc(), it.id.desc())
        .limit(lim)
        .subquery()
    )
    orders = (
        select(o)
        .where(o.customer_id == cid)
        .order_by(o.created_at.desc(), o.id.desc())
        .limit(lim)
        .subquery()
    )
    subscriptions = (
        select(s, p.name.label("product_name"))
        .join(p, p.id == s.product_id)
        .where(s.customer_id == cid)
        .order_by(s.created_at.desc(), s.id.desc())
        .limit(lim)
        .subquery()
    )
    history = select(a).where(a.customer_id == cid).order_by(a.id.desc()).limit(lim).subquery()
    i, r, u, h = items.c, orders.c, subscriptions.c, history.c
    return [
        _branch(
            INVENTORY,
            items,
            i=[i.id, i.product_id, i.order_id],
            s=[
                i.state,
                i.source,
                i.granted_by,
                i.revoked_by,
                i.revoke_reason,
                i.product_name,
                i.product_type,
            ],
            t=[i.granted_at, i.expires_at, i.revoked_at],
            j=[i.server_ids],
        ),
        _branch(
            ORDERS,
            orders,
            i=[r.id, r.subscription_id, r.subtotal, r.discount, r.tax, r.fees, r.refunded, r.total],
            s=[r.status, r.products, r.gateway],
            t=[r.created_at, r.completed_at],
        ),
        _branch(
            SUBSCRIPTIONS,
            subscriptions,
            i=[u.id, u.product_id, u.amount, u.interval_value],
            s=[u.interval_scale, u.status, u.cancel_reason, u.product_name],
            t=[u.created_at, u.current_period_end, u.next_billing_at, u.canceled_at],
        ),
        _branch(
            HISTORY,
            history,
            i=[h.id],
            s=[h.actor, h.action, h.target_type, h.target_id, h.reason],
            t=[h.at],
            j=[h.before, h.after],
        ),
    ]


OVERVIEW = Prepared(_overview_sql)
COUNT_ITEMS = Prepared(
    lambda _d: (
        select(func.count())
        .select_from(InventoryItemRow)
        .where(InventoryItemRow.customer_id == bindparam("cid", type_=BigInteger))
    )
)
COUNT_SUBSCRIPTIONS = Prepared(
    lambda _d: (
        select(func.count())
        .select_from(SubscriptionRow)
        .where(SubscriptionRow.customer_id == bindparam("cid", type_=BigInteger))
    )
)
