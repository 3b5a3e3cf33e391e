"""The help screen: every key of every screen, in one place (F1 or ?)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from storeadmin.screens.key_tables import HELP_SCREEN_KEYS, HELP_TABLES

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = tuple(
    (table.title, tuple(table.help_lines())) for table in HELP_TABLES
)
"""(section, ((key, what it does), ...)) of every screen, from the screens' key tables."""


def keys_table() -> Table:
    """All keys as a Rich table, a section per screen."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("key", style="bold", no_wrap=True, min_width=18)
    table.add_column("what it does", ratio=1)
    for section, rows in KEYS:
        table.add_row(Text(section, style="bold underline"), "")
        for key, meaning in rows:
            table.add_row(Text(key), Text(meaning))
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    """Keys of every screen; Esc, q or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = HELP_SCREEN_KEYS.bindings("HelpScreen")

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        """The keys table in a scrolling box."""
        box = VerticalScroll()
        box.border_title = "Keys"
        box.border_subtitle = "Esc to close"
        with box:
            yield Static(keys_table(), id="help-keys")

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss()
