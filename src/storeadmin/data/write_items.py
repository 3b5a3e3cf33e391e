"""Inventory writes: assign a product manually, revoke an item.

Each is one transaction holding the item change, its queued command attempts (a
transactional outbox for the game servers) and the audit row. Revoke is a
compare-and-set, so a double press or two admins change, queue and audit once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, insert, or_, select, update
from sqlalchemy.orm import Session

from storeadmin.core import commands, validation
from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.core.models import (
    CommandStage,
    CommandStatus,
    Customer,
    GameServer,
    InventoryItem,
    ItemSource,
    ItemState,
    Product,
)
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.mappers import (
    customer_from_row,
    item_from_row,
    product_from_rows,
    server_from_row,
)
from storeadmin.data.schema import (
    CommandAttemptRow,
    GameServerRow,
    InventoryItemRow,
    ProductCommandRow,
    ProductRow,
)
from storeadmin.data.write_common import (
    checked,
    load_customer,
    metadata_map,
    require_future,
)

ITEMS = InventoryItemRow.__table__
PRODUCTS = ProductRow.__table__


class ItemWrites(ServiceBase):
    """Assign and revoke inventory items."""

    # ------------------------------------------------------------ loading

    def _product(self, session: Session, product_id: int) -> Product:
        row = session.execute(select(PRODUCTS).where(PRODUCTS.c.id == product_id)).one_or_none()
        if row is None:
            raise NotFound(f"no product with ID {product_id}")
        command_rows = session.execute(
            select(ProductCommandRow.__table__)
            .where(ProductCommandRow.product_id == product_id)
            .order_by(ProductCommandRow.position, ProductCommandRow.id)
        ).all()
        return product_from_rows(row, command_rows, self.currency(session))

    @staticmethod
    def _servers(
        session: Session, server_ids: Sequence[int], *, strict: bool = True
    ) -> tuple[GameServer, ...]:
        """The servers with these ids, in the order given.

        ``strict`` refuses unknown ids (a choice the admin made); otherwise servers
        removed since are skipped, so an old item can still be revoked.
        """
        wanted = list(dict.fromkeys(server_ids))
        rows = session.execute(
            select(GameServerRow.__table__).where(GameServerRow.id.in_(wanted))
        ).all()
        found = {row.id: server_from_row(row) for row in rows}
        missing = [str(server_id) for server_id in wanted if server_id not in found]
        if missing and strict:
            raise Invalid({"servers": f"no game server with ID {', '.join(missing)}"})
        return tuple(found[server_id] for server_id in wanted if server_id in found)

    def _item(self, session: Session, item_id: int) -> InventoryItem:
        row = self._item_row(session, item_id)
        product = session.execute(
            select(ProductRow.name, ProductRow.type).where(ProductRow.id == row.product_id)
        ).one()
        return item_from_row(
            row, product_name=product.name, product_type=product.type, now=self.now()
        )

    @staticmethod
    def _item_row(session: Session, item_id: int) -> Row[Any]:
        row = session.execute(select(ITEMS).where(ITEMS.c.id == item_id)).one_or_none()
        if row is None:
            raise NotFound(f"no item with ID {item_id}")
        return row

    def _queue(
        self,
        session: Session,
        *,
        item_id: int,
        customer: Customer,
        product: Product,
        stage: CommandStage,
        servers: Sequence[GameServer],
        expires_at: datetime | None,
        now: datetime,
    ) -> int:
        """Insert one pending attempt per command of ``stage`` and server; returns how many."""
        previews = commands.preview_commands(
            customer,
            product,
            stage,
            tuple(servers),
            metadata=metadata_map(session, customer.id),
            expires_at=expires_at,
        )
        if previews:
            session.execute(
                insert(CommandAttemptRow),
                [
                    {
                        "item_id": item_id,
                        "server_id": preview.server_id,
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

    # ------------------------------------------------------------ writes

    def assign_product(
        self,
        customer_id: int,
        product_id: int,
        *,
        server_ids: Sequence[int] | None = None,
        expires_at: datetime | None = None,
        request_id: str | None = None,
    ) -> InventoryItem:
        """Grant a product manually and queue its on_purchase commands."""
        now = self.now()
        require_future(expires_at, now, "expires_at")
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            # FOR SHARE: a ban cannot land between this check and the commit.
            customer = customer_from_row(load_customer(session, customer_id, share=True), now)
            if customer.ban is not None:
                raise Invalid({"customer": f"banned: {customer.ban.reason}"})
            product = self._product(session, product_id)
            servers = self._servers(
                session, product.server_ids if server_ids is None else server_ids
            )
            if expires_at is None and product.duration_days is not None:
                expires_at = now + timedelta(days=product.duration_days)
            item_id = session.execute(
                insert(InventoryItemRow)
                .values(
                    customer_id=customer_id,
                    product_id=product_id,
                    state=ItemState.ACTIVE.value,
                    source=ItemSource.MANUAL.value,
                    order_id=None,
                    granted_by=self.actor,
                    granted_at=now,
                    expires_at=expires_at,
                    server_ids=[server.id for server in servers],
                )
                .returning(InventoryItemRow.id)
            ).scalar_one()
            queued = self._queue(
                session,
                item_id=item_id,
                customer=customer,
                product=product,
                stage=CommandStage.ON_PURCHASE,
                servers=servers,
                expires_at=expires_at,
                now=now,
            )
            audit.record(
                session,
                self,
                action="item.assign",
                target_type="item",
                target_id=item_id,
                customer_id=customer_id,
                after={
                    "product_id": product.id,
                    "product": product.name,
                    "server_ids": [server.id for server in servers],
                    "expires_at": expires_at,
                    "commands_queued": queued,
                },
                request_id=request_id,
            )
            return self._item(session, item_id)

    def revoke_item(
        self, item_id: int, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        reason = checked(validation.validate_reason, reason, "reason")
        now = self.now()
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            # Compare-and-set: only one transaction can move the item out of active.
            result = session.execute(
                update(InventoryItemRow)
                .where(
                    InventoryItemRow.id == item_id,
                    InventoryItemRow.state == ItemState.ACTIVE.value,
                    or_(InventoryItemRow.expires_at.is_(None), InventoryItemRow.expires_at > now),
                )
                .values(
                    state=ItemState.REVOKED.value,
                    revoked_at=now,
                    revoked_by=self.actor,
                    revoke_reason=reason,
                )
                .execution_options(synchronize_session=False)
            )
            row = self._item_row(session, item_id)
            if result.rowcount != 1:
                if row.state == ItemState.REVOKED.value:
                    raise AlreadyDone("already revoked")
                raise Invalid({"item": "expired items cannot be revoked"})
            customer = customer_from_row(load_customer(session, row.customer_id), now)
            product = self._product(session, row.product_id)
            servers = self._servers(session, row.server_ids or product.server_ids, strict=False)
            queued = self._queue(
                session,
                item_id=item_id,
                customer=customer,
                product=product,
                stage=CommandStage.ON_EXPIRE,
                servers=servers,
                expires_at=row.expires_at,
                now=now,
            )
            audit.record(
                session,
                self,
                action="item.revoke",
                target_type="item",
                target_id=item_id,
                customer_id=row.customer_id,
                before={"state": ItemState.ACTIVE.value},
                after={
                    "state": ItemState.REVOKED.value,
                    "revoked_at": now,
                    "product": product.name,
                    "commands_queued": queued,
                },
                reason=reason,
                request_id=request_id,
            )
            return self._item(session, item_id)
