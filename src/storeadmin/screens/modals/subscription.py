"""Subscription details: billing dates, payments made, cancellation and recent orders."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from storeadmin.core.models import Order, OrderStatus, SubscriptionDetails
from storeadmin.core.service import StoreService
from storeadmin.screens.modals.detail import DetailModal, facts_grid
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import money, status_cell, text_or_dash, when
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.tab_base import first_page_only

PAID_NOTE = (
    "Payments made counts every payment taken; Total paid is what the store kept after "
    "fees, refunds and chargebacks (a charged-back payment counts as made, and paid nothing)."
)
"""Said when the two figures disagree: a refund or chargeback among the payments."""


def paid_figures_disagree(details: SubscriptionDetails) -> bool:
    """True when Total paid does not add up from Payments made at the subscription's
    amount: some payment was refunded or charged back."""
    undone = (OrderStatus.REFUNDED, OrderStatus.CHARGEBACK)
    if any(order.status in undone for order in details.recent_orders):
        return True
    return details.payments_made > 0 and details.total_paid.amount <= 0


def order_row(order: Order) -> Row:
    """A recent order: ID, total, status, date."""
    return (
        str(order.id),
        (f"#{order.id}", money(order.total), status_cell(order.status), when(order.created_at)),
    )


class SubscriptionModal(DetailModal):
    """One subscription: when it bills next, what it paid, why it was canceled."""

    GROUP: ClassVar[str] = "subscription"

    def __init__(self, subscription_id: str) -> None:
        super().__init__()
        self.subscription_id = subscription_id

    def title_text(self) -> Text:
        """``Subscription #7``."""
        return Text(f"Subscription #{self.subscription_id}")

    def compose_body(self) -> ComposeResult:
        """Facts and the recent orders table."""
        yield Static("", id="subscription-facts", markup=False)
        yield Static("", id="subscription-paid-note", markup=False)
        yield Static("Recent orders", classes="dialog-section", markup=False)
        yield PagedTable(id="subscription-orders")
        yield Static("", id="subscription-orders-note", markup=False)

    def on_mount(self) -> None:
        """Columns first, then the fetch."""
        table = self.query_one(PagedTable)
        table.add_column("Order", width=8)
        table.add_column("Total", width=11)
        table.add_column("Status", width=10)
        table.add_column("Date", width=16)
        super().on_mount()

    def fetch(self, service: StoreService) -> object:
        """The subscription with its payments."""
        return service.get_subscription(self.subscription_id)

    def show(self, result: object) -> None:
        """Every fact, then the recent orders."""
        details: SubscriptionDetails = result  # type: ignore[assignment]  # result is what fetch() returned
        sub = details.subscription
        self.query_one("#subscription-facts", Static).update(
            facts_grid(
                ("Product", plain(sub.product_name, max_length=40)),
                ("Status", status_cell(sub.status)),
                ("Amount", Text(sub.amount.format())),
                ("Billing period", sub.interval.label()),
                ("Created", when(sub.created_at)),
                ("Period end", when(sub.current_period_end)),
                ("Next billing", when(sub.next_billing_at)),
                ("Payments made", str(details.payments_made)),
                ("Total paid", Text(details.total_paid.format(), style="bold")),
                ("Canceled", when(sub.canceled_at)),
                ("Cancel reason", text_or_dash(sub.cancel_reason, max_length=60)),
            )
        )
        note = PAID_NOTE if paid_figures_disagree(details) else ""
        self.query_one("#subscription-paid-note", Static).update(Text(note, style="dim"))
        page = first_page_only(details.recent_orders)
        table = self.query_one(PagedTable)
        table.show_first_page([order_row(order) for order in page.items], has_more=False)
        note = "" if page.items else "No orders for this subscription yet."
        self.query_one("#subscription-orders-note", Static).update(Text(note, style="dim"))
