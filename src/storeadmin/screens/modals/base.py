"""The one dialog base: a centred box with a title, a body, an error line and buttons.

Every modal builds on :class:`Dialog`: the action dialogs
(:class:`~storeadmin.screens.modals.action.ActionModal`), the read-only detail views
(:class:`~storeadmin.screens.modals.detail.DetailModal`), the yes/no question and the
tokens list. The base owns the layout, the error line and the rule for a failed
worker: it is shown inside the dialog (:meth:`Dialog.worker_failed`) and reported by
the App (:class:`~storeadmin.widgets.reporting.ReportsWorkerFailures`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from storeadmin.core.models import Customer
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.widgets.cells import plain
from storeadmin.widgets.chrome import RecomposingFooter
from storeadmin.widgets.reporting import ReportsWorkerFailures

T = TypeVar("T")

ServiceCall = Callable[[StoreService], Any]
"""A blocking write, built on the UI thread from the form and run in the worker."""


def customer_label(customer: Customer) -> Text:
    """``Alice (#12)``: the name as plain text, never markup."""
    return Text.assemble(plain(customer.username, max_length=40), (f" (#{customer.id})", "dim"))


class Dialog(ReportsWorkerFailures, ModalScreen[T], Generic[T]):
    """A centred box: title, body, error line and a button row; subclasses fill them in."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > #dialog {
        width: 90%;
        max-width: 76;
        height: auto;
        max-height: 95%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    Dialog #dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }
    Dialog .field-label {
        color: $text-muted;
    }
    Dialog #dialog-error {
        display: none;
        color: $text-error;
        margin-top: 1;
    }
    Dialog #dialog-error.-shown {
        display: block;
    }
    Dialog #dialog-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    Dialog #dialog-buttons Button {
        margin-left: 2;
    }
    """

    # ------------------------------------------------------------ subclass hooks

    def title_text(self) -> Text:
        """The dialog title (our words; any data in it through ``cells.plain``)."""
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        """The widgets between the title and the error line."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        """The buttons of the bottom row, left to right."""
        yield from ()

    def worker_failed(self, worker: Worker[Any]) -> None:
        """A worker of this dialog raised (not a refusal): say so in the dialog."""
        name = type(worker.error).__name__ if worker.error is not None else "error"
        self.show_error(f"Unexpected error ({name}).")

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """Title, body, error line, buttons; the dialog's own footer names its keys."""
        with Vertical(id="dialog"):
            yield Static(self.title_text(), id="dialog-title", markup=False)
            yield from self.compose_body()
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield from self.compose_buttons()
        yield RecomposingFooter()

    def show_error(self, text: str) -> None:
        """Show what went wrong, inside the dialog."""
        line = self.query_one("#dialog-error", Static)
        line.update(Text(display_safe(text, max_length=300)))
        line.add_class("-shown")

    def clear_error(self) -> None:
        """Hide the error line."""
        line = self.query_one("#dialog-error", Static)
        line.update("")
        line.remove_class("-shown")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker of this dialog: :meth:`worker_failed` (the App reports it too)."""
        if event.state is WorkerState.ERROR and event.worker.node is self:
            self.worker_failed(event.worker)
