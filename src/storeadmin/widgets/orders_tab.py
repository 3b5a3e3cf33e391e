"""Orders tab: the customer's orders, newest first, with a status filter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from rich.text import Text

from storeadmin.core.models import Order, OrderStatus, Page
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.column_fit import ColumnSpec, date_column
from storeadmin.widgets.detail_format import money, status_cell, when
from storeadmin.widgets.status_filter import FilteredTab
from storeadmin.widgets.tab_base import PAGE_SIZE, Fetch


class OrdersTab(FilteredTab[Order]):
    """Order ID, products, price, status, date; Enter opens the order."""

    GROUP: ClassVar[str] = "orders"
    NOUN: ClassVar[str] = "orders"
    STATUSES: ClassVar[Sequence[StrEnum]] = tuple(OrderStatus)
    COLUMNS: ClassVar[Sequence[ColumnSpec | tuple[str, int | None]]] = (
        ColumnSpec("Order"),
        ColumnSpec("Products", min_width=12, max_width=40),
        ColumnSpec("Price"),
        ColumnSpec("Status"),
        date_column("Date"),
    )
    """The seed's columns; Date is when the order completed (else when it was created)."""

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
        """ID, products (plain), price (the order's total), coloured status, date."""
        return (
            f"#{item.id}",
            plain(item.products, max_length=60),
            money(item.total),
            status_cell(item.status),
            when(order_date(item)),
        )


def order_date(order: Order) -> datetime:
    """The seed's Date: when the order completed, or when it was created if it has not."""
    return order.completed_at or order.created_at
