"""A TextField edits a burst of keys in the order they were typed (Textual #6605):
Backspace, Ctrl+U, Ctrl+W and the arrows act before the characters behind them."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from storeadmin.widgets.text_field import TextField

_CHARACTERS = {"backspace": "\x7f", "ctrl+u": "\x15", "ctrl+w": "\x17", "left": None, "home": None}


class FieldApp(App[None]):
    def __init__(self, field: Input) -> None:
        super().__init__()
        self.field = field

    def compose(self) -> ComposeResult:
        yield self.field


async def typed_in_one_burst(field: Input, *keys: str) -> str:
    app = FieldApp(field)
    async with app.run_test() as pilot:
        field.focus()
        await pilot.pause()
        for key in keys:  # queued before the first is handled, as one terminal read
            character = _CHARACTERS.get(key, key if len(key) == 1 else None)
            app.post_message(events.Key(key, character))
        await pilot.pause(0.2)
        return field.value


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        ((*"Whalw", "backspace", "e"), "Whale"),
        ((*"abc", "ctrl+u", *"Whale"), "Whale"),
        ((*"old name", "ctrl+w", *"Kong"), "old Kong"),
        ((*"hale", "home", "W"), "Whale"),
        ((*"Whle", "left", "left", "a"), "Whale"),
    ],
)
async def test_a_burst_edits_as_if_typed_slowly(keys: tuple[str, ...], value: str) -> None:
    assert await typed_in_one_burst(TextField(), *keys) == value


@pytest.mark.parametrize("keys", [(*"Whalw", "backspace", "e"), (*"abc", "ctrl+u", *"Whale")])
async def test_a_plain_input_reorders_them(keys: tuple[str, ...]) -> None:
    """Why TextField exists: when this fails, Textual fixed #6605 and it can go."""
    assert await typed_in_one_burst(Input(), *keys) != await typed_in_one_burst(TextField(), *keys)
