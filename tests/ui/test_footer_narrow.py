"""At 80 columns the footer turns compact, so every screen's keys fit with ``f1 Help``
at their end (the Orders tab's ``/ Find`` pushed it off, and the game servers' keys cut
it to ``f1 Hel``); wide terminals keep the spacious footer."""

from __future__ import annotations

import pytest
from details_helpers import open_details
from textual.pilot import Pilot
from textual.widgets import Footer

from storeadmin.screens.game_servers import GameServersScreen
from support.ui import UiStore, make_app, screen_text, wait_ready


def footer_line(pilot: Pilot[None]) -> str:
    return screen_text(pilot.app).splitlines()[-1]


@pytest.mark.parametrize("tab", ["inventory", "orders", "subscriptions", "metadata", "history"])
async def test_every_details_tab_shows_help_at_80_columns(ui_store: UiStore, tab: str) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, ui_store.alice, tab=tab)
        await pilot.pause(0.1)
        assert "f1 Help" in footer_line(pilot)
        assert app.screen.query_one(Footer).compact


async def test_game_servers_show_help_at_80_columns(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+g")
        await wait_ready(pilot)
        assert isinstance(app.screen, GameServersScreen)
        await pilot.pause(0.1)
        assert "f1 Help" in footer_line(pilot)


async def test_a_wide_terminal_keeps_the_spacious_footer(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_details(pilot, ui_store.alice, tab="orders")
        assert not app.screen.query_one(Footer).compact
        assert "  f1 Help" in footer_line(pilot)


async def test_below_70_columns_the_footer_cuts_its_keys_cleanly(ui_store: UiStore) -> None:
    """Compact there would overflow too, and a letter of the cut keys showed after the
    palette key (``^p paletteH``)."""
    app = make_app(ui_store.url)
    async with app.run_test(size=(60, 15)) as pilot:
        await open_details(pilot, ui_store.alice, tab="inventory")
        await pilot.pause(0.1)
        assert not app.screen.query_one(Footer).compact
        assert footer_line(pilot).rstrip().endswith("palette")  # nothing after it
