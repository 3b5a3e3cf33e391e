"""Subscriptions tab: recurring purchases, newest first, with a status filter."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import ClassVar

from rich.text import Text

from storeadmin.core.models import Page, Subscription, SubscriptionStatus
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import money, status_cell, when
from storeadmin.widgets.status_filter import FilteredTab
from storeadmin.widgets.tab_base import PAGE_SIZE, Fetch


class SubscriptionsTab(FilteredTab[Subscription]):
    """ID, product, amount, status, billing period, created; Enter opens one."""

    GROUP: ClassVar[str] = "subscriptions"
    NOUN: ClassVar[str] = "subscriptions"
    STATUSES: ClassVar[Sequence[StrEnum]] = (
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.CANCELED,
        SubscriptionStatus.CREATED,
    )
    COLUMNS: ClassVar[Sequence[tuple[str, int | None]]] = (
        ("ID", 8),
        ("Product", None),
        ("Amount", 11),
        ("Status", 9),
        ("Period", 10),
        ("Created", 16),
    )

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
        """ID, product (plain), amount, coloured status, period, created."""
        return (
            f"#{item.id}",
            plain(item.product_name, max_length=60),
            money(item.amount),
            status_cell(item.status),
            item.interval.label(),
            when(item.created_at),
        )
