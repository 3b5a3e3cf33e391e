"""The metadata form: key/value rows, Add field, Update; bad rows flagged in place.

Attributes down, messages up: the details screen calls :meth:`MetadataForm.load` with
the fields and the customer version they were read at, and runs the write when the
form posts :class:`MetadataForm.Submitted`. The form checks the rows first with the
store's own rules (``validate_metadata``), so bad rows are flagged before any round
trip; :meth:`MetadataForm.show_errors` flags the rows the store refused. Row indexes
are positions in the submitted list, which includes empty rows so they line up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Static

from storeadmin.core.errors import InvalidRows
from storeadmin.core.models import MetadataField
from storeadmin.core.text import display_safe
from storeadmin.core.validation import validate_metadata
from storeadmin.widgets.host import host


def _significant(fields: Sequence[MetadataField]) -> tuple[tuple[str, str], ...]:
    """The rows that mean something (a fully blank row is "no field")."""
    return tuple((f.key, f.value) for f in fields if f.key.strip() or f.value.strip())


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
        padding-left: 4;
        color: $text-warning;
    }
    """

    def __init__(self, key: str = "", value: str = "", *, number: int, focus: bool = False) -> None:
        super().__init__()
        self._number = number
        """1-based position, what error messages refer to (rows are only ever appended)."""
        self._stored = (key, value)
        self._shown = (display_safe(key), display_safe(value))
        self._focus = focus

    def compose(self) -> ComposeResult:
        """Number, key, value; a note if the stored text had hidden characters; problems."""
        key, value = self._shown
        with Horizontal():
            yield Static(f"{self._number:>3}", classes="row-number", markup=False)
            # No select-on-focus: after a refused save the cursor lands in the field,
            # and typing must fix it, not replace it whole.
            yield Input(
                key, placeholder="key", compact=True, classes="metadata-key", select_on_focus=False
            )
            yield Input(
                value,
                placeholder="value",
                compact=True,
                classes="metadata-value",
                select_on_focus=False,
            )
        if self._shown != self._stored:
            yield Static(
                "control characters shown as symbols: edit or clear this row to save",
                classes="row-note",
                markup=False,
            )
        yield Static("", classes="row-problem", markup=False)

    def on_mount(self) -> None:
        """A row added by the admin takes the cursor."""
        if self._focus:
            self.query_one(".metadata-key", Input).focus()
            self.scroll_visible()

    @property
    def field(self) -> MetadataField:
        """The pair as typed (not trimmed: the store's rules decide); untouched text as stored."""
        if not self.is_mounted or not self.children:
            return MetadataField(*self._stored)
        key = self.query_one(".metadata-key", Input).value
        value = self.query_one(".metadata-value", Input).value
        return MetadataField(
            self._stored[0] if key == self._shown[0] else key,
            self._stored[1] if value == self._shown[1] else value,
        )

    def show_problem(self, problem: str | None) -> None:
        """Flag the row with ``problem``, or clear it."""
        self.set_class(problem is not None, "-invalid")
        self.query_one(".row-problem", Static).update(
            Text(display_safe(problem or "", max_length=200))
        )


class MetadataForm(Vertical):
    """Editable metadata: Add field (ctrl+n), Update (ctrl+s), an unsaved-changes mark."""

    DEFAULT_CSS = """
    MetadataForm {
        height: 1fr;
    }
    MetadataForm > #metadata-toolbar {
        height: auto;
        padding: 0 1;
    }
    MetadataForm > #metadata-toolbar Button {
        margin-right: 2;
    }
    MetadataForm #metadata-dirty {
        width: auto;
        color: $text-warning;
        display: none;
    }
    MetadataForm.-dirty #metadata-dirty {
        display: block;
    }
    MetadataForm > #metadata-problem {
        height: auto;
        padding: 0 1;
        color: $text-error;
    }
    MetadataForm > #metadata-header {
        height: 1;
        padding-left: 5;
        color: $text-muted;
        text-style: bold;
    }
    MetadataForm > #metadata-rows {
        height: 1fr;
    }
    MetadataForm > #metadata-hint {
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_field", "Add field", tooltip="Add an empty metadata row"),
        Binding("ctrl+s", "submit", "Update", tooltip="Save every metadata row"),
    ]

    dirty: reactive[bool] = reactive(False)
    """True when the rows differ from what was loaded."""

    @dataclass
    class Submitted(Message):
        """The admin pressed Update and the rows passed the local checks."""

        form: MetadataForm
        fields: tuple[MetadataField, ...]
        """Every row in order, blank ones included (indexes match ``show_errors``)."""
        version: str
        """The customer version the fields were loaded at."""

        @property
        def control(self) -> MetadataForm:
            """The form that was submitted."""
            return self.form

    def __init__(
        self,
        fields: tuple[MetadataField, ...] = (),
        version: str = "0",
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.loaded_fields = tuple(fields)
        """The fields as last loaded (what ``dirty`` compares against)."""
        self.version = version
        """The customer version the fields were read at (the save's guard)."""
        self._rows: list[MetadataRow] = []

    def compose(self) -> ComposeResult:
        """Toolbar, problem line, column header, rows, hint."""
        with Horizontal(id="metadata-toolbar"):
            yield Button("Add field (ctrl+n)", id="metadata-add", compact=True)
            yield Button("Update (ctrl+s)", id="metadata-update", variant="primary", compact=True)
            yield Static("● unsaved changes", id="metadata-dirty", markup=False)
        yield Static("", id="metadata-problem", markup=False)
        yield Static("Key                          Value", id="metadata-header", markup=False)
        yield VerticalScroll(id="metadata-rows")
        yield Static(
            "Clear a row's key and value to remove it on Update.",
            id="metadata-hint",
            markup=False,
        )

    def on_mount(self) -> None:
        """Show the fields given to the constructor."""
        self.load(self.loaded_fields, self.version)

    # ------------------------------------------------------------ attributes down

    @property
    def fields(self) -> tuple[MetadataField, ...]:
        """Every row as typed, blank rows included."""
        return tuple(row.field for row in self._rows)

    def load(self, fields: Sequence[MetadataField], version: str, *, focus: bool = False) -> None:
        """Replace the rows with ``fields`` read at ``version``; nothing is dirty after.

        ``focus`` puts the cursor in the first key once the rows are there.
        """
        self.loaded_fields = tuple(fields)
        self.version = version
        container = self.query_one("#metadata-rows", VerticalScroll)
        container.remove_children()
        rows = [
            MetadataRow(f.key, f.value, number=index + 1, focus=focus and index == 0)
            for index, f in enumerate(fields)
        ] or [MetadataRow(number=1, focus=focus)]
        self._rows = rows
        container.mount_all(rows)
        self.show_problem("")
        self.set_saving(False)
        self.dirty = False

    def rebase(self, fields: Sequence[MetadataField], version: str) -> None:
        """Take ``fields`` read at ``version`` as the new base and keep the admin's edits
        on top (:func:`merge_edits`); the form stays dirty while they differ."""
        merged = merge_edits(self.loaded_fields, self.fields, fields)
        self.load(fields, version)
        container = self.query_one("#metadata-rows", VerticalScroll)
        container.remove_children()
        rows = [
            MetadataRow(f.key, f.value, number=index + 1) for index, f in enumerate(merged)
        ] or [MetadataRow(number=1)]
        self._rows = rows
        container.mount_all(rows)
        self.dirty = _significant(self.fields) != _significant(self.loaded_fields)
        if self.dirty:
            self.show_problem(
                "Reloaded: the store's current metadata, with your unsaved edits kept on top."
                " Update (ctrl+s) saves them."
            )

    def show_errors(self, rows: Mapping[int, str]) -> None:
        """Flag the rows the store (or the local check) refused; clear the others."""
        for index, row in enumerate(self._rows):
            row.show_problem(rows.get(index))
        if not rows:
            self.show_problem("")
            return
        first = min(rows)
        count = len(rows)
        summary = f"row {first + 1}: {rows[first]}"
        if count > 1:
            summary = f"{count} rows need fixing; {summary}"
        self.show_problem(f"Not saved: {summary}")
        if first < len(self._rows):
            row = self._rows[first]
            row.query_one(_field_at_fault(row.field, rows[first]), Input).focus()
            row.scroll_visible()

    def set_saving(self, saving: bool) -> None:
        """Disable Update while the screen's write runs."""
        self.query_one("#metadata-update", Button).disabled = saving

    # ------------------------------------------------------------ editing

    def show_problem(self, text: str) -> None:
        """A line above the rows saying why nothing was saved ("" hides it)."""
        line = self.query_one("#metadata-problem", Static)
        line.update(Text(display_safe(text, max_length=300)))
        line.display = bool(text)

    def watch_dirty(self, dirty: bool) -> None:
        """Show or hide the unsaved-changes mark."""
        self.set_class(dirty, "-dirty")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        row = next((r for r in event.input.ancestors if isinstance(r, MetadataRow)), None)
        if row is not None and row.has_class("-invalid"):
            row.show_problem(None)
        self.dirty = _significant(self.fields) != _significant(self.loaded_fields)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a value moves to the next row's key (Update is explicit)."""
        event.stop()
        inputs = list(self.query(Input))
        position = inputs.index(event.input) if event.input in inputs else -1
        if 0 <= position < len(inputs) - 1:
            inputs[position + 1].focus()

    @on(Button.Pressed, "#metadata-add")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add_field()

    @on(Button.Pressed, "#metadata-update")
    def _update_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def action_add_field(self) -> None:
        """Add an empty row at the end and put the cursor in its key."""
        row = MetadataRow(number=len(self._rows) + 1, focus=True)
        self._rows.append(row)
        self.query_one("#metadata-rows", VerticalScroll).mount(row)

    def action_submit(self) -> None:
        """Check the rows locally; post Submitted when they pass, else flag them."""
        if self.query_one("#metadata-update", Button).disabled:
            return
        fields = self.fields
        try:
            validate_metadata(fields, now=host(self).now())
        except InvalidRows as error:
            self.show_errors(error.rows)
            return
        self.show_errors({})
        self.post_message(self.Submitted(self, fields, self.version))


def _field_at_fault(field: MetadataField, problem: str) -> str:
    """The selector of the Input a refusal is about: the key, unless the key is there
    and the problem is not about it (a bad DiscordID, an over-long value)."""
    if field.key.strip() and "key" not in problem.lower():
        return ".metadata-value"
    return ".metadata-key"


def merge_edits(
    base: Sequence[MetadataField],
    mine: Sequence[MetadataField],
    theirs: Sequence[MetadataField],
) -> tuple[MetadataField, ...]:
    """``theirs`` with the changes from ``base`` to ``mine`` applied: keys the admin set
    or changed take the admin's value, keys the admin removed are removed, the rest is
    the store's. Blank rows are dropped; new keys go at the end, in the admin's order."""
    before = {f.key: f.value for f in base if f.key.strip()}
    after = {f.key: f.value for f in mine if f.key.strip()}
    removed = set(before) - set(after)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    merged = [
        MetadataField(f.key, changed.pop(f.key, f.value)) for f in theirs if f.key not in removed
    ]
    merged += [MetadataField(k, v) for k, v in changed.items()]
    return tuple(merged)
