"""Keys that arrive in one burst (fast typing over SSH, a paste of keystrokes, tmux
``send-keys``) act as if typed slowly: a key that moves the focus takes effect before
the next key of the same burst is dispatched."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from storeadmin.widgets.search_results import SearchResults
from support.ui import UiStore, make_app, record_opens, wait_ready

SIZE = (120, 40)

_CHARACTERS = {
    "enter": "\r",
    "escape": "\x1b",
    "down": None,
    "slash": "/",
    "backspace": "\x7f",
    "ctrl+u": "\x15",
}


async def burst(app: App[None], *keys: str) -> None:
    """Queue every key before the app handles the first, as a terminal read delivers them."""
    for key in keys:
        character = _CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def settle(pilot: Pilot[None]) -> None:
    """Let the burst's keys, and the messages they post, be handled."""
    await pilot.pause(0.1)
    await wait_ready(pilot)


async def test_down_then_enter_in_one_burst_opens_the_first_row(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls = record_opens(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        first = pilot.app.screen.query_one(SearchResults).selected_customer_id()
        await burst(app, "down", "enter")
        await settle(pilot)
        assert calls == [first]


async def test_a_word_typed_in_one_burst_on_the_results_is_the_new_query(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("down")
        assert isinstance(app.focused, SearchResults)
        await burst(app, *"alice")
        await settle(pilot)
        field = app.screen.query_one("#query", Input)
        assert app.focused is field
        assert field.value == "alice"


async def test_escape_then_slash_then_a_word_in_one_burst_replaces_the_query(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press(*"bob")
        await pilot.pause(0.1)
        await wait_ready(pilot)
        await pilot.press("down")
        await burst(app, "slash", *"alice")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "alice"


async def test_a_metadata_key_tab_value_burst_fills_both_fields(ui_store: UiStore) -> None:
    from details_helpers import open_details

    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="metadata")
        await pilot.press("ctrl+n")
        await settle(pilot)
        key_field = app.focused
        assert isinstance(key_field, Input)
        await burst(app, *"discord", "tab", *"whale1")
        await settle(pilot)
        value_field = app.focused
        assert isinstance(value_field, Input)
        assert value_field is not key_field
        assert (key_field.value, value_field.value) == ("discord", "whale1")


async def test_a_typo_fixed_in_one_burst_searches_the_fixed_word(ui_store: UiStore) -> None:
    """Backspace and Ctrl+U keep their place among the letters of a burst (Textual #6605)."""
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        field = app.screen.query_one("#query", Input)
        await burst(app, *"bob", "ctrl+u", *"alicw", "backspace", "e")
        await settle(pilot)
        assert field.value == "alice"
        assert getattr(app.screen, "_shown_query", None) == "alice"
