"""The read-only detail views over the details screen: a body loaded in a worker, Close.

The fetch runs in a thread worker (group ``GROUP``) and posts ``Loaded``; the handler
fills the body on the UI thread. A failure shows in the modal and is reported; escape
closes the modal whatever state it is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Button
from textual.worker import Worker, get_current_worker

from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import DIALOG_KEYS
from storeadmin.screens.modals.base import Dialog
from storeadmin.widgets.host import host


def facts_grid(*pairs: tuple[str, Text | str], columns: int = 2) -> Table:
    """``label value`` pairs laid out ``columns`` pairs to a row (labels dim, values as given)."""
    grid = Table.grid(padding=(0, 2, 0, 0))
    for _ in range(columns):
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(no_wrap=True)
    for start in range(0, len(pairs), columns):
        row: list[Text | str] = []
        for label, value in pairs[start : start + columns]:
            row.extend((label, value))
        grid.add_row(*row)
    return grid


class DetailModal(Dialog[None]):
    """A read-only dialog over the details screen; subclasses fetch and render one thing."""

    DEFAULT_CSS = """
    DetailModal > #dialog {
        width: 96%;
        max-width: 140;
    }
    DetailModal #dialog-error {
        color: $error;
        margin-top: 0;
    }
    DetailModal .dialog-section {
        margin-top: 1;
        text-style: bold;
    }
    DetailModal PagedTable {
        height: auto;
        max-height: 14;
    }
    DetailModal #dialog-buttons Button {
        margin-left: 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = DIALOG_KEYS.bindings("DetailModal")

    GROUP: ClassVar[str] = "modal"
    """Worker group of the fetch."""

    @dataclass
    class Loaded(Message):
        """The worker fetched what the modal shows."""

        result: object

    def fetch(self, service: StoreService) -> object:
        """Blocking fetch (worker thread): never touch widgets here."""
        raise NotImplementedError

    def show(self, result: object) -> None:
        """Fill the body with the fetched result (UI thread)."""
        raise NotImplementedError

    def compose_buttons(self) -> ComposeResult:
        """Close."""
        yield Button("Close", id="dialog-close", compact=True)

    def on_mount(self) -> None:
        """Start the fetch."""
        self.query_one("#dialog").loading = True
        work = partial(self._fetch, host(self).service)
        self.run_worker(
            work,
            name=f"loading {self.GROUP} details",
            group=self.GROUP,
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def _fetch(self, service: StoreService) -> None:
        result = self.fetch(service)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(result))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        self.query_one("#dialog").loading = False
        self.show(event.result)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """Show a failed fetch in the dialog (the App reports it)."""
        self.query_one("#dialog").loading = False
        self.show_error(f"Could not load: {worker.error}")

    @on(Button.Pressed, "#dialog-close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)
