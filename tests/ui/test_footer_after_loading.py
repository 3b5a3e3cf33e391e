"""The footer names the keys of the focused table again once it has finished loading:
while a table loads, Textual takes it out of the binding chain (the footer shows the
screen's keys), and nothing else would tell the footer it is back."""

from __future__ import annotations

import time
from typing import Any

from details_helpers import SIZE, open_details, table_of
from textual.widgets._footer import FooterKey

from storeadmin.core.service import StoreService
from support.ui import UiStore, make_app, wait_ready


def slow_orders(service: StoreService, seconds: float) -> None:
    """Make the service's orders read take ``seconds`` (it runs in a worker thread)."""
    original = service.list_orders

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return original(*args, **kwargs)

    service.list_orders = slow  # type: ignore[method-assign]


async def test_after_a_slow_reload_the_footer_shows_the_orders_keys(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")
        table = table_of(pilot, "orders")
        table.focus()
        await wait_ready(pilot)
        slow_orders(app.service, 0.5)
        await pilot.press("r")
        await pilot.pause(0.2)
        assert table.loading
        await wait_ready(pilot)
        await pilot.pause(0.1)
        assert not table.loading
        shown = [key.description for key in app.screen.query(FooterKey)]
        assert "Find" in shown


async def test_after_a_slow_product_filter_the_table_keeps_the_focus(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")
        table = table_of(pilot, "orders")
        table.focus()
        await wait_ready(pilot)
        slow_orders(app.service, 0.5)
        await pilot.press("slash")
        await wait_ready(pilot)
        await pilot.press(*"vip", "enter")
        await wait_ready(pilot)
        await pilot.pause(0.1)
        assert app.focused is table
        shown = [key.description for key in app.screen.query(FooterKey)]
        assert "All orders" in shown
