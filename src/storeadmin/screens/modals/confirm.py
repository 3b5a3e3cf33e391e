"""A yes/no question over any screen (revoke all tokens, leave with unsaved changes)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Button, Static

from storeadmin.screens.key_tables import DIALOG_KEYS
from storeadmin.screens.modals.base import Dialog


class ConfirmModal(Dialog[bool]):
    """A yes/no question; dismisses True only on an explicit yes (button, Enter or y)."""

    DEFAULT_CSS = """
    ConfirmModal > #dialog {
        max-width: 64;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = DIALOG_KEYS.bindings("ConfirmModal")

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

    def title_text(self) -> Text:
        """The question's title (our words)."""
        return Text(self.title_line)

    def compose_body(self) -> ComposeResult:
        """The question."""
        yield Static(self.question, id="confirm-question", markup=False)

    def compose_buttons(self) -> ComposeResult:
        """The safe answer first; it has the focus."""
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
