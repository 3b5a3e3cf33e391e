"""Inventory tab: what the customer owns or owned, and how it was granted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable

from storeadmin.core.models import InventoryItem, ItemSource, Page, ProductType
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import status_cell, when
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

    GROUP: ClassVar[str] = "inventory"
    NOUN: ClassVar[str] = "items"
    COLUMNS: ClassVar[Sequence[tuple[str, int | None]]] = (
        ("Product", None),
        ("Type", 12),
        ("State", 8),
        ("Source", None),
        ("Granted", 16),
        ("Expires", 16),
    )

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
        """Product (plain), type, coloured state, source, granted, expires."""
        kind = "subscription" if item.product_type is ProductType.SUBSCRIPTION else "one-time"
        expires = when(item.expires_at, missing="never")
        return (
            plain(item.product_name, max_length=60),
            kind,
            status_cell(item.state),
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
