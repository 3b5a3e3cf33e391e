"""A yes/no question over any screen (revoke all tokens, leave with unsaved changes)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from storeadmin.screens.modals.base import Dialog


class ConfirmModal(Dialog[bool]):
    """A yes/no question; dismisses True only on an explicit yes (button, Enter or y)."""

    DEFAULT_CSS = """
    ConfirmModal > #dialog {
        max-width: 64;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", tooltip="Do nothing"),
        Binding("y", "answer(True)", "Yes", show=False),
    ]

    def __init__(
        self,
        title: str,
        question: Text | str,
        *,
        yes: str = "Yes",
        no: str = "Cancel",
        destructive: bool = False,
    ) -> None:
        super().__init__()
        self.title_line = title
        self.question = question if isinstance(question, Text) else Text(question)
        self.yes_label = yes
        self.no_label = no
        self.destructive = destructive

    def compose(self) -> ComposeResult:
        """The question and two buttons; the safe answer has the focus."""
        with Vertical(id="dialog"):
            yield Static(Text(self.title_line), id="dialog-title", markup=False)
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(self.no_label, id="confirm-no", compact=True)
                yield Button(
                    self.yes_label,
                    id="confirm-yes",
                    variant="error" if self.destructive else "primary",
                    compact=True,
                )

    def on_mount(self) -> None:
        """Focus "no", so a stray Enter does not confirm a destructive action."""
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Answer the question."""
        self.dismiss(yes)
