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

Cost: the header aggregate reads each paid order of the customer once through
``ix_orders_customer_status_created``; amounts come from the table (see the report in
the module that calls it for the covering index that would make it index-only).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from fractions import Fraction

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from storeadmin.core.models import (
    BillingInterval,
    CustomerStats,
    IntervalScale,
    OrderStatus,
    SpendPoint,
    SubscriptionStatus,
)
from storeadmin.core.money import Money
from storeadmin.data.schema import OrderRow, SubscriptionRow

PAID_STATUSES = (OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.CHARGEBACK)
"""Statuses of orders whose money moved."""

SPEND_MONTHS = 12


def net_amount() -> ColumnElement[int]:
    """Per-order net contribution; sum it over rows already restricted to paid orders."""
    o = OrderRow
    return case(
        (o.status == OrderStatus.CHARGEBACK.value, -o.fees - o.refunded),
        else_=o.total - o.fees - o.refunded,
    )


def _paid() -> ColumnElement[bool]:
    return OrderRow.status.in_([s.value for s in PAID_STATUSES])


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def customer_stats(session: Session, customer_id: int, currency: str) -> CustomerStats:
    """The stats header of one customer (see the module docstring for definitions)."""
    o = OrderRow
    # One pass over the customer's paid orders. Restricting to paid statuses lets the
    # planner walk ix_orders_customer_status_created for three status values only.
    net, payments, refunds, chargebacks = session.execute(
        select(
            func.coalesce(func.sum(net_amount()), 0),
            _count_where(o.status == OrderStatus.COMPLETED.value),
            _count_where(or_(o.status == OrderStatus.REFUNDED.value, o.refunded > 0)),
            _count_where(o.status == OrderStatus.CHARGEBACK.value),
        ).where(o.customer_id == customer_id, _paid())
    ).one()
    mrr, active = subscription_figures(session, customer_id)
    stats = CustomerStats(
        total_spent_net=Money(int(net), currency),
        mrr=Money(mrr, currency),
        total_payments=int(payments),
        active_subscriptions=active,
        total_refunds=int(refunds),
        total_chargebacks=int(chargebacks),
    )
    return stats


def round_half_up(value: Fraction) -> int:
    """Nearest integer, halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * int((magnitude * 2 + 1) // 2)


def monthly_amount(amount: int, interval: BillingInterval) -> Fraction:
    """``amount`` per ``interval`` normalised to 30 days, exactly."""
    return Fraction(amount * 30, interval.days)


def subscription_figures(session: Session, customer_id: int) -> tuple[int, int]:
    """(MRR in minor units, number of active subscriptions) of one customer."""
    s = SubscriptionRow
    rows = session.execute(
        select(s.interval_value, s.interval_scale, func.sum(s.amount), func.count())
        .where(s.customer_id == customer_id, s.status == SubscriptionStatus.ACTIVE.value)
        .group_by(s.interval_value, s.interval_scale)
    ).all()
    total = Fraction(0)
    active = 0
    for value, scale, amount, count in rows:
        interval = BillingInterval(int(value), IntervalScale(scale))
        if interval.days > 0:
            total += monthly_amount(int(amount), interval)
        active += int(count)
    return round_half_up(total), active


def month_start(moment: datetime, months_back: int) -> datetime:
    """Midnight UTC on the first of the month ``months_back`` months before ``moment``'s."""
    index = moment.year * 12 + (moment.month - 1) - months_back
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def spend_by_month(
    session: Session, customer_id: int, currency: str, now: datetime
) -> tuple[SpendPoint, ...]:
    """Net spent per calendar month for the last 12 months (the current one included)."""
    o = OrderRow
    start = month_start(now.astimezone(UTC), SPEND_MONTHS - 1)
    if session.get_bind().dialect.name == "sqlite":
        # created_at is stored as UTC text 'YYYY-MM-DD HH:MM:SS…'.
        month = func.strftime("%Y-%m", o.created_at)
    else:
        month = func.to_char(func.timezone("UTC", o.created_at), "YYYY-MM")
    rows = session.execute(
        select(month.label("month"), func.sum(net_amount()))
        .where(o.customer_id == customer_id, _paid(), o.created_at >= start)
        .group_by(month)
    ).all()
    by_month = {str(m): int(total or 0) for m, total in rows}
    points = []
    for back in range(SPEND_MONTHS - 1, -1, -1):
        key = month_start(now.astimezone(UTC), back).strftime("%Y-%m")
        points.append(SpendPoint(month=key, amount=Money(by_month.get(key, 0), currency)))
    return tuple(points)


def net_spent_by_customer(session: Session, customer_ids: Iterable[int]) -> dict[int, int]:
    """Net spent of each given customer (missing means 0), in one grouped query."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    o = OrderRow
    rows = session.execute(
        select(o.customer_id, func.sum(net_amount()))
        .where(o.customer_id.in_(ids), _paid())
        .group_by(o.customer_id)
    ).all()
    return {int(cid): int(total or 0) for cid, total in rows}


def active_subscribers(session: Session, customer_ids: Iterable[int]) -> set[int]:
    """Which of the given customers have at least one active subscription."""
    ids = sorted(set(customer_ids))
    if not ids:
        return set()
    s = SubscriptionRow
    rows = session.execute(
        select(s.customer_id)
        .where(s.customer_id.in_(ids), s.status == SubscriptionStatus.ACTIVE.value)
        .distinct()
    ).scalars()
    return {int(cid) for cid in rows}


def subscription_payments(session: Session, subscription_id: int) -> tuple[int, int]:
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
