"""The metadata form: key/value rows, Add field, Update; bad rows flagged in place.

Attributes down, messages up: the details screen calls :meth:`MetadataForm.load` with
the fields and the customer version they were read at, and runs the write when the
form posts :class:`MetadataForm.Submitted`. The form checks the rows first with the
store's own rules (``validate_metadata``), so bad rows are flagged before any round
trip; :meth:`MetadataForm.show_errors` flags the rows the store refused. Row indexes
are positions in the submitted list, which includes empty rows so they line up.

The form keeps every field in a list and shows :data:`PAGE_ROWS` of them at a time in
the same row widgets (a page turns when the cursor moves past its edge): 200 fields,
or 2,000 planted before the limit, cost one page of widgets, so the tab opens and
keys answer as fast as with ten.
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
from textual.widget import AwaitMount
from textual.widgets import Button, Input, Static

from storeadmin.core.errors import InvalidRows
from storeadmin.core.models import MetadataField
from storeadmin.core.text import display_safe
from storeadmin.core.validation import MAX_METADATA_FIELDS, validate_metadata
from storeadmin.widgets.host import host
from storeadmin.widgets.metadata_row import Column, MetadataRow, field_at_fault

__all__ = ["PAGE_ROWS", "MetadataForm", "MetadataRow", "merge_edits"]

PAGE_ROWS = 40
"""Rows shown at once: more than a 120x40 terminal shows, few enough to open at once."""

BLANK = MetadataField("", "")


def _significant(fields: Sequence[MetadataField]) -> tuple[tuple[str, str], ...]:
    """The rows that mean something (a fully blank row is "no field")."""
    return tuple((f.key, f.value) for f in fields if f.key.strip() or f.value.strip())


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
    MetadataForm > #metadata-page, MetadataForm > #metadata-over-limit {
        height: auto;
        padding: 0 1;
        color: $text-warning;
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
        self._all: list[MetadataField] = [BLANK]
        """Every row, as typed when last synced from the row widgets (see ``fields``)."""
        self._problems: dict[int, str] = {}
        self._start = 0
        """Index of the first field shown."""
        self._rows: list[MetadataRow] = []
        """The row widgets of the page shown, in order."""

    def compose(self) -> ComposeResult:
        """Toolbar, problem line, column header, rows, page line, hint."""
        with Horizontal(id="metadata-toolbar"):
            yield Button("Add field (ctrl+n)", id="metadata-add", compact=True)
            yield Button("Update (ctrl+s)", id="metadata-update", variant="primary", compact=True)
            yield Static("● unsaved changes", id="metadata-dirty", markup=False)
        yield Static("", id="metadata-problem", markup=False)
        yield Static("", id="metadata-over-limit", markup=False)
        yield Static("Key                          Value", id="metadata-header", markup=False)
        yield VerticalScroll(id="metadata-rows")
        yield Static("", id="metadata-page", markup=False)
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
        self._sync()
        return tuple(self._all)

    def load(self, fields: Sequence[MetadataField], version: str, *, focus: bool = False) -> None:
        """Replace the rows with ``fields`` read at ``version``; nothing is dirty after.

        ``focus`` puts the cursor in the first key once the rows are there.
        """
        self.loaded_fields = tuple(fields)
        self.version = version
        self._all = list(fields) or [BLANK]
        self._problems = {}
        self._show_page(0, focus=(0, "key") if focus else None)
        self._show_over_limit()
        self.show_problem("")
        self.set_saving(False)
        self.dirty = False

    def rebase(self, fields: Sequence[MetadataField], version: str) -> None:
        """Take ``fields`` read at ``version`` as the new base and keep the admin's edits
        on top (:func:`merge_edits`); the form stays dirty while they differ."""
        merged = merge_edits(self.loaded_fields, self.fields, fields)
        self.load(fields, version)
        self._all = list(merged) or [BLANK]
        self._show_page(0)
        self.dirty = _significant(self.fields) != _significant(self.loaded_fields)
        if self.dirty:
            self.show_problem(
                "Reloaded: the store's current metadata, with your unsaved edits kept on top."
                " Update (ctrl+s) saves them."
            )

    def show_errors(self, rows: Mapping[int, str]) -> None:
        """Flag the rows the store (or the local check) refused; clear the others."""
        self._sync()
        self._problems = {index: problem for index, problem in rows.items() if index >= 0}
        if not rows:
            for row in self._rows:
                row.show_problem(None)
            self.show_problem("")
            return
        first = min(rows)
        count = len(rows)
        summary = f"row {first + 1}: {rows[first]}"
        if count > 1:
            summary = f"{count} rows need fixing; {summary}"
        self.show_problem(f"Not saved: {summary}")
        if first < len(self._all):
            column = field_at_fault(self._all[first], rows[first])
            self._show_page(self._page_of(first), focus=(first, column))
        else:
            self._show_page(self._start)

    def set_saving(self, saving: bool) -> None:
        """Disable Update while the screen's write runs."""
        self.query_one("#metadata-update", Button).disabled = saving

    # ------------------------------------------------------------ pages

    def _page_of(self, index: int) -> int:
        """The first index of the page holding ``index``."""
        return index - index % PAGE_ROWS

    def _sync(self) -> None:
        """Copy what is typed in the rows shown into the list of every field."""
        for row in self._rows:
            if row.index < len(self._all):
                self._all[row.index] = row.field

    def _show_page(
        self, start: int, *, focus: tuple[int, Column] | None = None
    ) -> AwaitMount | None:
        """Show the page from ``start`` in the row widgets (re-bound, added or removed);
        ``focus`` puts the cursor in that row's field once it is there. Returns the
        mounting of added rows, if any (awaitable). What the rows shown held must have
        been synced (``_sync``) before: they are overwritten."""
        self._start = start = max(0, min(start, self._page_of(len(self._all) - 1)))
        wanted = range(start, min(start + PAGE_ROWS, len(self._all)))
        container = self.query_one("#metadata-rows", VerticalScroll)
        reused = self._rows[: len(wanted)]
        for row, index in zip(reused, wanted, strict=False):
            row.show(index, self._all[index], self._problems.get(index))
        extra = self._rows[len(wanted) :]
        if extra:
            container.remove_children(extra)
        added = [
            MetadataRow(
                self._all[index].key,
                self._all[index].value,
                number=index + 1,
                problem=self._problems.get(index),
                focus=focus == (index, "key"),  # on mount, before the mount is awaited
            )
            for index in wanted[len(reused) :]
        ]
        self._rows = [*reused, *added]
        mounting = container.mount_all(added) if added else None
        if focus is not None:
            index, column = focus
            row = self._rows[index - start]
            if row.is_mounted:
                self._focus_field(row, column)
            elif column != "key":
                self.call_after_refresh(self._focus_field, row, column)
        self._show_page_line()
        return mounting

    def _focus_field(self, row: MetadataRow, column: Column) -> None:
        if row.is_attached:
            row.input(column).focus()
            row.scroll_visible()

    def _show_page_line(self) -> None:
        line = self.query_one("#metadata-page", Static)
        total = len(self._all)
        line.display = total > PAGE_ROWS
        if total > PAGE_ROWS:
            end = min(self._start + PAGE_ROWS, total)
            line.update(
                f"Rows {self._start + 1:,}–{end:,} of {total:,}: Up / Down and PgUp / PgDn"
                " in a row turn the page."
            )

    def _show_over_limit(self) -> None:
        line = self.query_one("#metadata-over-limit", Static)
        count = len(_significant(self.loaded_fields))
        line.display = count > MAX_METADATA_FIELDS
        if count > MAX_METADATA_FIELDS:
            line.update(
                f"This customer holds {count:,} fields, over the store's limit of"
                f" {MAX_METADATA_FIELDS}: an Update may remove fields but not add any."
            )

    def _move_to(self, index: int, column: Column) -> None:
        """Put the cursor in ``column`` of row ``index`` (clamped), turning the page."""
        index = max(0, min(index, len(self._all) - 1))
        if self._page_of(index) != self._start:
            self._sync()
            self._show_page(self._page_of(index), focus=(index, column))
            return
        self._focus_field(self._rows[index - self._start], column)

    @on(MetadataRow.Move)
    def _row_move(self, event: MetadataRow.Move) -> None:
        event.stop()
        self._move_to(event.row.index + event.rows, event.column)

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
            self._problems.pop(row.index, None)
            row.show_problem(None)
        self.dirty = _significant(self.fields) != _significant(self.loaded_fields)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a key moves to its value, in a value to the next row's key (Update is
        explicit)."""
        event.stop()
        row = next((r for r in event.input.ancestors if isinstance(r, MetadataRow)), None)
        if row is None:
            return
        if row.column_of(event.input) == "key":
            row.input("value").focus()
        elif row.index + 1 < len(self._all):
            self._move_to(row.index + 1, "key")

    @on(Button.Pressed, "#metadata-add")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        mounting = self.action_add_field()
        if mounting is not None:
            await mounting

    @on(Button.Pressed, "#metadata-update")
    def _update_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def action_add_field(self) -> AwaitMount | None:
        """Add an empty row at the end and put the cursor in its key.

        The row takes the cursor as it mounts, and the key binding awaits the mount:
        keys typed right after ctrl+n (a burst, a paste) land in the new row, and a
        Tab among them is not undone by a focus made later.
        """
        self._sync()
        self._all.append(BLANK)
        index = len(self._all) - 1
        return self._show_page(self._page_of(index), focus=(index, "key"))

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
