"""Base of the details screen's read-only modals: a title, a body loaded in a worker, Close.

The fetch runs in a thread worker (group ``GROUP``) and posts ``Loaded``; the handler
fills the body on the UI thread. A failure shows in the modal and is reported; escape
closes the modal whatever state it is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState, get_current_worker

from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
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


class DetailModal(ModalScreen[None]):
    """A read-only dialog over the details screen; subclasses fetch and render one thing."""

    DEFAULT_CSS = """
    DetailModal {
        align: center middle;
    }
    DetailModal > #dialog {
        width: 96%;
        max-width: 140;
        height: auto;
        max-height: 95%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    DetailModal #dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }
    DetailModal #dialog-error {
        display: none;
        color: $error;
    }
    DetailModal #dialog-error.-shown {
        display: block;
    }
    DetailModal .dialog-section {
        margin-top: 1;
        text-style: bold;
    }
    DetailModal PagedTable {
        height: auto;
        max-height: 14;
    }
    DetailModal #dialog-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Close this dialog"),
    ]

    GROUP: ClassVar[str] = "modal"
    """Worker group of the fetch."""

    @dataclass
    class Loaded(Message):
        """The worker fetched what the modal shows."""

        result: object

    def title_text(self) -> Text:
        """The dialog title (our words; any data in it through ``cells.plain``)."""
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        """The body widgets, empty until :meth:`show` fills them."""
        yield from ()

    def fetch(self, service: StoreService) -> object:
        """Blocking fetch (worker thread): never touch widgets here."""
        raise NotImplementedError

    def show(self, result: object) -> None:
        """Fill the body with the fetched result (UI thread)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        """Title, body, error line, Close button."""
        with Vertical(id="dialog"):
            yield Static(self.title_text(), id="dialog-title", markup=False)
            yield from self.compose_body()
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(id="dialog-buttons"):
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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show a failed fetch in the dialog (the App reports it)."""
        if event.state is not WorkerState.ERROR or event.worker.node is not self:
            return
        self.query_one("#dialog").loading = False
        error = event.worker.error
        message = self.query_one("#dialog-error", Static)
        message.update(Text(display_safe(f"Could not load: {error}", max_length=300)))
        message.add_class("-shown")

    @on(Button.Pressed, "#dialog-close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)
