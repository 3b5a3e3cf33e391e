"""Write side of the SQL StoreService: each write is one transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storeadmin.core.models import (
    CreatedToken,
    Customer,
    CustomerToken,
    InventoryItem,
    MetadataField,
    Platform,
)
from storeadmin.data.base import ServiceBase


class StoreWrites(ServiceBase):
    """Admin actions."""

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
        raise NotImplementedError

    def ban_customer(
        self,
        customer_id: int,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        raise NotImplementedError

    def unban_customer(self, customer_id: int, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        raise NotImplementedError

    def create_token(
        self, customer_id: int, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """Create a token; the secret is returned once and only its hash is stored."""
        raise NotImplementedError

    def revoke_token(self, customer_id: int, token_id: int) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        raise NotImplementedError

    def revoke_all_tokens(self, customer_id: int) -> int:
        """Revoke every active token; returns how many were revoked."""
        raise NotImplementedError

    def replace_metadata(
        self,
        customer_id: int,
        fields: Sequence[MetadataField],
        *,
        expected_version: int | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole metadata map; rows with empty key and value are dropped."""
        raise NotImplementedError

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
        raise NotImplementedError

    def revoke_item(
        self, item_id: int, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        raise NotImplementedError
