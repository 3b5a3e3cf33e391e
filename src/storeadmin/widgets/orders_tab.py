"""Orders tab: the customer's orders, newest first, with a status filter.

``/`` asks for an order ID or a product (``FindOrderModal``). An order ID is read in a
thread worker (group ``orders-find``) and, when it is this customer's, opened as Enter
on its row would (``OpenRequested``); a product filters the list
(``list_orders(product_id=)``) until esc clears it, a line above the table saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from storeadmin.core.errors import NotFound
from storeadmin.core.models import Order, OrderStatus, Page, Product
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import DETAILS_KEYS
from storeadmin.screens.modals.find_order import FindChoice, FindOrderModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.column_fit import ColumnSpec, date_column
from storeadmin.widgets.detail_format import money, status_cell, when
from storeadmin.widgets.host import host
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

    DEFAULT_CSS = """
    OrdersTab > .orders-product {
        display: none;
        height: 1;
        padding: 0 1;
        color: $warning;
    }
    OrdersTab > .orders-product.-shown {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = DETAILS_KEYS.bindings("OrdersTab")

    @dataclass
    class OrderFound(Message):
        """The find worker read the order asked for (None: there is no such order)."""

        order_id: str
        order: Order | None

    def __init__(self, customer_id: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(customer_id, id=id)
        self.product: Product | None = None
        """The product the list is filtered by (None: every order)."""

    def compose_toolbar(self) -> ComposeResult:
        """The status filter, then the product filter's line (shown while it is on)."""
        yield from super().compose_toolbar()
        yield Static("", classes="orders-product", markup=False)

    def make_fetch(self) -> Fetch[Order]:
        """Orders of the chosen status (or all) and product (or any), newest first."""
        customer_id, status = self.customer_id, self.status_filter.status
        product_id = None if self.product is None else self.product.id

        def fetch(service: StoreService, cursor: str | None) -> Page[Order]:
            return service.list_orders(
                customer_id,
                status=status,  # type: ignore[arg-type]  # the filter offers OrderStatus members only (STATUSES)
                limit=PAGE_SIZE,
                cursor=cursor,
                product_id=product_id,
            )

        return fetch

    def show_loaded(self, page: Page[Order]) -> None:
        """The screen's unfiltered first page, unless a product filter is on: then load."""
        if self.product is None:
            super().show_loaded(page)
        else:
            self.load()

    # ------------------------------------------------------------ find

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc clears the product filter only while there is one (else: the screen's Back)."""
        if action == "clear_product":
            return self.product is not None
        return super().check_action(action, parameters)

    def action_find(self) -> None:
        """``/``: ask for an order ID or a product."""
        self.app.push_screen(FindOrderModal(), self._found)

    def _found(self, choice: FindChoice | None) -> None:
        if choice is None:
            return
        if choice.product is not None:
            self.filter_by_product(choice.product)
        elif choice.order_id is not None:
            self.jump_to_order(choice.order_id)

    def filter_by_product(self, product: Product | None) -> None:
        """List only the orders with a line of ``product`` (None: every order again)."""
        self.product = product
        line = self.query_one(".orders-product", Static)
        if product is None:
            line.update("")
        else:
            line.update(
                Text.assemble(
                    "Filtered: ", plain(product.name, max_length=40), " — esc clears, / finds"
                )
            )
        line.set_class(product is not None, "-shown")
        self.refresh_bindings()
        self.load()
        self.table.focus()

    def action_clear_product(self) -> None:
        """Esc (while filtered): every order again."""
        self.filter_by_product(None)

    def jump_to_order(self, order_id: str) -> None:
        """Read order ``order_id`` in a worker; this customer's opens, else a line says why."""
        self.run_worker(
            lambda: self._read_order(host(self).service, order_id),
            name="finding order",
            group="orders-find",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def _read_order(self, service: StoreService, order_id: str) -> None:
        """Worker thread: the order, or None when the store has no such order."""
        try:
            order: Order | None = service.get_order(order_id).order
        except NotFound:
            order = None
        if not get_current_worker().is_cancelled:
            self.post_message(self.OrderFound(order_id, order))

    @on(OrderFound)
    def _order_found(self, event: OrderFound) -> None:
        event.stop()
        order = event.order
        if order is None:
            self._show_message(f"No order #{event.order_id}.", error=True)
        elif str(order.customer_id) != str(self.customer_id):
            self._show_message(f"Order #{order.id} is another customer's.", error=True)
        else:
            self._show_message("")
            self.post_message(self.OpenRequested(self, order))

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
