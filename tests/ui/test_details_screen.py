"""The customer details screen, driven with Pilot over a real SqlStoreService (SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from details_helpers import (
    SIZE,
    choose_status,
    open_details,
    rows,
    screen,
    svg,
    table_of,
    text_of,
)
from sqlalchemy import insert
from textual.widgets import Input, Static, TabbedContent

from storeadmin.core.errors import Unavailable
from storeadmin.data import open_sql_store
from storeadmin.data.schema import OrderRow
from storeadmin.screens.customer_details import TAB_IDS, CustomerDetailsScreen
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.screens.details_commands import DetailsCommands
from storeadmin.screens.modals.command import CommandModal
from storeadmin.widgets.metadata_form import MetadataRow
from storeadmin.widgets.paged_table import PagedTable
from storeadmin.widgets.stats_header import StatsHeader
from support import factories
from support.ui import EVIL_MARKUP_NAME, FIXED_NOW, UiStore, make_app, open_test_service, wait_ready

WHALE_ORDERS = 650
"""More than the 500-row cap, so paging must drop early rows."""


def add_whale(url: str) -> int:
    """A customer with WHALE_ORDERS completed orders, bulk-inserted (one statement)."""
    service = open_sql_store(url, actor="setup")
    try:
        engine = service.engine
        whale = factories.customer(engine, "Whale", external_id="76561198000009999")
        with engine.begin() as connection:
            connection.execute(
                insert(OrderRow),
                [
                    {
                        "customer_id": whale,
                        "status": "completed",
                        "products": f"Crate {n}",
                        "subtotal": 100,
                        "discount": 0,
                        "tax": 0,
                        "fees": 0,
                        "refunded": 0,
                        "total": 100,
                        "gateway": "stripe",
                        "created_at": FIXED_NOW - timedelta(hours=n),
                        "completed_at": FIXED_NOW - timedelta(hours=n),
                    }
                    for n in range(WHALE_ORDERS)
                ],
            )
        return whale
    finally:
        service.close()


# ---------------------------------------------------------------- header


async def test_header_shows_name_ids_and_exact_net_spent(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        assert text_of(pilot, "#stats-name").startswith("Alice")
        assert "https://steamcommunity.com/profiles/76561198000000001" in text_of(
            pilot, "#stats-name"
        )
        ids = text_of(pilot, "#stats-ids")
        assert "76561198000000001" in ids
        assert "first seen 2025-03-02 09:30 (1 year ago)" in ids
        # Completed orders minus their fees; the refunded and chargeback orders add nothing.
        net = (999 - 59) + (499 - 30) + (1499 - 75)
        figures = text_of(pilot, "#stats-figures")
        assert f"Total spent (net) ${net // 100}.{net % 100:02d}" in figures
        assert "MRR $14.99" in figures
        assert "Total payments 3" in figures
        assert "Active subscriptions 1" in figures
        assert not screen(pilot).query_one("#stats-ban").has_class("-banned")


async def test_banned_customer_shows_red_banner(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.mallory)
        banner = screen(pilot).query_one("#stats-ban", Static)
        assert banner.has_class("-banned")
        assert banner.display
        text = text_of(pilot, "#stats-ban")
        assert "BANNED" in text
        assert "chargeback fraud" in text
        assert "until 2027-01-01 00:00" in text


async def test_sparkline_hides_on_narrow_terminals(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, ui_store.alice)
        assert screen(pilot).query_one("#stats-spend").has_class("-hidden")
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        assert not screen(pilot).query_one("#stats-spend").has_class("-hidden")


# ---------------------------------------------------------------- tabs


async def test_keys_one_to_five_switch_tabs_and_each_loads(ui_store: UiStore) -> None:
    service = open_test_service(ui_store.url, actor="carol")
    try:
        service.ban_customer(ui_store.alice, reason="testing history")
    finally:
        service.close()
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        tabs = screen(pilot).query_one(TabbedContent)

        assert tabs.active == "inventory"
        inventory = rows(table_of(pilot, "inventory"))
        assert [row[0] for row in inventory] == [
            "VIP+ Monthly",
            "VIP Rank",
            "Starter Kit",
            "VIP Rank",
        ]
        assert [row[2] for row in inventory] == ["Active", "Active", "Revoked", "Expired"]
        assert inventory[2][4] == "manual by bob-admin"
        assert inventory[1][4] == f"order #{ui_store.alice_orders['completed']}"
        assert inventory[2][6] == "never"

        await pilot.press("2")
        await wait_ready(pilot)
        assert tabs.active == "orders"
        orders = rows(table_of(pilot, "orders"))
        assert len(orders) == 6
        assert {row[3] for row in orders} == {
            "Created",
            "Completed",
            "Refunded",
            "Chargeback",
        }
        assert pilot.app.focused is table_of(pilot, "orders")

        await pilot.press("3")
        await wait_ready(pilot)
        assert tabs.active == "subscriptions"
        subscriptions = rows(table_of(pilot, "subscriptions"))
        # Next billing before the period; only the active one bills again.
        assert [(row[3], row[4], row[5]) for row in subscriptions] == [
            ("Active", "2026-12-15 12:00", "30 days"),
            ("Canceled", "—", "30 days"),
        ]

        await pilot.press("4")
        await wait_ready(pilot)
        assert tabs.active == "metadata"
        assert [(f.key, f.value) for f in screen(pilot).metadata.form.fields] == [
            ("DiscordID", "123456789012345678"),
            ("DiscordUsername", "alice.rust"),
        ]

        await pilot.press("5")
        await wait_ready(pilot)
        assert tabs.active == "history"
        history = rows(table_of(pilot, "history"))
        assert len(history) == 1
        assert history[0][1] == "carol"
        assert "ban" in history[0][2]
        assert history[0][4] == "testing history"

        await pilot.press("1")
        assert tabs.active == "inventory"


async def test_every_tab_takes_its_first_page_from_the_open(ui_store: UiStore) -> None:
    # One open_customer read fills every tab (test_details_open counts the reads).
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        details = screen(pilot)
        assert all(details.tab(tab_id).loaded for tab_id in TAB_IDS)
        assert table_of(pilot, "orders").row_count == 6


async def test_initial_tab_is_honoured(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="subscriptions")
        assert screen(pilot).query_one(TabbedContent).active == "subscriptions"
        assert table_of(pilot, "subscriptions").row_count == 2
        assert pilot.app.focused is table_of(pilot, "subscriptions")


async def test_filter_orders_by_status_lists_only_that_status(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")
        await choose_status(pilot, "Completed")
        orders = rows(table_of(pilot, "orders"))
        assert len(orders) == 3
        assert {row[3] for row in orders} == {"Completed"}
        await choose_status(pilot, "Chargeback")
        assert [row[0] for row in rows(table_of(pilot, "orders"))] == [
            f"#{ui_store.alice_orders['chargeback']}"
        ]
        await choose_status(pilot, "All statuses")
        assert table_of(pilot, "orders").row_count == 6


async def test_r_reloads_header_and_active_tab(sql_ui_store: UiStore) -> None:
    ui_store = sql_ui_store
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")
        assert table_of(pilot, "orders").row_count == 6
        service = open_sql_store(ui_store.url, actor="setup")
        try:
            factories.order(
                service.engine, ui_store.alice, ui_store.products["vip"], total=1000, fees=0
            )
        finally:
            service.close()
        await pilot.press("r")
        await wait_ready(pilot)
        assert table_of(pilot, "orders").row_count == 7
        assert "Total payments 4" in text_of(pilot, "#stats-figures")


async def test_escape_returns_to_search_with_its_query(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        field = app.screen.query_one("#query", Input)
        field.focus()
        await pilot.press(*"alice")
        await pilot.pause(0.4)
        await wait_ready(pilot)
        await pilot.press("down", "enter")
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert app.screen.customer_id == ui_store.alice
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert app.screen.query_one("#query", Input).value == "alice"


async def test_palette_commands_run_screen_actions(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)
        provider = DetailsCommands(screen(pilot))
        titles = [hit.display async for hit in provider.discover()]
        assert "Back to search" in titles
        assert "Filter orders by status…" in titles
        [hit] = [hit async for hit in provider.search("Switch to History")]
        await hit.command()  # type: ignore[misc]
        await wait_ready(pilot)
        assert screen(pilot).query_one(TabbedContent).active == "history"
        [hit] = [hit async for hit in provider.search("Filter orders by status")]
        await hit.command()  # type: ignore[misc]
        await wait_ready(pilot)
        assert screen(pilot).query_one(TabbedContent).active == "orders"
        assert screen(pilot).tab("orders").status_filter.expanded
        await pilot.press("escape")
        [hit] = [hit async for hit in provider.search("Show commands of selected item")]
        await hit.command()  # type: ignore[misc]
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, CommandModal)


# ---------------------------------------------------------------- paging


@pytest.fixture
def whale(sql_ui_store: UiStore) -> str:
    """A customer with 650 orders in the UI store (SQL: seeded through the factories)."""
    return str(add_whale(sql_ui_store.url))


async def test_large_customer_pages_in_and_never_exceeds_500_rows(
    sql_ui_store: UiStore, whale: str
) -> None:
    ui_store = sql_ui_store
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, whale, tab="orders")
        table = table_of(pilot, "orders")
        assert table.row_count == 100  # the first page only
        assert table.has_more
        assert "Total payments 650" in text_of(pilot, "#stats-figures")
        seen = 100
        for _ in range(12):
            await pilot.press("end")
            await wait_ready(pilot)
            assert table.row_count <= 500
            seen = max(seen, table.dropped_rows + table.row_count)
        assert seen == WHALE_ORDERS
        assert not table.has_more
        assert table.dropped_rows == WHALE_ORDERS - table.row_count
        # The newest-first order survives paging: the last row is the oldest order.
        assert rows(table)[-1][1] == f"Crate {WHALE_ORDERS - 1}"
        status = text_of(pilot, "#orders .tab-status")
        assert f"{WHALE_ORDERS:,}" in status
        await pilot.press("home")
        await wait_ready(pilot)
        assert table.dropped_rows == 0
        assert table.row_count == 100
        assert rows(table)[0][1] == "Crate 0"


# ---------------------------------------------------------------- hostile data


@pytest.fixture
def hostile(sql_ui_store: UiStore) -> str:
    """The markup-named customer, with hostile metadata and a hostile command."""
    service = open_sql_store(sql_ui_store.url, actor="setup")
    try:
        engine = service.engine
        factories.metadata(
            engine,
            sql_ui_store.evil,
            Note="[link=https://evil.example]click[/link] \x1b[31mred\x1b[0m",
        )
        item = factories.item(
            engine, sql_ui_store.evil, sql_ui_store.products["vip"], source="manual"
        )
        factories.command_attempt(
            engine,
            item,
            sql_ui_store.servers[0],
            command="say [b]hi[/b] \x1b]0;owned\x07 {steam_id}",
            status="failed",
            error="[red]boom[/red]",
        )
    finally:
        service.close()
    return sql_ui_store.evil


async def test_markup_and_escape_sequences_render_literally(
    sql_ui_store: UiStore, hostile: str
) -> None:
    ui_store = sql_ui_store
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, hostile)
        assert text_of(pilot, "#stats-name").startswith(EVIL_MARKUP_NAME)
        assert EVIL_MARKUP_NAME in screen(pilot).sub_title
        await pilot.press("i")
        await wait_ready(pilot)
        [attempt] = rows(pilot.app.screen.query_one(PagedTable))
        assert attempt[1] == "say [b]hi[/b] ␛]0;owned␇ {steam_id}"
        assert attempt[4] == "[red]boom[/red]"
        assert "say [b]hi[/b] ␛]0;owned␇ {steam_id}" in text_of(pilot, "#commands-detail")
        assert "\x1b" not in svg(pilot)
        await pilot.press("escape")
        await pilot.press("4")
        await wait_ready(pilot)
        [note] = screen(pilot).metadata.form.query(MetadataRow)
        shown = [field.value for field in note.query(Input)]
        assert shown == ["Note", "[link=https://evil.example]click[/link] ␛[31mred␛[0m"]
        page = svg(pilot)
        assert "\x1b" not in page
        assert "[@click=app.quit]x[/]" in page
        assert app.is_running  # the name's @click markup never became an action

    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.eve)
        name = text_of(pilot, "#stats-name")
        assert name.startswith("␛]0;PWNED␇Eve")
        assert "\x1b" not in svg(pilot)
        assert "\x1b" not in screen(pilot).sub_title


# ---------------------------------------------------------------- failures


async def test_a_failing_tab_shows_an_error_and_the_rest_still_works(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice)

        def broken(*args: object, **kwargs: object) -> None:
            raise Unavailable("orders table is locked")

        monkeypatch.setattr(app.service, "list_orders", broken)
        await pilot.press("2", "r")  # the open gave Orders its page: r reads it again
        await wait_ready(pilot)
        message = screen(pilot).query_one("#orders .tab-message", Static)
        assert message.has_class("-error")
        assert "Could not load orders: orders table is locked" in str(message.render())
        assert not table_of(pilot, "orders").loading
        notes = [str(n.message) for n in app._notifications]
        assert any("orders table is locked" in note for note in notes)

        await pilot.press("3")
        await wait_ready(pilot)
        assert table_of(pilot, "subscriptions").row_count == 2
        await pilot.press("1", "i")
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, CommandModal)


async def test_a_missing_customer_says_so_in_the_header(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, 999_999)
        assert "Could not load customer" in text_of(pilot, "#stats-name")
        assert isinstance(pilot.app.screen.query_one(StatsHeader), StatsHeader)
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, CustomerSearchScreen)
