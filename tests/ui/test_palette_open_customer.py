"""The palette opens a customer by ID from every screen: ``5000``, ``#5000`` or
``open 5000`` offers customer #5000 on the search screen, a customer's details and the
game servers screen alike."""

from __future__ import annotations

from details_helpers import SIZE, open_details
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.game_servers import GameServersScreen
from support.ui import UiStore, make_app, wait_ready


async def open_by_palette(pilot: Pilot[None], typed: str) -> None:
    """Open the palette, type ``typed``, take the first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.1)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    results = pilot.app.screen.query_one(OptionList)
    for _ in range(100):  # the palette searches in a task of its own: up to 5 s
        await pilot.pause(0.05)
        if results.option_count:
            break
    await pilot.press("enter")
    await pilot.pause(0.1)
    await wait_ready(pilot)


async def test_from_a_customer_the_palette_opens_another_by_id(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await open_details(pilot, ui_store.alice)
        await open_by_palette(pilot, f"#{ui_store.bob}")
        screen = app.screen
        assert isinstance(screen, CustomerDetailsScreen)
        assert screen.customer_id == ui_store.bob


async def test_from_the_game_servers_screen_too(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        app.push_screen(GameServersScreen())
        await wait_ready(pilot)
        await open_by_palette(pilot, f"open {ui_store.alice}")
        screen = app.screen
        assert isinstance(screen, CustomerDetailsScreen)
        assert screen.customer_id == ui_store.alice


async def test_on_the_search_screen_the_number_opens_that_customer(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await open_by_palette(pilot, ui_store.bob)
        screen = app.screen
        assert isinstance(screen, CustomerDetailsScreen)
        assert screen.customer_id == ui_store.bob
