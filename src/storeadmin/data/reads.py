"""Read side of the SQL StoreService."""

from __future__ import annotations

from collections.abc import Sequence

from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CommandPreview,
    CustomerDetails,
    CustomerSummary,
    CustomerToken,
    GameServer,
    InventoryItem,
    ItemState,
    MetadataField,
    Order,
    OrderDetails,
    OrderStatus,
    Page,
    Product,
    StoreInfo,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.data.base import ServiceBase


class StoreReads(ServiceBase):
    """Queries: search, customer details, paged tabs."""

    def store_info(self) -> StoreInfo:
        """Store name, currency, redacted database URL and customer count."""
        raise NotImplementedError

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Find customers by name (prefix, then substring), any form of external ID,
        customer / order / subscription ID, or metadata value (a Discord ID).

        Exact matches come first; an empty query lists the newest customers.
        """
        raise NotImplementedError

    def get_customer(self, customer_id: int) -> CustomerDetails:
        """The customer with the stats header figures."""
        raise NotImplementedError

    def list_inventory(
        self,
        customer_id: int,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Items newest first, optionally of one state."""
        raise NotImplementedError

    def list_command_attempts(self, item_id: int) -> tuple[CommandAttempt, ...]:
        """Every command attempt of an item, oldest first."""
        raise NotImplementedError

    def list_orders(
        self,
        customer_id: int,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Order]:
        """Orders newest first, optionally of one status."""
        raise NotImplementedError

    def get_order(self, order_id: int) -> OrderDetails:
        """One order with its lines."""
        raise NotImplementedError

    def list_subscriptions(
        self,
        customer_id: int,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """Subscriptions newest first, optionally of one status."""
        raise NotImplementedError

    def get_subscription(self, subscription_id: int) -> SubscriptionDetails:
        """One subscription with its payments."""
        raise NotImplementedError

    def get_metadata(self, customer_id: int) -> tuple[MetadataField, ...]:
        """The customer's metadata, in key order."""
        raise NotImplementedError

    def list_audit(
        self, customer_id: int, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's audit entries, newest first."""
        raise NotImplementedError

    def list_tokens(self, customer_id: int) -> tuple[CustomerToken, ...]:
        """The customer's tokens, newest first."""
        raise NotImplementedError

    def list_products(self) -> tuple[Product, ...]:
        """The catalogue, by name."""
        raise NotImplementedError

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server, by name."""
        raise NotImplementedError

    def preview_assign(
        self, customer_id: int, product_id: int, server_ids: Sequence[int] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The on_purchase commands that assigning the product would queue."""
        raise NotImplementedError
