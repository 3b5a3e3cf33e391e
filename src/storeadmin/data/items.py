"""Inventory items: the list of a customer's items, one item, its command attempts, the
preview of an assign, and the writes — assign a product manually, revoke an item (the
rows and their mappers: ``data.item_rows``).

Each write is one transaction holding the item change, its queued command attempts (a
transactional outbox for the game servers) and the audit row. Revoke is a
compare-and-set, so a double press or two admins change, queue and audit once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, bindparam, cast, insert, or_, select, update
from sqlalchemy.orm import Session

from storeadmin.core import commands, validation
from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.core.models import (
    CommandAttempt,
    CommandPreview,
    CommandStage,
    CommandStatus,
    Customer,
    GameServer,
    InventoryItem,
    ItemSource,
    ItemState,
    Page,
    Product,
)
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.catalog import load_product, load_servers, server_keys
from storeadmin.data.checks import checked, require_future, rowcount
from storeadmin.data.customer_rows import customer_from_row, load_customer
from storeadmin.data.ids import sql_id
from storeadmin.data.item_rows import (
    ITEM_COLUMNS,
    ITEM_FIELDS,
    attempt_from_row,
    item_from_values,
    item_state_condition,
    load_item,
    load_item_row,
)
from storeadmin.data.metadata import metadata_map
from storeadmin.data.paging import TabPages, clamp_limit
from storeadmin.data.schema import (
    CommandAttemptRow,
    GameServerRow,
    InventoryItemRow,
    ProductRow,
    UtcDateTime,
)

# ------------------------------------------------------------------ list pages


_LISTED: dict[str, Any] = {column.key: column for column in ITEM_COLUMNS}
# server_ids as text on both dialects: server_ids_of parses each distinct list once (a
# page's items share a few), where the driver or the JSON type parse every row's.
_LISTED["server_ids"] = cast(InventoryItemRow.server_ids, Text).label("server_ids")


ITEM_PAGES = TabPages(
    "inventory",
    query=lambda: select(*(_LISTED[name] for name in ITEM_FIELDS)).join(
        ProductRow, ProductRow.id == InventoryItemRow.product_id
    ),
    entity=InventoryItemRow,
    time_column=InventoryItemRow.granted_at,
    filters=lambda shape: [
        item_state_condition(ItemState(state), bindparam("now", type_=UtcDateTime()))
        for state in shape
    ],
)
"""A customer's items newest granted first; the shape is the state asked for, if any
(``now`` a bind: one statement serves every call)."""


def _granted_at(item: InventoryItem) -> datetime:
    return item.granted_at


# ------------------------------------------------------------------ service


class Items(ServiceBase):
    """A customer's inventory and command attempts; preview, assign and revoke."""

    def list_inventory(
        self,
        customer_id: str,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Items newest granted first (granted_at desc, id desc), optionally of one state."""
        cid = sql_id(customer_id, "customer")
        now = self.now()
        shape = () if state is None else (ItemState(state).value,)
        with self.read_connection() as conn:
            return ITEM_PAGES.page(
                conn,
                cid,
                shape=shape,
                params={"now": now},
                limit=clamp_limit(limit),
                cursor=cursor,
                convert=lambda values: item_from_values(values, now),
                time_of=_granted_at,
            )

    def get_item(self, item_id: str) -> InventoryItem:
        """One inventory item, whoever owns it."""
        key = sql_id(item_id, "item")
        with self.read_connection() as conn:
            return load_item(conn, key, self.now())

    def list_command_attempts(self, item_id: str) -> tuple[CommandAttempt, ...]:
        """Every command attempt of an item, oldest first, with its server's name."""
        key = sql_id(item_id, "inventory item")
        with self.read_connection() as session:
            found = session.execute(
                select(InventoryItemRow.id).where(InventoryItemRow.id == key)
            ).scalar_one_or_none()
            if found is None:
                raise NotFound(f"no inventory item with ID {key}")
            A = CommandAttemptRow
            rows = session.execute(
                select(*A.__table__.c, GameServerRow.name.label("server_name"))
                .join(GameServerRow, GameServerRow.id == A.server_id)
                .where(A.item_id == key)
                .order_by(A.queued_at, A.id)
            ).all()
        return tuple(attempt_from_row(r, server_name=r.server_name) for r in rows)

    def preview_assign(
        self, customer_id: str, product_id: str, server_ids: Sequence[str] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The on_purchase commands that assigning the product would queue.

        Servers: ``server_ids`` when given, else the product's servers, else every server.
        """
        cid = sql_id(customer_id, "customer")
        pid = sql_id(product_id, "product")
        chosen = None if server_ids is None else server_keys(server_ids)
        now = self.now()
        with self.read() as session:
            customer = customer_from_row(load_customer(session, cid), now)
            product = load_product(session, pid, self.currency(session))
            wanted = chosen if chosen is not None else [int(s) for s in product.server_ids]
            found = load_servers(session, wanted if wanted or chosen is not None else None)
            servers = tuple(sorted(found, key=lambda s: (s.name, int(s.id))))
            metadata = metadata_map(session, cid)
        return tuple(
            commands.preview_commands(
                customer, product, CommandStage.ON_PURCHASE, servers, metadata=metadata
            )
        )

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
            metadata=metadata_map(session, int(customer.id)),
            expires_at=expires_at,
        )
        if previews:
            session.execute(
                insert(CommandAttemptRow),
                [
                    {
                        "item_id": item_id,
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

    # ------------------------------------------------------------ writes

    def assign_product(
        self,
        customer_id: str,
        product_id: str,
        *,
        server_ids: Sequence[str] | None = None,
        expires_at: datetime | None = None,
        request_id: str | None = None,
    ) -> InventoryItem:
        """Grant a product manually and queue its on_purchase commands."""
        cid = sql_id(customer_id, "customer")
        pid = sql_id(product_id, "product")
        chosen = None if server_ids is None else server_keys(server_ids)
        now = self.now()
        require_future(expires_at, now, "expires_at")
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            # FOR SHARE: a ban cannot land between this check and the commit.
            customer = customer_from_row(load_customer(session, cid, share=True), now)
            if customer.ban is not None:
                raise Invalid({"customer": f"banned: {customer.ban.reason}"})
            product = load_product(session, pid, self.currency(session))
            servers = load_servers(
                session, [int(s) for s in product.server_ids] if chosen is None else chosen
            )
            if expires_at is None and product.duration_days is not None:
                expires_at = now + timedelta(days=product.duration_days)
            item_id = session.execute(
                insert(InventoryItemRow)
                .values(
                    customer_id=cid,
                    product_id=pid,
                    state=ItemState.ACTIVE.value,
                    source=ItemSource.MANUAL.value,
                    order_id=None,
                    granted_by=self.actor,
                    granted_at=now,
                    expires_at=expires_at,
                    server_ids=[int(server.id) for server in servers],
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
                customer_id=cid,
                after={
                    "product_id": int(product.id),
                    "product": product.name,
                    "server_ids": [int(server.id) for server in servers],
                    "expires_at": expires_at,
                    "commands_queued": queued,
                },
                request_id=request_id,
            )
            return load_item(session, item_id, now)

    def revoke_item(
        self, item_id: str, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        iid = sql_id(item_id, "item")
        reason = checked(validation.validate_reason, reason, "reason")
        now = self.now()
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            # Compare-and-set: only one transaction can move the item out of active.
            result = session.execute(
                update(InventoryItemRow)
                .where(
                    InventoryItemRow.id == iid,
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
            row = load_item_row(session, iid)
            if rowcount(result) != 1:
                if row.state == ItemState.REVOKED.value:
                    raise AlreadyDone("already revoked")
                raise Invalid({"item": "expired items cannot be revoked"})
            customer = customer_from_row(load_customer(session, row.customer_id), now)
            product = load_product(session, row.product_id, self.currency(session))
            servers = load_servers(
                session,
                row.server_ids or [int(s) for s in product.server_ids],
                strict=False,
            )
            queued = self._queue(
                session,
                item_id=iid,
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
                target_id=iid,
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
            return load_item(session, iid, now)
