"""Queries behind the customer details tabs: orders, inventory, subscriptions, audit, tokens.

Lists are keyset pages over (time desc, id desc) backed by a (customer_id, time, id)
index, so the first page of a 20,000-order customer costs the same as any other's.
They select column tuples, never ORM entities. ``Page.total`` is a count over the
same filter, which the (customer_id[, status], created_at, id) indexes answer from the
index alone for orders. The first page checks that the customer exists and counts;
the cursor carries that total, so a next page is a single index-range statement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import Session

from storeadmin.core.errors import NotFound
from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CustomerToken,
    InventoryItem,
    ItemState,
    MetadataField,
    Order,
    OrderDetails,
    OrderLine,
    OrderStatus,
    Page,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)
from storeadmin.core.money import Money
from storeadmin.data import mappers
from storeadmin.data.paging import (
    decode_cursor,
    encode_cursor,
    int_key,
    keyset_page,
    parse_time_key,
    time_key,
)
from storeadmin.data.schema import (
    AuditRow,
    CommandAttemptRow,
    CustomerRow,
    GameServerRow,
    InventoryItemRow,
    MetadataRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    SubscriptionRow,
    TokenRow,
)
from storeadmin.data.stats import subscription_payments

T = TypeVar("T")

RECENT_SUBSCRIPTION_ORDERS = 10

ORDER_COLUMNS = tuple(OrderRow.__table__.c)
ITEM_COLUMNS = (
    *InventoryItemRow.__table__.c,
    ProductRow.name.label("product_name"),
    ProductRow.type.label("product_type"),
)
SUBSCRIPTION_COLUMNS = (*SubscriptionRow.__table__.c, ProductRow.name.label("product_name"))
TOKEN_COLUMNS = tuple(c for c in TokenRow.__table__.c if c.name != "token_hash")


def require_customer(session: Session, customer_id: int) -> None:
    """NotFound unless the customer exists."""
    found = session.execute(
        select(CustomerRow.id).where(CustomerRow.id == customer_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no customer with ID {customer_id}")


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


# ------------------------------------------------------------------ orders


def list_orders(
    session: Session,
    customer_id: int,
    *,
    status: OrderStatus | None,
    limit: int,
    cursor: str | None,
    currency: str,
) -> Page[Order]:
    """Orders newest first (created_at desc, id desc), optionally of one status."""
    filters: list[ColumnElement[bool]] = [OrderRow.customer_id == customer_id]
    if status is not None:
        filters.append(OrderRow.status == OrderStatus(status).value)
    return _newest_first_page(
        session,
        select(*ORDER_COLUMNS).where(*filters),
        kind="orders",
        entity=OrderRow,
        time_column=OrderRow.created_at,
        customer_id=customer_id,
        filters=filters,
        limit=limit,
        cursor=cursor,
        convert=lambda r: mappers.order_from_row(r, currency),
    )


def _count(session: Session, entity: Any, filters: list[ColumnElement[bool]]) -> int:
    return int(
        session.execute(select(func.count()).select_from(entity).where(*filters)).scalar_one()
    )


def _newest_first_page(
    session: Session,
    query: Select[Any],
    *,
    kind: str,
    entity: Any,
    time_column: Any,
    customer_id: int,
    filters: list[ColumnElement[bool]],
    limit: int,
    cursor: str | None,
    convert: Callable[[Any], T],
) -> Page[T]:
    """One keyset page of ``query`` by (time desc, id desc), ``filters`` already applied.

    A next page (``cursor``) neither re-checks the customer nor counts again: its total
    is the first page's, carried in the cursor.
    """
    total: int | None
    if cursor:
        at, row_id, total = _time_after(kind, cursor)
        query = query.where(tuple_(time_column, entity.id) < tuple_(at, row_id))
    else:
        require_customer(session, customer_id)
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


def get_order(session: Session, order_id: int, currency: str) -> OrderDetails:
    """One order with its lines (in line order)."""
    row = session.execute(select(*ORDER_COLUMNS).where(OrderRow.id == order_id)).one_or_none()
    if row is None:
        raise NotFound(f"no order with ID {order_id}")
    L = OrderLineRow
    lines = session.execute(
        select(L.id, L.product_id, L.product_name, L.quantity, L.unit_price, L.total)
        .where(L.order_id == order_id)
        .order_by(L.id)
    ).all()
    return OrderDetails(
        order=mappers.order_from_row(row, currency),
        lines=tuple(
            OrderLine(
                id=line.id,
                product_id=line.product_id,
                product_name=line.product_name,
                quantity=line.quantity,
                unit_price=Money(line.unit_price, currency),
                total=Money(line.total, currency),
            )
            for line in lines
        ),
    )


# ------------------------------------------------------------------ inventory


def item_state_condition(state: ItemState, now: datetime) -> ColumnElement[bool]:
    """SQL for an item state as the admin sees it: an active item past its end is expired."""
    state = ItemState(state)
    if state is ItemState.ACTIVE:
        return (InventoryItemRow.state == ItemState.ACTIVE.value) & (
            InventoryItemRow.expires_at.is_(None) | (InventoryItemRow.expires_at > now)
        )
    if state is ItemState.EXPIRED:
        return (
            (InventoryItemRow.state == ItemState.ACTIVE.value)
            & (InventoryItemRow.expires_at <= now)
        ) | (InventoryItemRow.state == ItemState.EXPIRED.value)
    return InventoryItemRow.state == ItemState.REVOKED.value


def list_inventory(
    session: Session,
    customer_id: int,
    *,
    state: ItemState | None,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> Page[InventoryItem]:
    """Items newest granted first (granted_at desc, id desc), optionally of one state."""
    filters: list[ColumnElement[bool]] = [InventoryItemRow.customer_id == customer_id]
    if state is not None:
        filters.append(item_state_condition(state, now))
    return _newest_first_page(
        session,
        select(*ITEM_COLUMNS)
        .join(ProductRow, ProductRow.id == InventoryItemRow.product_id)
        .where(*filters),
        kind="inventory",
        entity=InventoryItemRow,
        time_column=InventoryItemRow.granted_at,
        customer_id=customer_id,
        filters=filters,
        limit=limit,
        cursor=cursor,
        convert=lambda r: mappers.item_from_row(
            r, product_name=r.product_name, product_type=r.product_type, now=now
        ),
    )


def list_command_attempts(session: Session, item_id: int) -> tuple[CommandAttempt, ...]:
    """Every command attempt of an item, oldest first, with its server's name."""
    found = session.execute(
        select(InventoryItemRow.id).where(InventoryItemRow.id == item_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no inventory item with ID {item_id}")
    A = CommandAttemptRow
    rows = session.execute(
        select(*A.__table__.c, GameServerRow.name.label("server_name"))
        .join(GameServerRow, GameServerRow.id == A.server_id)
        .where(A.item_id == item_id)
        .order_by(A.queued_at, A.id)
    ).all()
    return tuple(mappers.attempt_from_row(r, server_name=r.server_name) for r in rows)


# ------------------------------------------------------------------ subscriptions


def list_subscriptions(
    session: Session,
    customer_id: int,
    *,
    status: SubscriptionStatus | None,
    limit: int,
    cursor: str | None,
    currency: str,
) -> Page[Subscription]:
    """Subscriptions newest first (created_at desc, id desc), optionally of one status."""
    filters: list[ColumnElement[bool]] = [SubscriptionRow.customer_id == customer_id]
    if status is not None:
        filters.append(SubscriptionRow.status == SubscriptionStatus(status).value)
    return _newest_first_page(
        session,
        select(*SUBSCRIPTION_COLUMNS)
        .join(ProductRow, ProductRow.id == SubscriptionRow.product_id)
        .where(*filters),
        kind="subscriptions",
        entity=SubscriptionRow,
        time_column=SubscriptionRow.created_at,
        customer_id=customer_id,
        filters=filters,
        limit=limit,
        cursor=cursor,
        convert=lambda r: _subscription(r, currency),
    )


def _subscription(row: Any, currency: str) -> Subscription:
    return mappers.subscription_from_row(row, product_name=row.product_name, currency=currency)


def get_subscription(session: Session, subscription_id: int, currency: str) -> SubscriptionDetails:
    """One subscription, its payment figures and its 10 newest orders."""
    row = session.execute(
        select(*SUBSCRIPTION_COLUMNS)
        .join(ProductRow, ProductRow.id == SubscriptionRow.product_id)
        .where(SubscriptionRow.id == subscription_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no subscription with ID {subscription_id}")
    payments, paid = subscription_payments(session, subscription_id)
    orders = session.execute(
        select(*ORDER_COLUMNS)
        .where(OrderRow.subscription_id == subscription_id)
        .order_by(OrderRow.created_at.desc(), OrderRow.id.desc())
        .limit(RECENT_SUBSCRIPTION_ORDERS)
    ).all()
    return SubscriptionDetails(
        subscription=_subscription(row, currency),
        payments_made=payments,
        total_paid=Money(paid, currency),
        recent_orders=tuple(mappers.order_from_row(o, currency) for o in orders),
    )


# ------------------------------------------------------------------ metadata, audit, tokens


def get_metadata(session: Session, customer_id: int) -> tuple[MetadataField, ...]:
    """The customer's metadata in key order (case-insensitive, then exact for ties)."""
    require_customer(session, customer_id)
    rows = session.execute(
        select(MetadataRow.key, MetadataRow.value).where(MetadataRow.customer_id == customer_id)
    ).all()
    # Sorted here, not in SQL: collations differ between the backends.
    ordered = sorted(rows, key=lambda r: (r.key.casefold(), r.key))
    return tuple(MetadataField(key=r.key, value=r.value) for r in ordered)


def list_audit(
    session: Session, customer_id: int, *, limit: int, cursor: str | None
) -> Page[AuditEntry]:
    """The customer's audit entries newest first (id desc: ids follow insertion)."""
    require_customer(session, customer_id)
    query = select(*AuditRow.__table__.c).where(AuditRow.customer_id == customer_id)
    if cursor:
        query = query.where(AuditRow.id < int_key(decode_cursor("audit", cursor).get("i")))
    rows = session.execute(query.order_by(AuditRow.id.desc()).limit(limit + 1)).all()
    return keyset_page(
        rows,
        limit,
        convert=mappers.audit_from_row,
        cursor_of=lambda r: encode_cursor("audit", {"i": int(r.id)}),
    )


def list_tokens(session: Session, customer_id: int) -> tuple[CustomerToken, ...]:
    """The customer's tokens, newest first (the hash never leaves the database)."""
    require_customer(session, customer_id)
    rows = session.execute(
        select(*TOKEN_COLUMNS)
        .where(TokenRow.customer_id == customer_id)
        .order_by(TokenRow.created_at.desc(), TokenRow.id.desc())
    ).all()
    return tuple(mappers.token_from_row(r) for r in rows)
