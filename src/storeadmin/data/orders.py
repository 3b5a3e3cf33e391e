"""Orders and subscriptions: their row mappers, a customer's lists (keyset pages, newest
first) and one order or subscription with its lines or payments.

The (customer_id[, status], created_at, id) indexes answer the lists and their counts
from the index alone; list cursors carry the first page's total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, select

from storeadmin.core.errors import NotFound
from storeadmin.core.models import (
    BillingInterval,
    IntervalScale,
    Order,
    OrderDetails,
    OrderLine,
    OrderStatus,
    Page,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
    trusted_constructor,
)
from storeadmin.core.money import Money
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.data.base import ServiceBase
from storeadmin.data.ids import out_id, sql_id
from storeadmin.data.paging import Shape, TabPages, clamp_limit
from storeadmin.data.rowmap import picker
from storeadmin.data.schema import OrderLineRow, OrderRow, ProductRow, SubscriptionRow
from storeadmin.data.stats import subscription_payments

RECENT_SUBSCRIPTION_ORDERS = 10

ORDER_COLUMNS = tuple(OrderRow.__table__.c)
SUBSCRIPTION_COLUMNS = (*SubscriptionRow.__table__.c, ProductRow.name.label("product_name"))
ORDER_FIELDS = tuple(f.name for f in fields(Order))
"""An order's stored values in ``Order``'s field order (its fields are named as the columns)."""
SUBSCRIPTION_FIELDS = tuple(SubscriptionRow.__table__.c.keys())
"""A subscription's stored values in ``subscription_from_values``' order: its columns'."""


# ------------------------------------------------------------------ rows

_ORDER_STATUSES = {status.value: status for status in OrderStatus}


def order_status(value: str) -> OrderStatus:
    """The OrderStatus of a stored value (a dict hit; unknown values raise ValueError)."""
    found = _ORDER_STATUSES.get(value)
    return found if found is not None else OrderStatus(value)


_SUBSCRIPTION_STATUSES = {status.value: status for status in SubscriptionStatus}
_INTERVALS: dict[tuple[int, str], BillingInterval] = {}


def _interval(value: int, scale: str) -> BillingInterval:
    """The BillingInterval of stored values, shared (it is immutable; a dict hit)."""
    found = _INTERVALS.get((value, scale))
    if found is None:
        found = BillingInterval(int(value), IntervalScale(scale))
        if len(_INTERVALS) < 1024:
            _INTERVALS[(value, scale)] = found
    return found


_new_order = trusted_constructor(Order)
_new_subscription = trusted_constructor(Subscription)
_order_values = picker(ORDER_COLUMNS, ORDER_FIELDS)
_subscription_values = picker(SUBSCRIPTION_COLUMNS, SUBSCRIPTION_FIELDS)


def order_from_row(row: Any, currency: str) -> Order:
    """An Order from a row of ``ORDER_COLUMNS``.

    Hot path (a page is 100 orders, six amounts each): the values are read by position
    in one call (``rowmap.picker``), amounts come from the currency's ``Money.maker``
    (equal amounts share one Money) and the Order is built by ``trusted_constructor``.
    """
    return order_from_values(Money.maker(currency), _order_values(row))


def order_from_values(money: Callable[[int], Money], values: Sequence[Any]) -> Order:
    """An Order from its stored values in ``Order``'s field order (IDs as integers,
    amounts in minor units for ``money``, UTC datetimes)."""
    (
        order_id,
        customer_id,
        status,
        products,
        subtotal,
        discount,
        tax,
        fees,
        refunded,
        total,
        gateway,
        created_at,
        completed_at,
        subscription_id,
    ) = values
    return _new_order(
        str(order_id),
        str(customer_id),
        order_status(status),
        products,
        money(subtotal),
        money(discount),
        money(tax),
        money(fees),
        money(refunded),
        money(total),
        gateway,
        created_at,
        completed_at,
        out_id(subscription_id),
    )


def subscription_from_row(row: Any, *, product_name: str, currency: str) -> Subscription:
    """A Subscription from a row of ``SUBSCRIPTION_COLUMNS`` and its product's name."""
    return subscription_from_values(Money.maker(currency), _subscription_values(row), product_name)


def subscription_from_values(
    money: Callable[[int], Money], values: Sequence[Any], product_name: str
) -> Subscription:
    """A Subscription from its stored values (``SUBSCRIPTION_COLUMNS`` order, no name)."""
    (
        subscription_id,
        customer_id,
        product_id,
        amount,
        interval_value,
        interval_scale,
        status,
        created_at,
        current_period_end,
        next_billing_at,
        canceled_at,
        cancel_reason,
    ) = values
    return _new_subscription(
        str(subscription_id),
        str(customer_id),
        str(product_id),
        product_name,
        money(amount),
        _interval(interval_value, interval_scale),
        _SUBSCRIPTION_STATUSES.get(status) or SubscriptionStatus(status),
        created_at,
        current_period_end,
        next_billing_at,
        canceled_at,
        cancel_reason,
    )


def _subscription(row: Any, currency: str) -> Subscription:
    return subscription_from_row(row, product_name=row.product_name, currency=currency)


# ------------------------------------------------------------------ list pages


def _order_filters(shape: Shape) -> list[ColumnElement[bool]]:
    """``status``: of one status; ``product_id``: with a line of that product (an EXISTS
    on ``order_lines`` by its ``order_id`` index, probed for each of the customer's
    orders as the (customer_id, created_at, id) index walks them newest first)."""
    found: list[ColumnElement[bool]] = []
    if "status" in shape:
        found.append(OrderRow.status == bindparam("status"))
    if "product_id" in shape:
        found.append(
            exists()
            .where(
                OrderLineRow.order_id == OrderRow.id,
                OrderLineRow.product_id == bindparam("product_id"),
            )
            .correlate(OrderRow)
        )
    return found


ORDER_PAGES = TabPages(
    "orders",
    query=lambda: select(*(OrderRow.__table__.c[name] for name in ORDER_FIELDS)),
    entity=OrderRow,
    time_column=OrderRow.created_at,
    filters=_order_filters,
)
SUBSCRIPTION_PAGES = TabPages(
    "subscriptions",
    query=lambda: select(
        *(SubscriptionRow.__table__.c[name] for name in SUBSCRIPTION_FIELDS),
        ProductRow.name.label("product_name"),
    ).join(ProductRow, ProductRow.id == SubscriptionRow.product_id),
    entity=SubscriptionRow,
    time_column=SubscriptionRow.created_at,
    filters=lambda shape: (
        [SubscriptionRow.status == bindparam("status")] if "status" in shape else []
    ),
)


def _created_at(listed: Order | Subscription) -> datetime:
    return listed.created_at


# ------------------------------------------------------------------ service


class Orders(ServiceBase):
    """A customer's orders and subscriptions, and one of each in detail."""

    def list_orders(
        self,
        customer_id: str,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
        product_id: str | None = None,
    ) -> Page[Order]:
        """Orders newest first (created_at desc, id desc), optionally of one status and
        of those with a line of ``product_id``.

        Pages are ``ORDER_PAGES``' prepared statements (one per filter shape).
        """
        cid = sql_id(customer_id, "customer")
        params: dict[str, Any] = {}
        if status is not None:
            params["status"] = OrderStatus(status).value
        if product_id is not None:
            params["product_id"] = sql_id(product_id, "product")
        with self.read_connection() as conn:
            money = Money.maker(self.currency(conn))
            return ORDER_PAGES.page(
                conn,
                cid,
                shape=tuple(sorted(params)),
                params=params,
                limit=clamp_limit(limit),
                cursor=cursor,
                convert=lambda values: order_from_values(money, values),
                time_of=_created_at,
            )

    def get_order(self, order_id: str) -> OrderDetails:
        """One order with its lines (in line order)."""
        key = sql_id(order_id, "order")
        with self.read_connection() as session:
            currency = self.currency(session)
            row = session.execute(select(*ORDER_COLUMNS).where(OrderRow.id == key)).one_or_none()
            if row is None:
                raise NotFound(f"no order with ID {key}")
            L = OrderLineRow
            lines = session.execute(
                select(L.id, L.product_id, L.product_name, L.quantity, L.unit_price, L.total)
                .where(L.order_id == key)
                .order_by(L.id)
            ).all()
        return OrderDetails(
            order=order_from_row(row, currency),
            lines=tuple(
                OrderLine(
                    id=str(line.id),
                    product_id=str(line.product_id),
                    product_name=line.product_name,
                    quantity=line.quantity,
                    unit_price=Money(line.unit_price, currency),
                    total=Money(line.total, currency),
                )
                for line in lines
            ),
        )

    def list_subscriptions(
        self,
        customer_id: str,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """Subscriptions newest first (created_at desc, id desc), optionally of one status."""
        cid = sql_id(customer_id, "customer")
        params: dict[str, Any] = {}
        if status is not None:
            params["status"] = SubscriptionStatus(status).value
        with self.read_connection() as conn:
            money = Money.maker(self.currency(conn))
            return SUBSCRIPTION_PAGES.page(
                conn,
                cid,
                shape=tuple(params),
                params=params,
                limit=clamp_limit(limit),
                cursor=cursor,
                convert=lambda v: subscription_from_values(money, v[:-1], v[-1]),
                time_of=_created_at,
            )

    def get_subscription(self, subscription_id: str) -> SubscriptionDetails:
        """One subscription, its payment figures and its 10 newest orders."""
        key = sql_id(subscription_id, "subscription")
        with self.read_connection() as session:
            currency = self.currency(session)
            row = session.execute(
                select(*SUBSCRIPTION_COLUMNS)
                .join(ProductRow, ProductRow.id == SubscriptionRow.product_id)
                .where(SubscriptionRow.id == key)
            ).one_or_none()
            if row is None:
                raise NotFound(f"no subscription with ID {key}")
            payments, paid = subscription_payments(session, key)
            orders = session.execute(
                select(*ORDER_COLUMNS)
                .where(OrderRow.subscription_id == key)
                .order_by(OrderRow.created_at.desc(), OrderRow.id.desc())
                .limit(RECENT_SUBSCRIPTION_ORDERS)
            ).all()
        return SubscriptionDetails(
            subscription=_subscription(row, currency),
            payments_made=payments,
            total_paid=Money(paid, currency),
            recent_orders=tuple(order_from_row(o, currency) for o in orders),
        )
