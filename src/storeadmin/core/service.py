"""The one interface the UI and the CLI use to read and change a store.

``storeadmin.data.SqlStoreService`` implements it over SQLAlchemy; a hosted store's
HTTP API could implement it too without touching a screen. Every method may raise
``storeadmin.core.errors.StoreError`` subclasses and nothing else. Methods block:
the UI calls them from thread workers only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CommandPreview,
    CreatedToken,
    Customer,
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
    Platform,
    Product,
    StoreInfo,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)

DEFAULT_PAGE = 100


class StoreService(Protocol):
    """Read and change one store. ``actor`` is the admin recorded in audit entries."""

    @property
    def actor(self) -> str:
        """The admin name written to audit entries."""
        ...

    # ------------------------------------------------------------ reads

    def store_info(self) -> StoreInfo:
        """Store name, currency, redacted database URL and customer count."""
        ...

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Find customers by name (prefix, then substring), any form of external ID,
        customer / order / subscription ID, or metadata value (a Discord ID).

        Exact matches come first; an empty query lists the newest customers.
        """
        ...

    def get_customer(self, customer_id: int) -> CustomerDetails:
        """The customer with the stats header figures."""
        ...

    def list_inventory(
        self,
        customer_id: int,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Items newest first, optionally of one state."""
        ...

    def list_command_attempts(self, item_id: int) -> tuple[CommandAttempt, ...]:
        """Every command attempt of an item, oldest first."""
        ...

    def list_orders(
        self,
        customer_id: int,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Order]:
        """Orders newest first, optionally of one status."""
        ...

    def get_order(self, order_id: int) -> OrderDetails:
        """One order with its lines."""
        ...

    def list_subscriptions(
        self,
        customer_id: int,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """Subscriptions newest first, optionally of one status."""
        ...

    def get_subscription(self, subscription_id: int) -> SubscriptionDetails:
        """One subscription with its payments."""
        ...

    def get_metadata(self, customer_id: int) -> tuple[MetadataField, ...]:
        """The customer's metadata, in key order."""
        ...

    def list_audit(
        self, customer_id: int, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's audit entries, newest first."""
        ...

    def list_tokens(self, customer_id: int) -> tuple[CustomerToken, ...]:
        """The customer's tokens, newest first."""
        ...

    def list_products(self) -> tuple[Product, ...]:
        """The catalogue, by name."""
        ...

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server, by name."""
        ...

    def preview_assign(
        self, customer_id: int, product_id: int, server_ids: Sequence[int] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The on_purchase commands that assigning the product would queue."""
        ...

    # ------------------------------------------------------------ writes
    # Each write is one transaction together with its audit entry.

    def edit_customer(
        self,
        customer_id: int,
        *,
        expected_version: int,
        username: str | None = None,
        platform: Platform | None = None,
        external_id: str | None = None,
    ) -> Customer:
        """Change name and/or platform ID (validated, canonicalised, unique per platform).

        Raises Conflict when the customer changed since ``expected_version`` was read
        or when another customer already has that ID.
        """
        ...

    def ban_customer(
        self,
        customer_id: int,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        ...

    def unban_customer(self, customer_id: int, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        ...

    def create_token(
        self, customer_id: int, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """Create a token; the secret is returned once and only its hash is stored."""
        ...

    def revoke_token(self, customer_id: int, token_id: int) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        ...

    def revoke_all_tokens(self, customer_id: int) -> int:
        """Revoke every active token; returns how many were revoked."""
        ...

    def replace_metadata(
        self,
        customer_id: int,
        fields: Sequence[MetadataField],
        *,
        expected_version: int | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole metadata map; rows with empty key and value are dropped."""
        ...

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
        ...

    def revoke_item(
        self, item_id: int, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
