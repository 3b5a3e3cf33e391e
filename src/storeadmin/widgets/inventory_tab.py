"""Inventory tab: what the customer owns or owned, how it was granted, how it was delivered.

The Delivery column (``2/2 run``, ``1 pending``, ``1 failed``) comes from the
customer's command attempts, read in worker group ``inventory-delivery`` after each
first page and filled in place, so the items show before their delivery state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable
from textual.worker import get_current_worker

from storeadmin.core.errors import Unsupported
from storeadmin.core.models import CommandAttempt, InventoryItem, ItemSource, Page, ProductType
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.column_fit import ColumnSpec, date_column
from storeadmin.widgets.delivery_cells import delivery_summary
from storeadmin.widgets.detail_format import status_cell, when
from storeadmin.widgets.host import host
from storeadmin.widgets.tab_base import PAGE_SIZE, Fetch, PagedTab


def source_label(item: InventoryItem) -> str:
    """``order #123`` or ``manual by NAME``."""
    if item.source is ItemSource.ORDER and item.order_id is not None:
        return f"order #{item.order_id}"
    if item.source is ItemSource.MANUAL:
        return f"manual by {item.granted_by or 'unknown'}"
    return item.source.value


class InventoryTab(PagedTab[InventoryItem]):
    """Products owned or once owned, newest grant first; ``i`` shows an item's commands.

    Its toolbar asks the screen to assign a product or to revoke the highlighted item;
    Revoke is only offered while the highlighted item is active.
    """

    DEFAULT_CSS = """
    InventoryTab > .tab-toolbar {
        padding: 0 1;
    }
    InventoryTab > .tab-toolbar > Button {
        margin-right: 1;
    }
    InventoryTab #inventory-revoke {
        display: none;
    }
    InventoryTab.-revocable #inventory-revoke {
        display: block;
    }
    """

    @dataclass
    class AssignRequested(Message):
        """The admin asked to grant a product (the screen opens the dialog)."""

    @dataclass
    class RevokeRequested(Message):
        """The admin asked to revoke ``item`` (always an active item)."""

        item: InventoryItem

    @dataclass
    class DeliveryLoaded(Message):
        """The customer's command attempts by item (None: the store cannot list them)."""

        by_item: dict[str, list[CommandAttempt]] | None

    GROUP: ClassVar[str] = "inventory"
    NOUN: ClassVar[str] = "items"
    COLUMNS: ClassVar[Sequence[ColumnSpec | tuple[str, int | None]]] = (
        ColumnSpec("Product", min_width=12, max_width=40),
        ColumnSpec("Type", priority=5),
        ColumnSpec("State"),
        ColumnSpec("Delivery", priority=2),
        ColumnSpec("Source", priority=4, min_width=12, max_width=30),
        date_column("Granted", priority=6),
        date_column("Expires"),
    )
    """What decides (product, state, expiry, delivery) first; the rest is in the ``i``
    dialog's item line when the terminal is narrow."""

    def __init__(self, customer_id: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(customer_id, id=id)
        self._delivery: dict[str, Text] | None = {}
        """Each item's delivery cell, by item id (None: the store cannot say)."""
        self._delivery_read = False
        """True once the first delivery read arrived (before it, cells show …)."""

    def compose_toolbar(self) -> ComposeResult:
        """A small action bar for the highlighted item."""
        with Horizontal(classes="tab-toolbar"):
            yield Button("ℹ Commands (i)", id="inventory-commands", compact=True)
            yield Button("Assign product (a)", id="inventory-assign", compact=True)
            yield Button("Revoke (x)", id="inventory-revoke", variant="error", compact=True)

    def make_fetch(self) -> Fetch[InventoryItem]:
        """Items newest first, every state."""
        customer_id = self.customer_id

        def fetch(service: StoreService, cursor: str | None) -> Page[InventoryItem]:
            return service.list_inventory(customer_id, limit=PAGE_SIZE, cursor=cursor)

        return fetch

    def row_key(self, item: InventoryItem) -> str:
        """The item id."""
        return str(item.id)

    def row_cells(self, item: InventoryItem) -> Sequence[Text | str]:
        """Product (plain), type, coloured state, delivery, source, granted, expires."""
        kind = "subscription" if item.product_type is ProductType.SUBSCRIPTION else "one-time"
        expires = when(item.expires_at, missing="never")
        return (
            plain(item.product_name, max_length=60),
            kind,
            status_cell(item.state),
            self._delivery_cell(item.id),
            plain(source_label(item), max_length=40),
            when(item.granted_at),
            expires,
        )

    @on(Button.Pressed, "#inventory-commands")
    def _commands_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.request_open()
        self.table.focus()

    @on(Button.Pressed, "#inventory-assign")
    def _assign_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.AssignRequested())

    @on(Button.Pressed, "#inventory-revoke")
    def _revoke_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.request_revoke()
        self.table.focus()

    def request_revoke(self) -> None:
        """Ask the screen to revoke the highlighted item, if it is active."""
        item = self.selected_item()
        if item is not None and item.can_revoke:
            self.post_message(self.RevokeRequested(item))

    def revocable(self) -> bool:
        """True when the highlighted item is active."""
        item = self.selected_item()
        return item is not None and item.can_revoke

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Not stopped: the screen refreshes which keys it offers too.
        self.set_class(self.revocable(), "-revocable")

    @on(PagedTab.PageLoaded)
    def _page_shown(self, event: PagedTab.PageLoaded) -> None:
        # After the base handler filled the table (handlers run base class first).
        self.call_after_refresh(lambda: self.set_class(self.revocable(), "-revocable"))
        if event.first:
            self._load_delivery(host(self).service, self.customer_id)

    # ------------------------------------------------------------ delivery column

    def _delivery_cell(self, item_id: str) -> Text:
        if not self._delivery_read:
            return Text("…", style="dim", no_wrap=True)
        if self._delivery is None or item_id not in self._delivery:
            return delivery_summary(())
        return self._delivery[item_id]

    def refresh_delivery(self) -> None:
        """Re-read the Delivery column (after the Command dialog resent or canceled)."""
        if self.loaded:
            self._load_delivery(host(self).service, self.customer_id)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="inventory-delivery",
        name="loading delivery states",
    )
    def _load_delivery(self, service: StoreService, customer_id: str) -> None:
        """Worker: every attempt of the customer, grouped by item (one read per reload)."""
        try:
            attempts = service.list_customer_commands(customer_id)
        except Unsupported:
            self.post_message(self.DeliveryLoaded(None))
            return
        by_item: dict[str, list[CommandAttempt]] = {}
        for attempt in attempts:
            by_item.setdefault(attempt.item_id, []).append(attempt)
        if not get_current_worker().is_cancelled:
            self.post_message(self.DeliveryLoaded(by_item))

    @on(DeliveryLoaded)
    def _delivery_loaded(self, event: DeliveryLoaded) -> None:
        event.stop()
        self._delivery_read = True
        self._delivery = (
            None
            if event.by_item is None
            else {item_id: delivery_summary(group) for item_id, group in event.by_item.items()}
        )
        keys = [str(key.value) for key in self.table.rows]
        self.table.update_column("delivery", {key: self._delivery_cell(key) for key in keys})
