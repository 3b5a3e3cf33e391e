"""The details palette offers the keys that act on a row: "Find an order…" (``/`` on
Orders) from any tab, and "Open the highlighted row", which on History opens the entry
in full as Enter does."""

from __future__ import annotations

import pytest
from details_helpers import SIZE, open_details, table_of
from test_history_entry import set_metadata_twice
from test_palette_open_customer import open_by_palette

from storeadmin.screens.modals.audit_entry import AuditEntryModal
from storeadmin.screens.modals.find_order import FindOrderModal
from storeadmin.screens.modals.order import OrderModal
from support.ui import UiStore, make_app


async def test_find_an_order_from_the_inventory_tab(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="inventory")
        await open_by_palette(pilot, "Find an order")
        assert isinstance(pilot.app.screen, FindOrderModal)
        assert pilot.app.screen_stack[-2].active_tab_id == "orders"


@pytest.mark.parametrize(("tab", "modal"), [("history", AuditEntryModal), ("orders", OrderModal)])
async def test_open_the_highlighted_row(ui_store: UiStore, tab: str, modal: type) -> None:
    set_metadata_twice(ui_store.url, ui_store.alice)  # History has entries to open
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab=tab)
        table_of(pilot, tab).move_cursor(row=0)
        await open_by_palette(pilot, "Open the highlighted row")
        assert isinstance(pilot.app.screen, modal)
