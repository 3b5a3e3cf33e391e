"""The help screen: every key of every screen, in one place (F1 or ?)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("F1  ?", "this help (? only when not typing in a field)"),
            ("Ctrl+P", "command palette: open customer by ID, focus search, help, quit"),
            ("Ctrl+Q", "quit storeadmin"),
            ("Tab  Shift+Tab", "move between fields and tables"),
        ),
    ),
    (
        "Customer search",
        (
            ("type", "search by name, SteamID64 / UUID / XUID, customer, order or"),
            ("", "subscription ID (#123), or a Discord ID; empty lists the newest"),
            ("Enter (in search)", "open the customer when the query is an exact ID match,"),
            ("", "otherwise go to the results"),
            ("Down", "from the search field into the results"),
            ("Esc (in search)", "clear the query"),
            ("Up Down PgUp PgDn", "move in the results; more rows load as you go"),
            ("Home End", "first / last loaded row"),
            ("Enter (on a row)", "open the customer"),
            ("/  Esc (on a row)", "back to the search field"),
            ("q (on a row)", "quit"),
        ),
    ),
    (
        "Customer details",
        (
            ("1 2 3 4 5", "switch tab: inventory, orders, subscriptions, metadata, audit"),
            ("Esc", "back to the search, query and row kept"),
            ("r", "reload"),
            ("Enter", "details of the order / subscription under the cursor"),
            ("f", "focus the status filter"),
            ("i", "command info of the inventory item (game server, command, status)"),
            ("a", "assign a product"),
            ("x", "revoke the inventory item (asks for a reason)"),
            ("e", "edit name and platform ID"),
            ("b", "ban / unban"),
            ("t", "manage tokens"),
            ("Ctrl+N", "add a metadata field"),
            ("Ctrl+S", "save the metadata (Update)"),
            ("Tab", "into the metadata rows (digits switch tabs outside a field)"),
        ),
    ),
    (
        "Dialogs",
        (
            ("Enter  Ctrl+S", "confirm / save"),
            ("Esc", "cancel and close, nothing changed"),
            ("y  n", "answer a yes / no question"),
        ),
    ),
    (
        "Tokens dialog",
        (
            ("n", "new token (the secret is shown once)"),
            ("c", "copy the new secret"),
            ("x", "revoke the highlighted token"),
            ("X", "revoke every token (asks first)"),
        ),
    ),
)
"""The key contract of every screen; keep in step with the screens' BINDINGS."""


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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close", tooltip="Close the help"),
    ]

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
