"""80×24 over SSH: what identifies and decides stays on screen, the rest is one key away.

Each test reads the painted screen at 80 columns (``screen_text``), not the table's
data: an off-screen column is what the admin cannot see.
"""

from __future__ import annotations

from datetime import timedelta

from delivery_helpers import top
from details_helpers import move_to, open_details, table_of
from textual.pilot import Pilot

from storeadmin.data import open_sql_store
from storeadmin.screens.modals.command import CommandModal
from support import factories
from support.ui import FIXED_NOW, UiStore, make_app, screen_text, wait_for_text, wait_ready

NARROW = (80, 24)
LONG_NAME = "Sir_Reginald_Longname_of_the_Most_Excellent_Order_of_the_Bath_64"
assert len(LONG_NAME) == 64


def header_line(pilot: Pilot[None], first_label: str) -> str:
    """The painted line holding a table's header (it starts with ``first_label``)."""
    lines = screen_text(pilot.app).splitlines()
    return next(line for line in lines if line.strip(" │").startswith(first_label))


async def test_search_keeps_the_external_id_whole_and_cuts_a_long_name(
    sql_ui_store: UiStore,
) -> None:
    service = open_sql_store(sql_ui_store.url, actor="setup")
    try:
        factories.customer(
            service.engine,
            LONG_NAME,
            platform="minecraft",
            external_id="069a79f4-44e9-4726-a5be-fca90e38aaf6",
            first_seen=FIXED_NOW - timedelta(days=1),
        )
    finally:
        service.close()
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await wait_ready(pilot)
        shown = await wait_for_text(pilot, "069a79f4-44e9-4726-a5be-fca90e38aaf6")
        assert "069a79f4-44e9-4726-a5be-fca90e38aaf6" in shown  # the whole UUID
        assert "76561198000000001" in shown  # Alice's SteamID64, whole
        assert "Net spent" in header_line(pilot, "Name")
        assert LONG_NAME not in shown
        assert "Sir_Reginald_Lon" in shown
        assert "…" in shown  # cut, with an ellipsis


async def test_inventory_shows_state_delivery_and_expiry_as_a_date(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, ui_store.alice)
        header = header_line(pilot, "Product")
        for label in ("State", "Delivery", "Expires"):
            assert label in header
        shown = await wait_for_text(pilot, "2026-12-15")
        assert "2026-12-15" in shown  # the VIP+ item's expiry: a date, not "20"


async def test_orders_show_price_status_and_the_completion_date(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, ui_store.alice, "orders")
        assert header_line(pilot, "Order").split() == [
            "Order",
            "Products",
            "Price",
            "Status",
            "Date",
        ]
        table = table_of(pilot, "orders")
        completed = table.get_row(ui_store.alice_orders["completed"])
        created = table.get_row(ui_store.alice_orders["created"])
        # The fixture completes an order a minute after creating it.
        assert str(completed[4]).endswith("12:01")
        assert str(created[4]).endswith("12:00")


async def test_subscriptions_show_next_billing(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, ui_store.alice, "subscriptions")
        header = header_line(pilot, "ID")
        for label in ("Amount", "Status", "Next bill"):
            assert label in header
        assert "2026-12-15" in screen_text(pilot.app)


async def test_the_command_dialog_shows_error_and_queued_and_the_items_facts(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, ui_store.alice)
        move_to(table_of(pilot, "inventory"), ui_store.alice_items["revoked"])
        await pilot.press("i")
        await wait_ready(pilot)
        assert isinstance(top(pilot.app), CommandModal)
        header = header_line(pilot, "Server")
        for label in ("Command", "Status", "Error", "Queued"):
            assert label in header
        shown = screen_text(pilot.app)
        assert "One-time · Revoked · manual by bob-admin · granted" in shown
