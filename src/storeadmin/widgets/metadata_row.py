"""One row of the metadata form: a key/value pair, its number and what is wrong with it.

The form shows a page of rows over its own list of every field and re-binds the same
row widgets when the page turns (:meth:`MetadataRow.show`), so a customer with 2,000
fields costs as many widgets as a page, not 12,000. A row only posts messages: Up and
Down (and PageUp / PageDown) ask the form to move the cursor (:class:`MetadataRow.Move`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from storeadmin.core.models import MetadataField
from storeadmin.core.text import display_safe
from storeadmin.screens.key_tables import DETAILS_KEYS
from storeadmin.widgets.text_field import TextField

Column = Literal["key", "value"]
"""Which of a row's two fields the cursor is in."""


class MetadataRow(Vertical):
    """One key/value pair and the line that says what is wrong with it.

    Stored text with control characters (planted before input was checked) is shown
    with visible symbols, never raw: an untouched row still submits the stored text,
    which the store's rules then refuse, so it is fixed or cleared, never silently
    rewritten.
    """

    DEFAULT_CSS = """
    MetadataRow {
        height: auto;
    }
    MetadataRow > Horizontal {
        height: 1;
    }
    MetadataRow .row-number {
        width: 4;
        color: $text-muted;
    }
    MetadataRow .metadata-key {
        width: 28;
        margin-right: 1;
    }
    MetadataRow .metadata-value {
        width: 1fr;
    }
    MetadataRow .row-problem {
        display: none;
        padding-left: 4;
        color: $text-error;
    }
    MetadataRow.-invalid .row-problem {
        display: block;
    }
    MetadataRow.-invalid Input {
        background-tint: $error 25%;
    }
    MetadataRow .row-note {
        display: none;
        padding-left: 4;
        color: $text-warning;
    }
    MetadataRow.-hidden-characters .row-note {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = DETAILS_KEYS.bindings("MetadataRow")

    @dataclass
    class Move(Message):
        """Up / Down / PageUp / PageDown in a row: move the cursor ``rows`` rows."""

        row: MetadataRow
        column: Column
        rows: int

    def __init__(
        self,
        key: str = "",
        value: str = "",
        *,
        number: int,
        focus: bool = False,
        problem: str | None = None,
    ) -> None:
        super().__init__()
        self.index = number - 1
        """0-based position of the field shown, in the form's whole list."""
        self._stored = (key, value)
        self._shown = (display_safe(key), display_safe(value))
        self._focus = focus
        self._problem = problem

    def compose(self) -> ComposeResult:
        """Number, key, value; a note if the stored text had hidden characters; problems."""
        key, value = self._shown
        with Horizontal():
            yield Static(self._number_text(), classes="row-number", markup=False)
            # No select-on-focus: after a refused save the cursor lands in the field,
            # and typing must fix it, not replace it whole.
            yield TextField(
                key, placeholder="key", compact=True, classes="metadata-key", select_on_focus=False
            )
            yield TextField(
                value,
                placeholder="value",
                compact=True,
                classes="metadata-value",
                select_on_focus=False,
            )
        yield Static(
            "control characters shown as symbols: edit or clear this row to save",
            classes="row-note",
            markup=False,
        )
        yield Static("", classes="row-problem", markup=False)

    def on_mount(self) -> None:
        """Flags as bound; a row added by the admin takes the cursor."""
        self.set_class(self._shown != self._stored, "-hidden-characters")
        self.show_problem(self._problem)
        if self._focus:
            self.input("key").focus()
            self.scroll_visible()

    def _number_text(self) -> str:
        return f"{self.index + 1:>3}"

    def input(self, column: Column) -> Input:
        """The key or the value field."""
        return self.query_one(f".metadata-{column}", Input)

    def column_of(self, widget: object) -> Column:
        """Which column ``widget`` (a focused field) is."""
        return "value" if widget is self.input("value") else "key"

    @property
    def field(self) -> MetadataField:
        """The pair as typed (not trimmed: the store's rules decide); untouched text as stored."""
        if not self.is_mounted or not self.children:
            return MetadataField(*self._stored)
        key = self.input("key").value
        value = self.input("value").value
        return MetadataField(
            self._stored[0] if key == self._shown[0] else key,
            self._stored[1] if value == self._shown[1] else value,
        )

    def show(self, index: int, field: MetadataField, problem: str | None) -> None:
        """Show the field at ``index`` in this (mounted) row, in place of its own."""
        self.index = index
        self._stored = (field.key, field.value)
        self._shown = (display_safe(field.key), display_safe(field.value))
        self._problem = problem
        if not self.is_mounted or not self.children:
            return  # compose and on_mount show what was just set
        self.query_one(".row-number", Static).update(self._number_text())
        columns: tuple[Column, Column] = ("key", "value")
        for column, text in zip(columns, self._shown, strict=True):
            entry = self.input(column)
            if entry.value != text:
                with entry.prevent(Input.Changed):
                    entry.value = text
                entry.cursor_position = len(text)
        self.set_class(self._shown != self._stored, "-hidden-characters")
        self.show_problem(problem)

    def show_problem(self, problem: str | None) -> None:
        """Flag the row with ``problem``, or clear it."""
        self._problem = problem
        self.set_class(problem is not None, "-invalid")
        self.query_one(".row-problem", Static).update(
            Text(display_safe(problem or "", max_length=200))
        )

    def _move(self, rows: int) -> None:
        focused = self.screen.focused
        self.post_message(self.Move(self, self.column_of(focused), rows))

    def action_row_up(self) -> None:
        """Up: the same field of the row above."""
        self._move(-1)

    def action_row_down(self) -> None:
        """Down: the same field of the row below."""
        self._move(1)

    def action_rows_up(self) -> None:
        """PageUp: a page of rows up."""
        self._move(-PAGE_JUMP)

    def action_rows_down(self) -> None:
        """PageDown: a page of rows down."""
        self._move(PAGE_JUMP)


PAGE_JUMP = 10
"""Rows PageUp / PageDown move the cursor by (about what a small terminal shows)."""


def field_at_fault(field: MetadataField, problem: str) -> Column:
    """The field a refusal is about: the key, unless the key is there and the problem
    is not about it (a bad DiscordID, an over-long or missing value)."""
    if field.key.strip() and ("key" not in problem.lower() or "needs a value" in problem):
        return "value"
    return "key"
