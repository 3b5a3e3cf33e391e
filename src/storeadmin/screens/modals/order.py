"""Order details: lines, money breakdown, gateway, status and timestamps."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from storeadmin.core.models import OrderDetails, OrderLine
from storeadmin.core.service import StoreService
from storeadmin.screens.modals.detail import DetailModal, facts_grid
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import money, status_cell, when
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.tab_base import first_page_only


def line_row(line: OrderLine) -> Row:
    """Product (plain), quantity, unit price, line total."""
    return (
        str(line.id),
        (
            plain(line.product_name, max_length=60),
            str(line.quantity),
            money(line.unit_price),
            money(line.total),
        ),
    )


class OrderModal(DetailModal):
    """One order with its lines and every amount that makes up its total."""

    GROUP: ClassVar[str] = "order"

    def __init__(self, order_id: str) -> None:
        super().__init__()
        self.order_id = order_id

    def title_text(self) -> Text:
        """``Order #123``."""
        return Text(f"Order #{self.order_id}")

    def compose_body(self) -> ComposeResult:
        """Facts, lines table, totals."""
        yield Static("", id="order-facts", markup=False)
        yield Static("Lines", classes="dialog-section", markup=False)
        yield PagedTable(id="order-lines")
        yield Static("", id="order-totals", markup=False)

    def on_mount(self) -> None:
        """Columns first, then the fetch."""
        table = self.query_one(PagedTable)
        table.add_column("Product")
        table.add_column("Qty", width=5)
        table.add_column("Unit price", width=11)
        table.add_column("Total", width=11)
        super().on_mount()

    def fetch(self, service: StoreService) -> object:
        """The order with its lines."""
        return service.get_order(self.order_id)

    def show(self, result: object) -> None:
        """Status, gateway and times; the lines; the money breakdown."""
        details: OrderDetails = result  # type: ignore[assignment]  # result is what fetch() returned
        order = details.order
        self.query_one("#order-facts", Static).update(
            facts_grid(
                ("Status", status_cell(order.status)),
                ("Gateway", plain(order.gateway, max_length=30)),
                ("Created", when(order.created_at)),
                ("Completed", when(order.completed_at)),
                ("Customer", f"#{order.customer_id}"),
                (
                    "Subscription",
                    f"#{order.subscription_id}" if order.subscription_id else Text("—", "dim"),
                ),
            )
        )
        page = first_page_only(details.lines)
        self.query_one(PagedTable).show_first_page(
            [line_row(line) for line in page.items], has_more=False
        )
        totals = facts_grid(
            ("Subtotal", money(order.subtotal)),
            ("Discount", money(-order.discount)),
            ("Tax", money(order.tax)),
            ("Fees", money(order.fees)),
            ("Refunds", money(-order.refunded)),
            ("Total", Text(order.total.format(), style="bold")),
            columns=3,
        )
        self.query_one("#order-totals", Static).update(totals)
