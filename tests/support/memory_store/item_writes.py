"""Inventory and delivery writes in memory: assign, revoke, resend, cancel and game servers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from storeadmin.core import commands, validation
from storeadmin.core.errors import AlreadyDone, Invalid
from storeadmin.core.models import (
    CommandAttempt,
    CommandStage,
    CommandStatus,
    CreatedServerToken,
    Customer,
    GameServer,
    InventoryItem,
    ItemSource,
    ItemState,
    Product,
)
from support.memory_store.base import MemoryBase
from support.memory_store.state import _checked


class ItemWrites(MemoryBase):
    """Inventory and delivery writes in memory: assign, revoke, resend, cancel and game servers."""

    def _queue(
        self,
        item: InventoryItem,
        customer: Customer,
        product: Product,
        stage: CommandStage,
        servers: Sequence[GameServer],
    ) -> int:
        previews = commands.preview_commands(
            customer,
            product,
            stage,
            servers,
            metadata=self._state.metadata.get(customer.id, {}),
            expires_at=item.expires_at,
        )
        for preview in previews:
            attempt = CommandAttempt(
                self._state.new_id(),
                item.id,
                preview.server_id,
                preview.server_name,
                stage,
                preview.command,
                preview.online_only,
                CommandStatus.PENDING,
                self._clock(),
                customer_id=customer.id,
            )
            self._state.attempts[attempt.id] = attempt
        return len(previews)

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
        now = self._clock()
        if expires_at is not None and expires_at <= now:
            raise Invalid({"expires_at": "must be in the future"})
        with self._state.lock:
            customer = self._customer(customer_id)
            if customer.ban is not None:
                raise Invalid({"customer": f"banned: {customer.ban.reason}"})
            product = self._product(product_id)
            servers = self._servers(product.server_ids if server_ids is None else server_ids)
            self._new_request(request_id)
            if expires_at is None and product.duration_days is not None:
                expires_at = now + timedelta(days=product.duration_days)
            item = InventoryItem(
                self._state.new_id(),
                customer_id,
                product.id,
                product.name,
                product.type,
                ItemState.ACTIVE,
                ItemSource.MANUAL,
                None,
                self._actor,
                now,
                expires_at,
                tuple(s.id for s in servers),
            )
            self._state.items[item.id] = item
            queued = self._queue(item, customer, product, CommandStage.ON_PURCHASE, servers)
            self._audit(
                "item.assign",
                "item",
                item.id,
                customer_id,
                None,
                {
                    "product_id": product.id,
                    "product": product.name,
                    "server_ids": list(item.server_ids),
                    "expires_at": expires_at,
                    "commands_queued": queued,
                },
            )
            return item

    def revoke_item(
        self, item_id: str, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        reason = _checked(validation.validate_reason, reason, "reason")
        with self._state.lock:
            item = self.get_item(item_id)
            self._new_request(request_id)
            if item.state is ItemState.REVOKED:
                raise AlreadyDone("already revoked")
            if item.state is not ItemState.ACTIVE:
                raise Invalid({"item": "expired items cannot be revoked"})
            revoked = replace(
                item,
                state=ItemState.REVOKED,
                revoked_at=self._clock(),
                revoked_by=self._actor,
                revoke_reason=reason,
            )
            self._state.items[item.id] = revoked
            product = self._product(item.product_id)
            servers = self._servers(item.server_ids or product.server_ids, strict=False)
            queued = self._queue(
                revoked, self._customer(item.customer_id), product, CommandStage.ON_EXPIRE, servers
            )
            self._audit(
                "item.revoke",
                "item",
                item.id,
                item.customer_id,
                {"state": ItemState.ACTIVE.value},
                {
                    "state": ItemState.REVOKED.value,
                    "product": product.name,
                    "commands_queued": queued,
                },
                reason,
            )
            return revoked

    def resend_command(self, attempt_id: str, *, server_id: str | None = None) -> CommandAttempt:
        """The same command again, as a new pending attempt marked ``rerun``."""
        with self._state.lock:
            old = self._attempt(attempt_id)
            server = self._servers([server_id or old.server_id])[0]
            new = replace(
                old,
                id=self._state.new_id(),
                server_id=server.id,
                server_name=server.name,
                status=CommandStatus.PENDING,
                queued_at=self._clock(),
                executed_at=None,
                delivered_count=0,
                last_delivered_at=None,
                executed_by_ip=None,
                unqueued_at=None,
                rerun=True,
            )
            self._state.attempts[new.id] = new
            self._audit(
                "command.resend",
                "command",
                new.id,
                old.customer_id,
                {"attempt_id": old.id},
                {"attempt_id": new.id, "server": server.name},
            )
            return new

    def cancel_command(self, attempt_id: str) -> CommandAttempt:
        """Unqueue an attempt no game server has acknowledged."""
        with self._state.lock:
            attempt = self._attempt(attempt_id)
            if not attempt.can_cancel:
                raise AlreadyDone(f"already {attempt.status.value}")
            canceled = replace(attempt, status=CommandStatus.CANCELED, unqueued_at=self._clock())
            self._state.attempts[attempt.id] = canceled
            self._audit(
                "command.cancel",
                "command",
                attempt.id,
                attempt.customer_id,
                {"status": attempt.status.value},
                {"status": "canceled"},
            )
            return canceled

    def add_game_server(self, name: str, *, game: str) -> GameServer:
        """A new, enabled game server without a token."""
        with self._state.lock:
            server = GameServer(self._state.new_id(), name, game)
            self._state.servers[server.id] = server
            return server

    def issue_server_token(self, server_id: str) -> CreatedServerToken:
        """A new token for the server (only a memory store: nothing polls it)."""
        return CreatedServerToken(self._servers([server_id])[0], "gst_" + secrets.token_urlsafe(24))

    def disable_game_server(self, server_id: str) -> GameServer:
        """Mark the server disabled (AlreadyDone if it was)."""
        with self._state.lock:
            server = self._servers([server_id])[0]
            if not server.enabled:
                raise AlreadyDone("already disabled")
            self._state.servers[server.id] = replace(server, enabled=False)
            return self._state.servers[server.id]

    def close(self) -> None:
        """Nothing to release: the data stays for the next service on this store."""
