"""Subscriptions tab: recurring purchases, newest first, with a status filter."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import ClassVar

from rich.text import Text

from storeadmin.core.models import Page, Subscription, SubscriptionStatus
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.column_fit import ColumnSpec, date_column
from storeadmin.widgets.detail_format import money, status_cell, when
from storeadmin.widgets.status_filter import FilteredTab
from storeadmin.widgets.tab_base import PAGE_SIZE, Fetch


class SubscriptionsTab(FilteredTab[Subscription]):
    """ID, product, amount, status, next billing, billing period, created; Enter opens one."""

    GROUP: ClassVar[str] = "subscriptions"
    NOUN: ClassVar[str] = "subscriptions"
    STATUSES: ClassVar[Sequence[StrEnum]] = (
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.CANCELED,
        SubscriptionStatus.CREATED,
    )
    COLUMNS: ClassVar[Sequence[ColumnSpec | tuple[str, int | None]]] = (
        ColumnSpec("ID"),
        ColumnSpec("Product", min_width=12, max_width=40),
        ColumnSpec("Amount"),
        ColumnSpec("Status"),
        date_column("Next billing", key="next_billing", short_label="Next bill"),
        ColumnSpec("Period", priority=2),
        date_column("Created", priority=3),
    )
    """The seed's columns and the next billing; the rest is in the subscription's dialog."""

    def make_fetch(self) -> Fetch[Subscription]:
        """Subscriptions of the chosen status (or all), newest first."""
        customer_id, status = self.customer_id, self.status_filter.status

        def fetch(service: StoreService, cursor: str | None) -> Page[Subscription]:
            return service.list_subscriptions(
                customer_id,
                status=status,  # type: ignore[arg-type]  # the filter offers SubscriptionStatus members only (STATUSES)
                limit=PAGE_SIZE,
                cursor=cursor,
            )

        return fetch

    def row_key(self, item: Subscription) -> str:
        """The subscription id."""
        return str(item.id)

    def row_cells(self, item: Subscription) -> Sequence[Text | str]:
        """ID, product (plain), amount, coloured status, next billing, period, created.

        Only an active subscription bills again: the others show a dash there."""
        billing = item.next_billing_at if item.status is SubscriptionStatus.ACTIVE else None
        return (
            f"#{item.id}",
            plain(item.product_name, max_length=60),
            money(item.amount),
            status_cell(item.status),
            when(billing),
            item.interval.label(),
            when(item.created_at),
        )
