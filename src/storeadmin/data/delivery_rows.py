"""Rows of the delivery tables → core dataclasses, and the shared queries behind them.

``attempt_from_row`` derives an attempt's status with the ``FailureRule`` (the Command
UI uses it); ``attempts_query`` selects attempts with their server's name and their
customer; ``servers_query`` selects servers with their queue depth.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from storeadmin.core.delivery import DEFAULT_FAILURE_RULE, FailureRule, attempt_status
from storeadmin.core.models import (
    BillingInterval,
    CommandAttempt,
    CommandStage,
    Customer,
    GameServer,
    IntervalScale,
    Platform,
    Product,
    ProductCommand,
    ProductType,
)
from storeadmin.core.money import Money
from storeadmin.data.delivery_schema import ATTEMPTS, GAME_SERVERS, ITEMS
from storeadmin.data.ids import out_id
from storeadmin.data.schema import CustomerRow

CUSTOMERS = CustomerRow.__table__


def attempts_query() -> Select[Any]:
    """Attempts joined to their server (name) and item (customer); add a WHERE."""
    return select(
        *ATTEMPTS.c,
        GAME_SERVERS.c.name.label("server_name"),
        ITEMS.c.customer_id.label("customer_id"),
    ).select_from(
        ATTEMPTS.join(GAME_SERVERS, GAME_SERVERS.c.id == ATTEMPTS.c.server_id).join(
            ITEMS, ITEMS.c.id == ATTEMPTS.c.item_id
        )
    )


def attempt_from_row(
    row: Any, *, now: datetime, rule: FailureRule = DEFAULT_FAILURE_RULE
) -> CommandAttempt:
    """A CommandAttempt from a row of ``attempts_query`` (status derived by ``rule``)."""
    status = attempt_status(
        stored_status=row.status,
        executed_at=row.executed_at,
        unqueued_at=row.unqueued_at,
        delivered_count=row.delivered_count or 0,
        first_delivered_at=row.first_delivered_at,
        now=now,
        rule=rule,
    )
    return CommandAttempt(
        id=str(row.id),
        item_id=str(row.item_id),
        server_id=str(row.server_id),
        server_name=row.server_name,
        stage=CommandStage(row.stage),
        command=row.command,
        online_only=bool(row.online_only),
        status=status,
        queued_at=row.queued_at,
        executed_at=row.executed_at,
        error=row.error,
        customer_id=out_id(row.customer_id),
        delivered_count=row.delivered_count or 0,
        last_delivered_at=row.last_delivered_at,
        executed_by_ip=row.executed_by_ip,
        unqueued_at=row.unqueued_at,
        rerun=bool(row.rerun),
    )


def servers_query() -> Select[Any]:
    """Every server with its open-attempt count and oldest open attempt."""
    open_attempts = (
        select(
            ATTEMPTS.c.server_id,
            func.count().label("pending"),
            func.min(ATTEMPTS.c.queued_at).label("oldest_pending_at"),
        )
        .where(ATTEMPTS.c.executed_at.is_(None), ATTEMPTS.c.unqueued_at.is_(None))
        .group_by(ATTEMPTS.c.server_id)
        .subquery()
    )
    return (
        select(*GAME_SERVERS.c, open_attempts.c.pending, open_attempts.c.oldest_pending_at)
        .select_from(
            GAME_SERVERS.outerjoin(open_attempts, open_attempts.c.server_id == GAME_SERVERS.c.id)
        )
        .order_by(GAME_SERVERS.c.name, GAME_SERVERS.c.id)
    )


def server_from_row(row: Any) -> GameServer:
    """A GameServer with link info, last poll and queue depth (from ``servers_query``)."""
    mapping = row._mapping
    return GameServer(
        id=str(row.id),
        name=row.name,
        game=row.game,
        enabled=bool(row.enabled),
        linked_hostname=row.linked_hostname,
        linked_platform=row.linked_platform,
        linked_version=row.linked_version,
        linked_ip=row.linked_ip,
        linked_at=row.linked_at,
        last_poll_at=row.last_poll_at,
        pending=int(mapping.get("pending") or 0),
        oldest_pending_at=mapping.get("oldest_pending_at"),
    )


def customer_from_row(row: Any) -> Customer:
    """The fields of a customer that command placeholders use."""
    return Customer(
        id=str(row.id),
        username=row.username,
        platform=Platform(row.platform),
        external_id=row.external_id,
        first_seen=row.first_seen,
        version=str(row.version),
    )


def product_from_rows(row: Any, command_rows: Iterable[Any], currency: str) -> Product:
    """A Product (string IDs) from its row and its command rows, in order."""
    interval = (
        BillingInterval(row.interval_value, IntervalScale(row.interval_scale))
        if row.interval_value and row.interval_scale
        else None
    )
    return Product(
        id=str(row.id),
        name=row.name,
        slug=row.slug,
        type=ProductType(row.type),
        price=Money(row.price, currency),
        interval=interval,
        duration_days=row.duration_days,
        server_ids=tuple(str(s) for s in row.server_ids or ()),
        commands=tuple(
            ProductCommand(
                stage=CommandStage(c.stage),
                content=c.content,
                server_ids=tuple(str(s) for s in c.server_ids or ()),
                online_only=bool(c.online_only),
            )
            for c in command_rows
        ),
    )
