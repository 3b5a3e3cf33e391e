"""What every part of the memory store shares: the state, the actor, loaders and the audit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from storeadmin.core.errors import AlreadyDone, Conflict, Invalid, NotFound
from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    Customer,
    CustomerSummary,
    GameServer,
    InventoryItem,
    ItemState,
    Product,
)
from support.memory_store.state import MemoryState


class MemoryBase:
    """What every part of the memory store shares: the state, the actor, loaders and the audit."""

    def __init__(
        self, state: MemoryState, *, actor: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._state = state
        self._actor = actor
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def actor(self) -> str:
        """The admin name written to audit entries."""
        return self._actor

    def _summary(self, customer_id: str) -> CustomerSummary:
        customer = self._customer(customer_id)
        return replace(
            self._state.summaries[customer_id],
            username=customer.username,
            platform=customer.platform,
            external_id=customer.external_id,
            banned=customer.is_banned,
        )

    def _customer(self, customer_id: str) -> Customer:
        details = self._state.details.get(str(customer_id))
        if details is None:
            raise NotFound(f"no customer with ID {customer_id}")
        customer = details.customer
        if customer.ban is not None and not customer.ban.is_active(self._clock()):
            return replace(customer, ban=None)
        return customer

    def _item_now(self, item: InventoryItem) -> InventoryItem:
        now = self._clock()
        if (
            item.state is ItemState.ACTIVE
            and item.expires_at is not None
            and item.expires_at <= now
        ):
            return replace(item, state=ItemState.EXPIRED)
        return item

    def _product(self, product_id: str) -> Product:
        product = self._state.products.get(str(product_id))
        if product is None:
            raise NotFound(f"no product with ID {product_id}")
        return product

    def _servers(self, server_ids: Sequence[str], *, strict: bool = True) -> tuple[GameServer, ...]:
        wanted = [str(s) for s in dict.fromkeys(server_ids)]
        missing = [s for s in wanted if s not in self._state.servers]
        if missing and strict:
            raise Invalid({"servers": f"no game server with ID {', '.join(missing)}"})
        return tuple(self._state.servers[s] for s in wanted if s in self._state.servers)

    def _audit(
        self,
        action: str,
        target_type: str,
        target_id: str,
        customer_id: str | None,
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
        reason: str | None = None,
    ) -> None:
        entry = AuditEntry(
            self._state.new_id(),
            self._clock(),
            self._actor,
            action,
            target_type,
            target_id,
            customer_id,
            before,
            after,
            reason,
        )
        self._state.audit.append(entry)

    def _new_request(self, request_id: str | None) -> None:
        if request_id is None:
            return
        if request_id in self._state.request_ids:
            raise AlreadyDone("this request was already carried out")
        self._state.request_ids.add(request_id)

    def _save(self, customer: Customer) -> Customer:
        bumped = replace(
            customer,
            version=str(int(customer.version) + 1),
            updated_at=self._clock(),
            updated_by=self._actor,
        )
        details = self._state.details[customer.id]
        self._state.details[customer.id] = replace(details, customer=bumped)
        return self._customer(customer.id)

    def _stale(self, customer: Customer) -> Conflict:
        return Conflict.stale(customer.updated_by, customer.updated_at)

    def _attempt(self, attempt_id: str) -> CommandAttempt:
        attempt = self._state.attempts.get(str(attempt_id))
        if attempt is None:
            raise NotFound(f"no command attempt with ID {attempt_id}")
        return attempt
