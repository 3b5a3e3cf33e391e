"""The view shown when the store cannot be opened: one clear line and what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from storeadmin.screens.key_tables import STARTUP_KEYS
from storeadmin.widgets.chrome import ScreenFooter

if TYPE_CHECKING:
    from storeadmin.app import StoreAdminApp


class ConnectErrorScreen(Screen[None]):
    """The store could not be opened: the reason, and keys to retry or quit."""

    BINDINGS: ClassVar[list[BindingType]] = STARTUP_KEYS.bindings("ConnectErrorScreen")

    DEFAULT_CSS = """
    ConnectErrorScreen {
        align: center middle;
    }
    ConnectErrorScreen #connect-error {
        width: 90%;
        max-width: 100;
        height: auto;
        border: heavy $error;
        padding: 1 2;
    }
    ConnectErrorScreen #connect-error-title {
        text-style: bold;
        color: $text-error;
        margin-bottom: 1;
    }
    ConnectErrorScreen #connect-error-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """

    def __init__(self, reason: str, location_label: str, hint: str) -> None:
        super().__init__()
        self.reason = reason
        """One safe, password-free line saying why."""
        self.location_label = location_label
        self.hint = hint
        """What to check, in the backend's words."""

    def compose(self) -> ComposeResult:
        """Header, the reason in a box, footer."""
        yield Header()
        with Vertical(id="connect-error"):
            yield Static(Text(f"Cannot open {self.location_label}"), id="connect-error-title")
            yield Static(Text(self.reason), id="connect-error-reason")
            yield Static(
                Text(
                    f"{self.hint}\n"
                    "Try the demo store with: storeadmin --demo\n"
                    "Press r to retry, q to quit."
                ),
                id="connect-error-hint",
            )
        yield ScreenFooter()

    def action_retry(self) -> None:
        """Close this view and connect again."""
        app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
        self.dismiss()
        app.connect()
