"""The details screen's read-only modals: commands, order details, subscription details."""

from __future__ import annotations

import pytest
from details_helpers import (
    SIZE,
    choose_status,
    move_to,
    open_details,
    rows,
    screen,
    table_of,
    text_of,
)

from storeadmin.core.errors import NotFound
from storeadmin.data import open_sql_store
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.modals.command import CommandModal
from storeadmin.screens.modals.order import OrderModal
from storeadmin.screens.modals.subscription import SubscriptionModal
from storeadmin.widgets.paged_table import PagedTable
from support import factories
from support.ui import UiStore, make_app, wait_ready


async def test_enter_on_order_opens_details_and_escape_closes(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")
        move_to(table_of(pilot, "orders"), ui_store.alice_orders["completed"])
        await pilot.press("enter")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, OrderModal)
        assert text_of(pilot, "#dialog-title") == f"Order #{ui_store.alice_orders['completed']}"
        facts = text_of(pilot, "#order-facts")
        assert "Completed" in facts
        assert "stripe" in facts
        assert "2026-10-16 12:00" in facts
        totals = text_of(pilot, "#order-totals")
        assert "Subtotal $9.99" in totals
        assert "Fees $0.59" in totals
        assert "Refunds $0.00" in totals
        assert "Total $9.99" in totals
        lines = rows(modal.query_one(PagedTable))
        assert lines == [["VIP Rank", "1", "$9.99", "$9.99"]]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CustomerDetailsScreen)


async def test_subscriptions_filter_and_details_modal(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="subscriptions")
        await choose_status(pilot, "Canceled")
        canceled = rows(table_of(pilot, "subscriptions"))
        assert [row[0] for row in canceled] == [f"#{ui_store.alice_subscriptions['canceled']}"]
        table_of(pilot, "subscriptions").focus()
        await pilot.press("enter")
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, SubscriptionModal)
        facts = text_of(pilot, "#subscription-facts")
        assert "too expensive" in facts
        assert "Canceled" in facts
        assert "2026-07-31 12:00" in facts  # created 120 days before now, canceled 3 days later
        await pilot.press("escape")
        await pilot.pause()

        await choose_status(pilot, "Active")
        table_of(pilot, "subscriptions").focus()
        await pilot.press("enter")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, SubscriptionModal)
        facts = text_of(pilot, "#subscription-facts")
        assert "Next billing" in facts
        assert "2026-12-15 12:00" in facts
        recent = rows(modal.query_one(PagedTable))
        assert [row[0] for row in recent] == [f"#{ui_store.alice_orders['subscription']}"]


async def test_i_on_inventory_lists_the_exact_commands(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        move_to(table_of(pilot, "inventory"), ui_store.alice_items["revoked"])
        await pilot.press("i")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, CommandModal)
        assert "Starter Kit" in text_of(pilot, "#dialog-title")
        [attempt] = rows(modal.query_one(PagedTable))
        assert attempt[:4] == [
            "Rust EU #1",
            "inventory.giveto 76561198000000001 kit.starter 1",
            "on purchase",
            "Failed",
        ]
        assert attempt[4] == "server offline"
        assert "Error server offline" in text_of(pilot, "#commands-detail")
        await pilot.press("escape")
        await pilot.pause()

        # The action-bar button does the same for the highlighted row.
        move_to(table_of(pilot, "inventory"), ui_store.alice_items["subscription"])
        await pilot.click("#inventory-commands")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, CommandModal)
        [attempt] = rows(modal.query_one(PagedTable))
        assert attempt[1] == "oxide.usergroup add 76561198000000001 vipplus"
        assert attempt[3] == "Pending"


async def test_an_item_without_commands_says_so(sql_ui_store: UiStore) -> None:
    ui_store = sql_ui_store
    service = open_sql_store(ui_store.url, actor="setup")
    try:
        factories.item(service.engine, ui_store.bob, ui_store.products["gold"], source="manual")
    finally:
        service.close()
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.bob)
        await pilot.press("i")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, CommandModal)
        assert modal.query_one(PagedTable).row_count == 0
        assert "No commands were queued" in text_of(pilot, "#commands-summary")


async def test_a_failing_modal_shows_the_error_and_still_closes(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")

        def gone(order_id: int) -> None:
            raise NotFound(f"no order with ID {order_id}")

        monkeypatch.setattr(app.service, "get_order", gone)
        await pilot.press("enter")
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, OrderModal)
        assert "Could not load: no order with ID" in text_of(pilot, "#dialog-error")
        assert not pilot.app.screen.query_one("#dialog").loading
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CustomerDetailsScreen)


async def test_enter_does_nothing_on_metadata_rows(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="metadata")
        await pilot.press("enter")
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, CustomerDetailsScreen)
        assert len(screen(pilot).metadata.form.fields) == 2
