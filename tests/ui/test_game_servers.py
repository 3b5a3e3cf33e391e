"""The Game servers screen: the servers' facts, add / new token / disable, stuck deliveries."""

from __future__ import annotations

from delivery_helpers import app_without, cells, open_servers, top
from textual.widgets import Button, DataTable, Input, TextArea

from storeadmin.core.delivery import LinkRequest
from storeadmin.core.models import Feature
from storeadmin.data import open_sql_store
from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.game_servers import GameServersScreen, ServersCommands
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.server_modals import AddServerModal, ServerTokenModal
from support.ui import FIXED_NOW, UiStore, make_app, open_test_service, screen_text, wait_ready

SIZE = (120, 40)


async def test_lists_every_server_with_its_queue(ui_store: UiStore) -> None:
    rust, lobby = ui_store.servers
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_servers(pilot)
        table = screen.query_one("#servers-table", DataTable)
        assert [str(key.value) for key in table.rows] == [lobby, rust]
        row = cells(table, rust)
        assert row[:4] == [rust, "Rust EU #1", "rust", "enabled"]
        assert row[4] == "never"
        # The pending and the failed attempt are still open; the executed one is not.
        assert row[5] == "2"
        assert row[6] == "3 months ago"
        assert row[7] == "not linked"
        assert cells(table, lobby)[5:7] == ["0", "—"]
        assert "2 game servers" in screen_text(app)


async def test_add_then_new_token_shown_once_then_disable(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_servers(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(top(app), AddServerModal)
        await pilot.press(*"Rust US #2")
        await pilot.press("enter")
        await wait_ready(pilot)
        assert top(app) is screen
        table = screen.query_one("#servers-table", DataTable)
        added = next(s for s in screen.servers.values() if s.name == "Rust US #2")
        assert cells(table, added.id)[1:4] == ["Rust US #2", "rust", "enabled"]

        table.move_cursor(row=table.get_row_index(added.id))
        await pilot.press("n")
        await pilot.pause()
        modal = top(app)
        assert isinstance(modal, ServerTokenModal)
        # It asks first, with Cancel focused: a stray Enter replaces nothing.
        assert app.focused is modal.query_one("#dialog-cancel", Button)
        await pilot.click("#dialog-confirm")
        await wait_ready(pilot)
        secret = modal.query_one("#secret", TextArea).text
        assert len(secret) > 20
        # Leaving before copying asks first; "no" keeps the secret on screen.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(top(app), ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert top(app) is modal
        await pilot.press("c")
        await pilot.press("escape")
        await wait_ready(pilot)
        assert top(app) is screen
        assert all(secret not in n.message for n in app._notifications)
        assert secret not in screen_text(app)

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(top(app), ConfirmModal)
        await pilot.press("y")
        await wait_ready(pilot)
        assert cells(table, added.id)[3] == "disabled"
        assert screen.query_one("#servers-disable", Button).disabled
    service = open_test_service(ui_store.url)
    try:
        [found] = [s for s in service.list_game_servers() if s.name == "Rust US #2"]
        assert not found.enabled
    finally:
        service.close()


async def test_a_bad_name_is_refused_in_the_dialog(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_servers(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        modal = top(app)
        assert isinstance(modal, AddServerModal)
        assert modal.query_one("#name", Input).has_class("-invalid")
        assert "needs a name" in screen_text(app)


async def test_stuck_tab_lists_waiting_commands_and_enter_opens_the_customer(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_servers(pilot, tab="stuck")
        table = screen.query_one("#stuck-attempts", DataTable)
        shown = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        # The pending attempt (the SQL store also lists the failed one, still open).
        pending = next(row for row in shown if row[4] == "Pending")
        assert pending[:4] == [
            "waiting 10 days",
            f"#{ui_store.alice}",
            "Rust EU #1",
            "oxide.usergroup add 76561198000000001 vipplus",
        ]
        table.move_cursor(row=shown.index(pending))
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        await wait_ready(pilot)
        details = top(app)
        assert isinstance(details, CustomerDetailsScreen)
        assert details.customer_id == ui_store.alice
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(top(app), GameServersScreen)


async def test_link_and_poll_facts_show_after_a_game_server_polls(sql_ui_store: UiStore) -> None:
    rust, _ = sql_ui_store.servers
    sql = open_sql_store(sql_ui_store.url, actor="setup")
    delivery = SqlDeliveryService(sql.engine, actor="serve", clock=lambda: FIXED_NOW)
    try:
        delivery.link(
            rust,
            LinkRequest(ip="203.0.113.7", hostname="rust-eu-1", platform="rust", version="2.0"),
        )
        delivery.poll(rust, None)
    finally:
        sql.close()
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_servers(pilot)
        row = cells(screen.query_one("#servers-table", DataTable), rust)
        assert row[7] == "rust-eu-1 · rust 2.0 · 203.0.113.7"
        assert row[4] == "just now"


async def test_a_store_without_server_admin_says_why_and_offers_nothing(
    ui_store: UiStore,
) -> None:
    app = app_without(ui_store.url, Feature.GAME_SERVER_ADMIN, Feature.COMMAND_DELIVERY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_servers(pilot)
        assert "managed by its host" in screen_text(app)
        assert not screen.query_one("#servers-toolbar").display
        await pilot.press("a")
        await pilot.pause()
        assert top(app) is screen
        assert screen.query_one("#servers-table", DataTable).row_count == 2
        provider = ServersCommands
        titles = [entry.title for entry in provider.TABLE.palette()]
        assert "Add game server…" in titles
        offered = [entry.title for entry in provider(screen)._entries()]
        assert "Add game server…" not in offered
        assert "Reload" in offered
        await pilot.press("2")
        await pilot.pause()
        assert "does not deliver commands itself" in screen_text(app)
