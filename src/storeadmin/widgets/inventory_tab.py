"""Inventory tab: what the customer owns or owned, and how it was granted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label

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
    """Products owned or once owned, newest grant first; ``i`` shows an item's commands."""

    DEFAULT_CSS = """
    InventoryTab > .tab-toolbar {
        padding: 0 1;
    }
    InventoryTab > .tab-toolbar > Label {
        padding: 0 1;
        color: $text-muted;
    }
    """

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
            yield Button("ℹ Commands", id="inventory-commands", compact=True)
            yield Label("commands of the highlighted item (i)")

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
