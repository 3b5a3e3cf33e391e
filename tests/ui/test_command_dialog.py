"""The Command dialog's delivery side: facts, live refresh, resend and cancel; the
inventory tab's Delivery column."""

from __future__ import annotations

import pytest
from delivery_helpers import app_without, top
from details_helpers import SIZE, move_to, open_details, rows, table_of, text_of
from textual.pilot import Pilot
from textual.widgets import Button, Select

from storeadmin.core.delivery import LinkRequest
from storeadmin.core.models import Feature
from storeadmin.data import open_sql_store
from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.modals.command import CommandCommands, CommandModal
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.resend import ResendModal
from storeadmin.widgets.paged_table import PagedTable
from support.ui import FIXED_NOW, UiStore, make_app, screen_text, wait_for_text, wait_ready


async def open_commands(pilot: Pilot[None], store: UiStore, item: str) -> CommandModal:
    """Open Alice, highlight ``item`` and press i."""
    await open_details(pilot, store.alice)
    move_to(table_of(pilot, "inventory"), store.alice_items[item])
    await pilot.press("i")
    await wait_ready(pilot)
    modal = top(pilot.app)
    assert isinstance(modal, CommandModal)
    return modal


async def test_inventory_shows_each_items_delivery_state(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        table = table_of(pilot, "inventory")
        delivery = {str(key.value): str(table.get_row(key)[3]) for key in table.rows}
        items = ui_store.alice_items
        assert delivery == {
            items["subscription"]: "1 pending",
            items["active"]: "1/1 run",
            items["revoked"]: "1 failed",
            items["expired"]: "—",
        }


async def test_resend_to_its_own_server_adds_a_rerun_and_keeps_the_cursor(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_commands(pilot, ui_store, "active")
        table = modal.query_one(PagedTable)
        [before] = rows(table)
        assert before[3] == "Executed"
        await pilot.press("r")
        await wait_ready(pilot)
        assert isinstance(top(app), ResendModal)
        await pilot.click("#dialog-confirm")
        await wait_ready(pilot)
        assert top(app) is modal
        shown = rows(table)
        assert len(shown) == 2
        assert shown[0] == before
        assert shown[1][:4] == [before[0], before[1], "on purchase", "Pending ↻"]
        assert table.cursor_row == 0
        assert any("Queued again on Rust EU #1" in n.message for n in app._notifications)
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(top(app), CustomerDetailsScreen)
        inventory = table_of(pilot, "inventory")
        assert str(inventory.get_row(ui_store.alice_items["active"])[3]) == "1 pending"


async def test_resend_to_another_server_and_cancel_it(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_commands(pilot, ui_store, "active")
        await pilot.click("#commands-resend")
        await wait_ready(pilot)
        resend = top(app)
        assert isinstance(resend, ResendModal)
        picker = resend.query_one("#resend-server", Select)
        _, lobby = ui_store.servers
        picker.value = lobby
        await pilot.press("ctrl+s")
        await wait_ready(pilot)
        table = modal.query_one(PagedTable)
        new = rows(table)[1]
        assert new[0] == "Minecraft Lobby"
        table.move_cursor(row=1)
        await pilot.pause()
        assert not modal.query_one("#commands-cancel", Button).disabled
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(top(app), ConfirmModal)
        await pilot.press("y")
        await wait_ready(pilot)
        new = rows(table)[1]
        assert new[3] == "Canceled ↻"
        assert new[6] == "canceled 2026-11-25 12:00"
        assert "canceled 2026-11-25 12:00" in text_of(pilot, "#commands-detail")
        assert table.cursor_row == 1
        # An executed attempt cannot be canceled: the button says so by being disabled.
        table.move_cursor(row=0)
        await pilot.pause()
        assert modal.query_one("#commands-cancel", Button).disabled


async def test_the_open_dialog_shows_a_poll_and_an_ack_as_they_happen(
    sql_ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CommandModal, "REFRESH_SECONDS", 0.2)
    rust, _ = sql_ui_store.servers
    app = make_app(sql_ui_store.url)
    sql = open_sql_store(sql_ui_store.url, actor="setup")
    delivery = SqlDeliveryService(sql.engine, actor="serve", clock=lambda: FIXED_NOW)
    try:
        async with app.run_test(size=SIZE) as pilot:
            modal = await open_commands(pilot, sql_ui_store, "subscription")
            table = modal.query_one(PagedTable)
            assert rows(table)[0][3] == "Pending"
            delivery.link(rust, LinkRequest("203.0.113.7", "rust-eu-1", "rust", "2.0"))
            [queued] = [q for q in delivery.poll(rust, None) if "vipplus" in q.command]
            await wait_for_text(pilot, "Delivered")
            assert rows(table)[0][3] == "Delivered"
            assert rows(table)[0][5] == "1×"
            delivery.acknowledge(rust, [queued.attempt_id], peer_ip="203.0.113.7")
            shown = await wait_for_text(pilot, "by 203.0.113.7")
            assert "by 203.0.113.7" in shown
            assert rows(table)[0][3] == "Executed"
            assert rows(table)[0][6] == "2026-11-25 12:00"
            assert "Handed out 1 time, last 2026-11-25 12:00" in text_of(pilot, "#commands-detail")
            assert modal.query_one("#commands-cancel", Button).disabled
    finally:
        sql.close()


async def test_a_store_without_delivery_offers_no_resend_or_cancel(ui_store: UiStore) -> None:
    app = app_without(ui_store.url, Feature.COMMAND_DELIVERY)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_commands(pilot, ui_store, "subscription")
        assert not modal.query_one("#commands-resend").display
        assert not modal.query_one("#commands-cancel").display
        assert "does not let storeadmin resend or cancel" in screen_text(app)
        await pilot.press("r")
        await pilot.press("x")
        await pilot.pause()
        assert top(app) is modal
        assert CommandCommands(modal)._entries() == []


async def test_the_palette_offers_resend_and_cancel(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_commands(pilot, ui_store, "subscription")
        titles = [entry.title for entry in CommandCommands(modal)._entries()]
        assert titles == ["Resend command…", "Cancel command…"]
