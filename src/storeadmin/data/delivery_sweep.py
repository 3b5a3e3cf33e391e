"""The expiry sweep: queue the ``on_expire`` commands of items whose end has passed.

Exactly once per item, whatever runs it and however often: each item is claimed by
an atomic conditional UPDATE (``SET expire_queued_at = now WHERE id = :id AND
expire_queued_at IS NULL AND state = 'active'``) and its commands and audit row are
written in the same transaction. On SQLite writers are serialised (``BEGIN
IMMEDIATE``); on PostgreSQL at READ COMMITTED a second sweeper blocks on the row lock
and re-checks the WHERE after the first commits, so it updates nothing and queues
nothing. Audited as ``SYSTEM_ACTOR``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from storeadmin.core import commands
from storeadmin.core.delivery import SYSTEM_ACTOR, SweepResult
from storeadmin.core.models import CommandStage, CommandStatus, GameServer
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.checks import rowcount
from storeadmin.data.delivery_rows import CUSTOMERS, customer_from_row, product_from_rows
from storeadmin.data.delivery_schema import ATTEMPTS, GAME_SERVERS, ITEMS
from storeadmin.data.schema import MetadataRow, ProductCommandRow, ProductRow

PRODUCTS = ProductRow.__table__


class _SystemActor:
    """Stands in for the service in ``audit.record`` so the actor is the system."""

    actor = SYSTEM_ACTOR

    def __init__(self, service: ServiceBase) -> None:
        self._service = service

    def db_now(self, session: Session) -> datetime:
        """The database clock, as the service reads it."""
        return self._service.db_now(session)


class ExpirySweep(ServiceBase):
    """``sweep_expired`` for the SQL store (mixed into the delivery service)."""

    def sweep_expired(self, *, limit: int = 1000) -> SweepResult:
        """Queue on_expire commands of up to ``limit`` expired, unswept active items."""
        now = self.now()
        with self.read() as session:
            candidates = list(
                session.execute(
                    select(ITEMS.c.id)
                    .where(
                        ITEMS.c.state == "active",
                        ITEMS.c.expire_queued_at.is_(None),
                        ITEMS.c.expires_at.is_not(None),
                        ITEMS.c.expires_at <= now,
                    )
                    .order_by(ITEMS.c.expires_at, ITEMS.c.id)
                    .limit(limit)
                ).scalars()
            )
        items = queued = 0
        for item_id in candidates:
            count = self._expire_one(item_id, now)
            if count is not None:
                items += 1
                queued += count
        return SweepResult(items=items, commands=queued)

    def _expire_one(self, item_id: int, now: datetime) -> int | None:
        """Claim and expire one item; None when another sweeper (or a revoke) got it."""
        with self.write() as session:
            claimed = session.execute(
                update(ITEMS)
                .where(
                    ITEMS.c.id == item_id,
                    ITEMS.c.state == "active",
                    ITEMS.c.expire_queued_at.is_(None),
                    ITEMS.c.expires_at <= now,
                )
                .values(expire_queued_at=now)
            )
            if rowcount(claimed) != 1:
                return None
            item = session.execute(select(ITEMS).where(ITEMS.c.id == item_id)).one()
            queued = self._queue_expire(session, item, now)
            audit.record(
                session,
                cast(ServiceBase, _SystemActor(self)),
                action="item.expire",
                target_type="item",
                target_id=item_id,
                customer_id=item.customer_id,
                before={"state": "active", "expires_at": item.expires_at},
                after={"state": "expired", "commands_queued": queued},
            )
            return queued

    def _queue_expire(self, session: Session, item: Any, now: datetime) -> int:
        """Insert the item's on_expire attempts; returns how many."""
        product_row = session.execute(
            select(PRODUCTS).where(PRODUCTS.c.id == item.product_id)
        ).one()
        command_rows = session.execute(
            select(ProductCommandRow.__table__)
            .where(ProductCommandRow.product_id == item.product_id)
            .order_by(ProductCommandRow.position, ProductCommandRow.id)
        ).all()
        product = product_from_rows(product_row, command_rows, self.currency(session))
        if not product.commands_for(CommandStage.ON_EXPIRE):
            return 0
        customer = customer_from_row(
            session.execute(select(CUSTOMERS).where(CUSTOMERS.c.id == item.customer_id)).one()
        )
        wanted = [int(s) for s in (item.server_ids or product_row.server_ids or ())]
        server_rows = session.execute(
            select(GAME_SERVERS.c.id, GAME_SERVERS.c.name, GAME_SERVERS.c.game).where(
                GAME_SERVERS.c.id.in_(wanted)
            )
        ).all()
        found = {
            row.id: GameServer(id=str(row.id), name=row.name, game=row.game) for row in server_rows
        }
        servers = tuple(found[s] for s in dict.fromkeys(wanted) if s in found)
        metadata = dict(
            session.execute(
                select(MetadataRow.key, MetadataRow.value).where(
                    MetadataRow.customer_id == item.customer_id
                )
            ).all()
        )
        previews = commands.preview_commands(
            customer,
            product,
            CommandStage.ON_EXPIRE,
            servers,
            metadata=metadata,
            expires_at=item.expires_at,
        )
        if previews:
            session.execute(
                insert(ATTEMPTS),
                [
                    {
                        "item_id": item.id,
                        "server_id": int(preview.server_id),
                        "stage": preview.stage.value,
                        "command": preview.command,
                        "online_only": preview.online_only,
                        "status": CommandStatus.PENDING.value,
                        "queued_at": now,
                    }
                    for preview in previews
                ],
            )
        return len(previews)
