"""The one interface the UI and the CLI use to read and change a store.

``storeadmin.stores.open_store`` opens one from a location: ``storeadmin.data``
implements it over SQLAlchemy (SQLite, PostgreSQL), ``storeadmin.paynow`` over a
hosted store's Management API, and ``tests/support/memory_store.py`` in memory — the
protocol's executable documentation. Every method may raise
``storeadmin.core.errors.StoreError`` subclasses and nothing else. Methods block:
the UI calls them from thread workers only. IDs and versions are opaque strings
(see ``storeadmin.core.models``). A method behind a ``Feature`` the store's
``StoreInfo.features`` lacks raises ``Unsupported``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from storeadmin.core.audit_detail import AuditDetail
from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CommandPreview,
    CreatedServerToken,
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
    StuckDeliveries,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)
from storeadmin.core.overview import CustomerOverview

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

    def get_customer(self, customer_id: str) -> CustomerDetails:
        """The customer with the stats header figures."""
        ...

    def open_customer(self, customer_id: str, *, limit: int = DEFAULT_PAGE) -> CustomerOverview:
        """The header and the first ``limit`` rows of every tab, read together.

        Each page equals the first page of the tab's list read (``list_inventory``,
        ``list_orders``, ``list_subscriptions``, ``list_audit``) and continues with it;
        NotFound when there is no such customer.
        """
        ...

    def get_customer_summary(self, customer_id: str) -> CustomerSummary:
        """The customer's search-result row (``matched_by`` is CUSTOMER_ID)."""
        ...

    def list_inventory(
        self,
        customer_id: str,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Items newest first, optionally of one state."""
        ...

    def get_item(self, item_id: str) -> InventoryItem:
        """One inventory item, whoever owns it."""
        ...

    def list_command_attempts(self, item_id: str) -> tuple[CommandAttempt, ...]:
        """Every command attempt of an item, oldest first."""
        ...

    def list_customer_commands(
        self, customer_id: str, *, item_id: str | None = None
    ) -> tuple[CommandAttempt, ...]:
        """Every command attempt of a customer (or of one of their items), newest first."""
        ...

    def list_orders(
        self,
        customer_id: str,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
        product_id: str | None = None,
    ) -> Page[Order]:
        """Orders newest first, optionally of one status and of those with a line of
        product ``product_id`` (the Orders tab's product filter)."""
        ...

    def get_order(self, order_id: str) -> OrderDetails:
        """One order with its lines."""
        ...

    def list_subscriptions(
        self,
        customer_id: str,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """Subscriptions newest first, optionally of one status."""
        ...

    def get_subscription(self, subscription_id: str) -> SubscriptionDetails:
        """One subscription with its payments."""
        ...

    def get_metadata(self, customer_id: str) -> tuple[MetadataField, ...]:
        """The customer's metadata, in key order."""
        ...

    def list_audit(
        self, customer_id: str, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's audit entries, newest first."""
        ...

    def get_audit_entry(self, customer_id: str, audit_id: str) -> AuditDetail:
        """One of the customer's audit entries with the whole before and after: for a
        metadata save the complete map before and after it (the log keeps only what
        changed), otherwise the fields it recorded. NotFound for an unknown entry or
        one of another customer."""
        ...

    def list_tokens(self, customer_id: str) -> tuple[CustomerToken, ...]:
        """The customer's tokens, newest first."""
        ...

    def list_products(self) -> tuple[Product, ...]:
        """The catalogue, by name."""
        ...

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server, by name."""
        ...

    def preview_assign(
        self, customer_id: str, product_id: str, server_ids: Sequence[str] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The on_purchase commands that assigning the product would queue."""
        ...

    # ------------------------------------------------------------ writes
    # Each write is one transaction together with its audit entry.

    def edit_customer(
        self,
        customer_id: str,
        *,
        expected_version: str,
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
        customer_id: str,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        ...

    def unban_customer(self, customer_id: str, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        ...

    def create_token(
        self, customer_id: str, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """Create a token; the secret is returned once and only its hash is stored."""
        ...

    def revoke_token(self, customer_id: str, token_id: str) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        ...

    def revoke_all_tokens(self, customer_id: str) -> int:
        """Revoke every active token; returns how many were revoked."""
        ...

    def replace_metadata(
        self,
        customer_id: str,
        fields: Sequence[MetadataField],
        *,
        expected_version: str | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole metadata map; rows with empty key and value are dropped."""
        ...

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
        ...

    def revoke_item(
        self, item_id: str, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        ...

    # ------------------------------------------------------------ delivery
    # Behind Feature.COMMAND_DELIVERY; audited like every other write.

    def resend_command(self, attempt_id: str, *, server_id: str | None = None) -> CommandAttempt:
        """Queue the same command again as a new attempt (``rerun``), on its server or another."""
        ...

    def cancel_command(self, attempt_id: str) -> CommandAttempt:
        """Unqueue an attempt no game server has acknowledged (AlreadyDone otherwise)."""
        ...

    def list_stuck_deliveries(
        self, *, waiting_longer_than: timedelta, player_unseen_for: timedelta
    ) -> StuckDeliveries:
        """Attempts pending or delivered longer than the first, online-only attempts whose
        player was not seen within the second, and servers silent that long."""
        ...

    def add_game_server(self, name: str, *, game: str) -> GameServer:
        """A new, enabled game server without a token yet (Feature.GAME_SERVER_ADMIN)."""
        ...

    def issue_server_token(self, server_id: str) -> CreatedServerToken:
        """A new token for the server; the previous one stops working at once."""
        ...

    def disable_game_server(self, server_id: str) -> GameServer:
        """Refuse the server's polls from now on (AlreadyDone if it was disabled)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
