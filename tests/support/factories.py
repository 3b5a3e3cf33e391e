"""Tiny builders that insert rows straight through the ORM for data-layer and UI tests.

They bypass the service on purpose (fixtures, not behaviour under test). Every builder
takes the engine of an opened store and returns the new row's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storeadmin.data.schema import (
    CommandAttemptRow,
    CustomerRow,
    GameServerRow,
    InventoryItemRow,
    MetadataRow,
    OrderLineRow,
    OrderRow,
    ProductCommandRow,
    ProductRow,
    StoreSetting,
    SubscriptionRow,
)

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
"""A fixed point in time the fixtures are built around."""


def _key(value: int | str | None) -> int | None:
    """An ID as the tables store it (factories return the protocol's strings)."""
    return None if value is None else int(value)


def _keys(values: Sequence[int | str]) -> list[int]:
    return [int(value) for value in values]


def _add(engine: Engine, row: Any) -> str:
    with Session(engine) as session, session.begin():
        session.add(row)
        session.flush()
        return str(row.id)


def store_settings(engine: Engine, *, name: str = "Test Store", currency: str = "USD") -> None:
    """Name the store and set its currency."""
    with Session(engine) as session, session.begin():
        session.merge(StoreSetting(key="name", value=name))
        session.merge(StoreSetting(key="currency", value=currency))


def game_server(engine: Engine, name: str = "Rust EU #1", game: str = "rust") -> str:
    """A game server."""
    return _add(engine, GameServerRow(name=name, game=game))


def product(
    engine: Engine,
    name: str = "VIP Rank",
    *,
    type: str = "one_time",  # noqa: A002 - mirrors the column name
    price: int = 999,
    server_ids: Sequence[int | str] = (),
    duration_days: int | None = 30,
    interval: tuple[int, str] | None = None,
    commands: Sequence[tuple[str, str]] = (
        ("on_purchase", "oxide.usergroup add {steam_id} vip"),
        ("on_expire", "oxide.usergroup remove {steam_id} vip"),
    ),
    online_only: bool = False,
) -> str:
    """A product with (stage, template) commands on all of its servers."""
    with Session(engine) as session, session.begin():
        row = ProductRow(
            name=name,
            slug=name.lower().replace(" ", "-"),
            type=type,
            price=price,
            interval_value=interval[0] if interval else None,
            interval_scale=interval[1] if interval else None,
            duration_days=duration_days,
            server_ids=_keys(server_ids),
        )
        session.add(row)
        session.flush()
        for position, (stage, content) in enumerate(commands):
            session.add(
                ProductCommandRow(
                    product_id=row.id,
                    position=position,
                    stage=stage,
                    content=content,
                    online_only=online_only,
                    server_ids=[],
                )
            )
        return str(row.id)


def customer(
    engine: Engine,
    username: str = "Alice",
    *,
    platform: str = "steam",
    external_id: str = "76561198000000001",
    first_seen: datetime = T0,
    ban_reason: str | None = None,
    ban_expires_at: datetime | None = None,
) -> str:
    """A customer (optionally banned)."""
    return _add(
        engine,
        CustomerRow(
            username=username,
            name_key=username.casefold(),
            platform=platform,
            external_id=external_id,
            first_seen=first_seen,
            version=1,
            ban_reason=ban_reason,
            banned_at=first_seen if ban_reason else None,
            banned_by="fixture" if ban_reason else None,
            ban_expires_at=ban_expires_at,
        ),
    )


def metadata(engine: Engine, customer_id: int | str, **pairs: str) -> None:
    """Set metadata pairs on a customer."""
    with Session(engine) as session, session.begin():
        for key, value in pairs.items():
            session.add(MetadataRow(customer_id=_key(customer_id), key=key, value=value))


def order(
    engine: Engine,
    customer_id: int | str,
    product_id: int | str,
    *,
    status: str = "completed",
    total: int = 999,
    fees: int = 0,
    refunded: int = 0,
    discount: int = 0,
    tax: int = 0,
    created_at: datetime = T0,
    product_name: str = "VIP Rank",
    subscription_id: int | str | None = None,
    gateway: str = "stripe",
) -> str:
    """An order with one line."""
    with Session(engine) as session, session.begin():
        row = OrderRow(
            customer_id=_key(customer_id),
            subscription_id=_key(subscription_id),
            status=status,
            products=product_name,
            subtotal=total - tax + discount,
            discount=discount,
            tax=tax,
            fees=fees,
            refunded=refunded,
            total=total,
            gateway=gateway,
            created_at=created_at,
            completed_at=created_at + timedelta(minutes=1) if status != "created" else None,
        )
        session.add(row)
        session.flush()
        session.add(
            OrderLineRow(
                order_id=row.id,
                product_id=_key(product_id),
                product_name=product_name,
                quantity=1,
                unit_price=total - tax + discount,
                total=total,
            )
        )
        return str(row.id)


def subscription(
    engine: Engine,
    customer_id: int | str,
    product_id: int | str,
    *,
    status: str = "active",
    amount: int = 999,
    interval: tuple[int, str] = (30, "day"),
    created_at: datetime = T0,
    cancel_reason: str | None = None,
) -> str:
    """A subscription."""
    period_end = created_at + timedelta(days=30)
    return _add(
        engine,
        SubscriptionRow(
            customer_id=_key(customer_id),
            product_id=_key(product_id),
            amount=amount,
            interval_value=interval[0],
            interval_scale=interval[1],
            status=status,
            created_at=created_at,
            current_period_end=period_end,
            next_billing_at=period_end if status == "active" else None,
            canceled_at=created_at + timedelta(days=3) if status == "canceled" else None,
            cancel_reason=cancel_reason,
        ),
    )


def item(
    engine: Engine,
    customer_id: int | str,
    product_id: int | str,
    *,
    state: str = "active",
    source: str = "order",
    order_id: int | str | None = None,
    granted_by: str | None = None,
    granted_at: datetime = T0,
    expires_at: datetime | None = None,
    server_ids: Sequence[int | str] = (),
) -> str:
    """An inventory item."""
    return _add(
        engine,
        InventoryItemRow(
            customer_id=_key(customer_id),
            product_id=_key(product_id),
            state=state,
            source=source,
            order_id=_key(order_id),
            granted_by=granted_by,
            granted_at=granted_at,
            expires_at=expires_at,
            server_ids=_keys(server_ids),
        ),
    )


def command_attempt(
    engine: Engine,
    item_id: int | str,
    server_id: int | str,
    *,
    command: str = "oxide.usergroup add 76561198000000001 vip",
    stage: str = "on_purchase",
    status: str = "executed",
    queued_at: datetime = T0,
    error: str | None = None,
) -> str:
    """A command attempt of an item."""
    return _add(
        engine,
        CommandAttemptRow(
            item_id=_key(item_id),
            server_id=_key(server_id),
            stage=stage,
            command=command,
            online_only=False,
            status=status,
            queued_at=queued_at,
            executed_at=queued_at + timedelta(seconds=5) if status == "executed" else None,
            error=error,
        ),
    )
