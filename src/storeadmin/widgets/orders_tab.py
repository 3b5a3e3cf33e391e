"""Orders tab: the customer's orders, newest first, with a status filter."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import ClassVar

from rich.text import Text

from storeadmin.core.models import Order, OrderStatus, Page
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import money, status_cell, when
from storeadmin.widgets.status_filter import FilteredTab
from storeadmin.widgets.tab_base import PAGE_SIZE, Fetch


class OrdersTab(FilteredTab[Order]):
    """Order ID, products, total, status, date; Enter opens the order."""

    GROUP: ClassVar[str] = "orders"
    NOUN: ClassVar[str] = "orders"
    STATUSES: ClassVar[Sequence[StrEnum]] = tuple(OrderStatus)
    COLUMNS: ClassVar[Sequence[tuple[str, int | None]]] = (
        ("Order", 8),
        ("Products", None),
        ("Total", 11),
        ("Status", 10),
        ("Date", 16),
    )

    def make_fetch(self) -> Fetch[Order]:
        """Orders of the chosen status (or all), newest first."""
        customer_id, status = self.customer_id, self.status_filter.status

        def fetch(service: StoreService, cursor: str | None) -> Page[Order]:
            return service.list_orders(
                customer_id,
                status=status,  # type: ignore[arg-type]  # the filter offers OrderStatus members only (STATUSES)
                limit=PAGE_SIZE,
                cursor=cursor,
            )

        return fetch

    def row_key(self, item: Order) -> str:
        """The order id."""
        return str(item.id)

    def row_cells(self, item: Order) -> Sequence[Text | str]:
        """ID, products (plain), total, coloured status, date."""
        return (
            f"#{item.id}",
            plain(item.products, max_length=60),
            money(item.total),
            status_cell(item.status),
            when(item.created_at),
        )
