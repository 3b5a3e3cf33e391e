"""Money figures of a customer, computed by SQL aggregates over ``orders`` and ``subscriptions``.

Definitions (the stats header, search results and the subscription view all use these):

* An order was **paid** when its status is ``completed``, ``refunded`` or ``chargeback``
  (``created`` was never paid, ``canceled`` never went through).
* **Net spent** = Σ over paid orders of ``total − fees − refunded``
  − Σ over ``chargeback`` orders of ``total``. A chargeback therefore nets to
  ``−fees − refunded``: the money came back to the customer and the store still paid
  the fees. Amounts are integer minor units of the store currency.
* **Total payments** = number of ``completed`` orders.
* **Total refunds** = number of paid orders with status ``refunded`` or a ``refunded``
  amount > 0 (a partial refund of a completed order counts).
* **Total chargebacks** = number of ``chargeback`` orders.
* **MRR** = Σ over ``active`` subscriptions of ``amount × 30 / interval_days``, where
  interval days come from ``BillingInterval.days`` (month 30, year 365, week 7). The sum
  is exact (rational) and rounded half up to a minor unit once, at the end.
* **Active subscriptions** = number of ``active`` subscriptions.
* **Spend by month**: net spent per calendar month (UTC) of the order's ``created_at``,
  for the 12 months ending with the current one, oldest first, months without orders 0.

Cost: the header and the sparkline read each paid order of the customer once, from the
covering index ``ix_orders_customer_status_amounts`` (migration 0002) alone, as plain
sums grouped by status (and month); net spent is combined here, in Python, because
SQLite evaluates a CASE per row far slower than a plain sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from fractions import Fraction
from functools import cache, lru_cache, partial
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnClause,
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
    union_all,
)

from storeadmin.core.models import (
    BillingInterval,
    CustomerStats,
    IntervalScale,
    OrderStatus,
    SpendPoint,
    SubscriptionStatus,
    trusted_constructor,
)
from storeadmin.core.money import Money
from storeadmin.data.base import Reader, connection_of
from storeadmin.data.dialect import is_sqlite
from storeadmin.data.prepared import Prepared
from storeadmin.data.schema import OrderRow, SubscriptionRow

PAID_STATUSES = (OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.CHARGEBACK)
"""Statuses of orders whose money moved."""

PAID_VALUES = frozenset(status.value for status in PAID_STATUSES)

SPEND_MONTHS = 12


def _paid() -> ColumnElement[bool]:
    return OrderRow.status.in_([s.value for s in PAID_STATUSES])


def net_of(status: str, total: int, fees: int, refunded: int) -> int:
    """Net spent of orders of one paid status from their summed amounts (see above)."""
    if status == OrderStatus.CHARGEBACK.value:
        return -fees - refunded
    return total - fees - refunded


@cache
def _stats_sql() -> Select[*tuple[Any, ...]]:
    # Plain sums per status, no CASE: SQLite evaluates these straight from the covering
    # index ix_orders_customer_status_amounts (PostgreSQL: index-only with INCLUDE).
    o = OrderRow
    return (
        select(
            o.status,
            func.count(),
            func.sum(o.total),
            func.sum(o.fees),
            func.sum(o.refunded),
            func.count(func.nullif(o.refunded, 0)),
        )
        .where(o.customer_id == bindparam("customer_id"), _paid())
        .group_by(o.status)
    )


def customer_stats(session: Reader, customer_id: int, currency: str) -> CustomerStats:
    """The stats header of one customer (see the module docstring for definitions)."""
    groups = session.execute(_stats_sql(), {"customer_id": customer_id})
    return stats_of(groups, subscription_figures(session, customer_id), currency)


def stats_of(
    groups: Iterable[tuple[Any, ...]], subscriptions: tuple[int, int], currency: str
) -> CustomerStats:
    """The stats header from the orders' sums by status and (MRR, active subscriptions).

    ``groups`` are ``(status, count, Σ total, Σ fees, Σ refunded, count with a refund)``
    per status; statuses that are not paid (``created``, ``canceled``) are skipped.
    """
    net = payments = refunds = chargebacks = 0
    for status, count, total, fees, refunded, with_refund in groups:
        if status not in PAID_VALUES:
            continue
        net += net_of(status, int(total), int(fees), int(refunded))
        if status == OrderStatus.COMPLETED.value:
            payments = int(count)
        elif status == OrderStatus.CHARGEBACK.value:
            chargebacks = int(count)
        # Refunded orders count whatever their amount; others when money went back.
        refunds += int(count) if status == OrderStatus.REFUNDED.value else int(with_refund)
    mrr, active = subscriptions
    money = Money.maker(currency)
    return CustomerStats(
        total_spent_net=money(net),
        mrr=money(mrr),
        total_payments=payments,
        active_subscriptions=active,
        total_refunds=refunds,
        total_chargebacks=chargebacks,
    )


def round_half_up(value: Fraction) -> int:
    """Nearest integer, halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * int((magnitude * 2 + 1) // 2)


def subscription_figures(session: Reader, customer_id: int) -> tuple[int, int]:
    """(MRR in minor units, number of active subscriptions) of one customer."""
    s = SubscriptionRow
    rows = session.execute(
        select(s.interval_value, s.interval_scale, func.sum(s.amount), func.count())
        .where(s.customer_id == customer_id, s.status == SubscriptionStatus.ACTIVE.value)
        .group_by(s.interval_value, s.interval_scale)
    ).all()
    return mrr_of(rows)


def mrr_of(groups: Iterable[tuple[Any, ...]]) -> tuple[int, int]:
    """(MRR, active subscriptions) from ``(interval value, scale, Σ amount, count)``
    of the active subscriptions, per billing interval."""
    # Exact, in integers (Fraction arithmetic was most of an ordinary customer's header):
    # Σ amount × 30 / days as numerator / denominator, rounded half up once at the end.
    numerator, denominator = 0, 1
    active = 0
    for value, scale, amount, count in groups:
        days = BillingInterval(int(value), IntervalScale(scale)).days
        if days > 0:
            numerator = numerator * days + int(amount) * 30 * denominator
            denominator *= days
        active += int(count)
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)  # half up
    return (-magnitude if numerator < 0 else magnitude), active


def month_start(moment: datetime, months_back: int) -> datetime:
    """Midnight UTC on the first of the month ``months_back`` months before ``moment``'s."""
    index = moment.year * 12 + (moment.month - 1) - months_back
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


@cache
def _months_sql(sqlite: bool) -> Select[*tuple[Any, ...]]:
    o = OrderRow
    if sqlite:
        # created_at is stored as UTC text 'YYYY-MM-DD HH:MM:SS…'.
        month = func.strftime("%Y-%m", o.created_at)
    else:
        month = func.to_char(func.timezone("UTC", o.created_at), "YYYY-MM")
    return (
        select(
            month.label("month"),
            o.status,
            func.sum(o.total),
            func.sum(o.fees),
            func.sum(o.refunded),
        )
        .where(
            o.customer_id == bindparam("customer_id"),
            _paid(),
            o.created_at >= bindparam("start", type_=o.created_at.type),
        )
        .group_by(month, o.status)
    )


def spend_by_month(
    session: Reader, customer_id: int, currency: str, now: datetime
) -> tuple[SpendPoint, ...]:
    """Net spent per calendar month for the last 12 months (the current one included)."""
    start = spend_start(now)
    groups = session.execute(
        _months_sql(is_sqlite(session)), {"customer_id": customer_id, "start": start}
    )
    return months_of(groups, currency, now)


def spend_start(now: datetime) -> datetime:
    """The first moment the sparkline counts: the 1st of the month 11 months back."""
    return month_start(now.astimezone(UTC), SPEND_MONTHS - 1)


def months_of(
    groups: Iterable[tuple[Any, ...]], currency: str, now: datetime
) -> tuple[SpendPoint, ...]:
    """The sparkline from ``(YYYY-MM, status, Σ total, Σ fees, Σ refunded)`` of paid
    orders since ``spend_start(now)``."""
    by_month: dict[str, int] = {}
    for month, status, total, fees, refunded in groups:
        net = net_of(status, int(total), int(fees), int(refunded))
        by_month[str(month)] = by_month.get(str(month), 0) + net
    money = Money.maker(currency)
    moment = now.astimezone(UTC)
    return tuple(
        _new_point(key, money(by_month.get(key, 0)))
        for key in _month_keys(moment.year, moment.month)
    )


_new_point = trusted_constructor(SpendPoint)


@lru_cache(maxsize=4)
def _month_keys(year: int, month: int) -> tuple[str, ...]:
    """``YYYY-MM`` of the 12 months ending with ``year``-``month``, oldest first."""
    last = year * 12 + month - 1
    return tuple(
        f"{index // 12:04d}-{index % 12 + 1:02d}"
        for index in range(last - SPEND_MONTHS + 1, last + 1)
    )


@cache
def _search_figures_sql() -> CompoundSelect[*tuple[Any, ...]]:
    o, s = OrderRow, SubscriptionRow
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    orders = (
        select(o.customer_id, o.status, func.sum(o.total), func.sum(o.fees), func.sum(o.refunded))
        .where(o.customer_id.in_(ids), _paid())
        .group_by(o.customer_id, o.status)
    )
    zero: ColumnClause[int] = literal_column("0")
    subscriber: ColumnClause[str] = literal_column("'subscriber'")
    subscribers = (
        select(s.customer_id, subscriber, zero, zero, zero)
        .where(s.customer_id.in_(ids), s.status == SubscriptionStatus.ACTIVE.value)
        .distinct()
    )
    return union_all(orders, subscribers)


FIGURES_PREPARED_UP_TO = 64
"""``search_figures`` for up to this many customers (a search page is 50) runs a statement
prepared per count (``data.prepared``); more use the expanding form."""
_FIGURES_BY_COUNT: dict[int, Prepared] = {}


def _figures_sql(count: int, _dialect: Any = None) -> CompoundSelect[*tuple[Any, ...]]:
    """The figures statement for ``count`` customers ``:id0…``: no expanding IN, no binds
    but the ids (the statuses are literals), so it compiles once per count."""
    o, s = OrderRow, SubscriptionRow
    ids = [bindparam(f"id{n}", type_=o.customer_id.type) for n in range(count)]
    paid: list[ColumnClause[str]] = [literal_column(f"'{v.value}'") for v in PAID_STATUSES]
    zero: ColumnClause[int] = literal_column("0")
    subscriber: ColumnClause[str] = literal_column("'subscriber'")
    active: ColumnClause[str] = literal_column(f"'{SubscriptionStatus.ACTIVE.value}'")
    return union_all(
        select(o.customer_id, o.status, func.sum(o.total), func.sum(o.fees), func.sum(o.refunded))
        .where(o.customer_id.in_(ids), o.status.in_(paid))
        .group_by(o.customer_id, o.status),
        select(s.customer_id, subscriber, zero, zero, zero)
        .where(s.customer_id.in_(ids), s.status == active)
        .distinct(),
    )


def _figure_rows(session: Reader, ids: list[int]) -> Iterable[Any]:
    if len(ids) > FIGURES_PREPARED_UP_TO:
        return session.execute(_search_figures_sql(), {"ids": ids})
    count = len(ids)
    prepared = _FIGURES_BY_COUNT.get(count)
    if prepared is None:
        prepared = _FIGURES_BY_COUNT.setdefault(count, Prepared(partial(_figures_sql, count)))
    return prepared.rows(connection_of(session), {f"id{n}": cid for n, cid in enumerate(ids)})


def search_figures(session: Reader, customer_ids: Iterable[int]) -> tuple[dict[int, int], set[int]]:
    """(net spent by customer, active subscribers) of the given customers, one statement.

    Missing from the dict means 0 spent.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        return {}, set()
    spent: dict[int, int] = {}
    subscribers: set[int] = set()
    for cid, tag, total, fees, refunded in _figure_rows(session, ids):
        if tag == "subscriber":
            subscribers.add(int(cid))
        else:
            net = net_of(tag, int(total), int(fees), int(refunded))
            spent[int(cid)] = spent.get(int(cid), 0) + net
    return spent, subscribers


def subscription_payments(session: Reader, subscription_id: int) -> tuple[int, int]:
    """(payments made, total paid in minor units) of one subscription.

    Payments made = paid orders (completed, refunded, chargeback) of the subscription.
    Total paid = Σ ``total − refunded`` over its completed and refunded orders: what the
    customer paid and kept paying (a chargeback took its money back, so it adds 0).
    """
    o = OrderRow
    count, paid = session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    case(
                        (o.status == OrderStatus.CHARGEBACK.value, 0),
                        else_=o.total - o.refunded,
                    )
                ),
                0,
            ),
        ).where(o.subscription_id == subscription_id, _paid())
    ).one()
    return int(count), int(paid)
