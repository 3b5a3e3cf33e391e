"""What the details screen shows when it opens a customer, read at once.

``StoreService.open_customer`` returns a ``CustomerOverview``: the header (customer,
stats, sparkline) and the first page of each tab. The SQL store answers it with one
statement in one read transaction (``storeadmin.data.overview``); a store without a
cheaper way composes it from its own reads with ``compose_overview``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storeadmin.core.models import (
    AuditEntry,
    CustomerDetails,
    InventoryItem,
    MetadataField,
    Order,
    Page,
    Subscription,
)


@dataclass(frozen=True, slots=True)
class CustomerOverview:
    """The header and the first page of every tab of one customer.

    Each page is what the tab's own list read returns for its first page (same items,
    ``next_cursor`` and ``total``), so a tab continues with its list read and the
    page's cursor. ``details.customer.version`` is the version the metadata was read
    at (hand it back to ``replace_metadata``).
    """

    details: CustomerDetails
    inventory: Page[InventoryItem]
    orders: Page[Order]
    subscriptions: Page[Subscription]
    metadata: tuple[MetadataField, ...]
    history: Page[AuditEntry]


class TabReads(Protocol):
    """The single reads ``compose_overview`` uses (a part of ``StoreService``)."""

    def get_customer(self, customer_id: str) -> CustomerDetails: ...

    def list_inventory(
        self, customer_id: str, *, limit: int = ..., cursor: str | None = None
    ) -> Page[InventoryItem]: ...

    def list_orders(
        self, customer_id: str, *, limit: int = ..., cursor: str | None = None
    ) -> Page[Order]: ...

    def list_subscriptions(
        self, customer_id: str, *, limit: int = ..., cursor: str | None = None
    ) -> Page[Subscription]: ...

    def get_metadata(self, customer_id: str) -> tuple[MetadataField, ...]: ...

    def list_audit(
        self, customer_id: str, *, limit: int = ..., cursor: str | None = None
    ) -> Page[AuditEntry]: ...


def compose_overview(service: TabReads, customer_id: str, limit: int) -> CustomerOverview:
    """``open_customer`` from the service's single reads (header first, then each tab)."""
    return CustomerOverview(
        details=service.get_customer(customer_id),
        inventory=service.list_inventory(customer_id, limit=limit),
        orders=service.list_orders(customer_id, limit=limit),
        subscriptions=service.list_subscriptions(customer_id, limit=limit),
        metadata=service.get_metadata(customer_id),
        history=service.list_audit(customer_id, limit=limit),
    )
