"""Turn database rows into core dataclasses, so ORM objects never leave the data layer.

Functions take ORM rows or Core ``Row``s with the same attribute names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from storeadmin.core.models import (
    AuditEntry,
    Ban,
    BillingInterval,
    CommandAttempt,
    CommandStage,
    CommandStatus,
    Customer,
    CustomerToken,
    GameServer,
    IntervalScale,
    InventoryItem,
    ItemSource,
    ItemState,
    Order,
    OrderStatus,
    Platform,
    Product,
    ProductCommand,
    ProductType,
    Subscription,
    SubscriptionStatus,
)
from storeadmin.core.money import Money


def ban_from_row(row: Any, now: datetime) -> Ban | None:
    """The ban in force on a customer row, or None (no ban, or its end has passed)."""
    if row.ban_reason is None or row.banned_at is None:
        return None
    ban = Ban(
        reason=row.ban_reason,
        banned_at=row.banned_at,
        banned_by=row.banned_by or "",
        expires_at=row.ban_expires_at,
    )
    return ban if ban.is_active(now) else None


def customer_from_row(row: Any, now: datetime) -> Customer:
    """A Customer from a ``customers`` row."""
    return Customer(
        id=row.id,
        username=row.username,
        platform=Platform(row.platform),
        external_id=row.external_id,
        first_seen=row.first_seen,
        version=row.version,
        ban=ban_from_row(row, now),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def item_state(state: str, expires_at: datetime | None, now: datetime) -> ItemState:
    """Stored state plus expiry: an active item past its end reads as expired."""
    if state == ItemState.REVOKED:
        return ItemState.REVOKED
    if state == ItemState.EXPIRED or (expires_at is not None and expires_at <= now):
        return ItemState.EXPIRED
    return ItemState.ACTIVE


def item_from_row(
    row: Any, *, product_name: str, product_type: str, now: datetime
) -> InventoryItem:
    """An InventoryItem from an ``inventory_items`` row and its product's name and type."""
    return InventoryItem(
        id=row.id,
        customer_id=row.customer_id,
        product_id=row.product_id,
        product_name=product_name,
        product_type=ProductType(product_type),
        state=item_state(row.state, row.expires_at, now),
        source=ItemSource(row.source),
        order_id=row.order_id,
        granted_by=row.granted_by,
        granted_at=row.granted_at,
        expires_at=row.expires_at,
        server_ids=tuple(row.server_ids or ()),
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
    )


def attempt_from_row(row: Any, *, server_name: str) -> CommandAttempt:
    """A CommandAttempt from a ``command_attempts`` row and its server's name."""
    return CommandAttempt(
        id=row.id,
        item_id=row.item_id,
        server_id=row.server_id,
        server_name=server_name,
        stage=CommandStage(row.stage),
        command=row.command,
        online_only=bool(row.online_only),
        status=CommandStatus(row.status),
        queued_at=row.queued_at,
        executed_at=row.executed_at,
        error=row.error,
    )


_ORDER_STATUSES = {status.value: status for status in OrderStatus}


def order_status(value: str) -> OrderStatus:
    """The OrderStatus of a stored value (a dict hit; unknown values raise ValueError)."""
    found = _ORDER_STATUSES.get(value)
    return found if found is not None else OrderStatus(value)


def order_from_row(row: Any, currency: str) -> Order:
    """An Order from an ``orders`` row.

    Hot path (a page is 100 orders, six amounts each): amounts use ``Money.trusted``,
    which keeps Money's invariants and only skips re-validating the store currency.
    """
    money = Money.trusted
    return Order(
        id=row.id,
        customer_id=row.customer_id,
        status=order_status(row.status),
        products=row.products,
        subtotal=money(row.subtotal, currency),
        discount=money(row.discount, currency),
        tax=money(row.tax, currency),
        fees=money(row.fees, currency),
        refunded=money(row.refunded, currency),
        total=money(row.total, currency),
        gateway=row.gateway,
        created_at=row.created_at,
        completed_at=row.completed_at,
        subscription_id=row.subscription_id,
    )


def subscription_from_row(row: Any, *, product_name: str, currency: str) -> Subscription:
    """A Subscription from a ``subscriptions`` row and its product's name."""
    return Subscription(
        id=row.id,
        customer_id=row.customer_id,
        product_id=row.product_id,
        product_name=product_name,
        amount=Money.trusted(row.amount, currency),
        interval=BillingInterval(row.interval_value, IntervalScale(row.interval_scale)),
        status=SubscriptionStatus(row.status),
        created_at=row.created_at,
        current_period_end=row.current_period_end,
        next_billing_at=row.next_billing_at,
        canceled_at=row.canceled_at,
        cancel_reason=row.cancel_reason,
    )


def token_from_row(row: Any) -> CustomerToken:
    """A CustomerToken from a ``customer_tokens`` row (the hash never leaves)."""
    return CustomerToken(
        id=row.id,
        customer_id=row.customer_id,
        label=row.label,
        prefix=row.prefix,
        created_at=row.created_at,
        created_by=row.created_by,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def audit_from_row(row: Any) -> AuditEntry:
    """An AuditEntry from an ``audit_log`` row."""
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        customer_id=row.customer_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
    )


def server_from_row(row: Any) -> GameServer:
    """A GameServer from a ``game_servers`` row."""
    return GameServer(id=row.id, name=row.name, game=row.game)


def product_from_rows(row: Any, command_rows: Iterable[Any], currency: str) -> Product:
    """A Product from its ``products`` row and its ``product_commands`` rows (in order)."""
    interval = (
        BillingInterval(row.interval_value, IntervalScale(row.interval_scale))
        if row.interval_value and row.interval_scale
        else None
    )
    return Product(
        id=row.id,
        name=row.name,
        slug=row.slug,
        type=ProductType(row.type),
        price=Money(row.price, currency),
        interval=interval,
        duration_days=row.duration_days,
        server_ids=tuple(row.server_ids or ()),
        commands=tuple(
            ProductCommand(
                stage=CommandStage(c.stage),
                content=c.content,
                server_ids=tuple(c.server_ids or ()),
                online_only=bool(c.online_only),
            )
            for c in command_rows
        ),
    )
