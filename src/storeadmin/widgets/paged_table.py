"""A DataTable for keyset-paged data: it asks for the next page as the cursor nears
the end and never holds more than ``max_rows`` rows (the DataTable measures every
cell it holds, so unbounded tables freeze the UI).

Attributes down, messages up: the owner listens for ``PagedTable.NeedMore`` and
answers with ``append_page``; it starts over with ``show_first_page``.

A table given its columns with :meth:`PagedTable.set_columns` fits them to its width
(``column_fit``): it keeps every row's full cells, shows the columns that fit by
priority at widths measured from those cells, and lays itself out again when it is
resized or a row needs a wider column. Rows always carry every column's cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.widgets.data_table import RowKey

from storeadmin.widgets.column_fit import ColumnSpec, cell_width, fit_columns, fitted_cell
from storeadmin.widgets.quick_draw import QuickDrawTable

Row = tuple[str, Sequence[Text | str]]
"""A row key (stable id as a string) and its cells."""

PREFETCH_ROWS = 20
"""Ask for the next page when the cursor is this close to the last row."""


class PagedTable(QuickDrawTable):
    """A row-cursor DataTable fed one keyset page at a time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home,ctrl+home", "scroll_top", "First row", show=False),
        Binding("end,ctrl+end", "scroll_bottom", "Last row", show=False),
    ]
    """Home / End jump to the first / last loaded row (rows, not columns, matter here)."""

    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
    }
    """

    @dataclass
    class NeedMore(Message):
        """The cursor is near the end and another page exists."""

        table: PagedTable

        @property
        def control(self) -> PagedTable:
            """The table that wants more rows."""
            return self.table

    @dataclass
    class NeedRestart(Message):
        """The cursor reached the top after early rows were dropped: reload from the start."""

        table: PagedTable

        @property
        def control(self) -> PagedTable:
            """The table that wants to start over."""
            return self.table

    def __init__(
        self,
        *,
        max_rows: int = 500,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id, classes=classes)
        self.max_rows = max_rows
        self.has_more = False
        self.dropped_rows = 0
        """How many early rows were dropped to stay under ``max_rows``."""
        self._requested = False
        self._specs: tuple[ColumnSpec, ...] | None = None
        self._full: dict[str, tuple[Text | str, ...]] = {}
        """Fitted tables: every loaded row's cells, all columns, in row order."""
        self._content: list[int] = []
        """Fitted tables: each column's widest loaded cell."""
        self._layout: list[tuple[int, int]] = []
        """Fitted tables: (column index, width) of the columns shown."""

    # ------------------------------------------------------------ fitted columns

    @property
    def fitted(self) -> bool:
        """True when the columns were given as specs and fit the table's width."""
        return self._specs is not None

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """Keys of the columns on screen now, left to right."""
        return tuple(str(key.value) for key in self.columns)

    def set_columns(self, specs: Sequence[ColumnSpec]) -> None:
        """Declare every column; those that fit are shown (the table is emptied)."""
        self._specs = tuple(specs)
        self._full = {}
        self._content = [0] * len(self._specs)
        self._rebuild(self._fit())

    def full_row(self, key: str) -> tuple[Text | str, ...] | None:
        """Every cell of a loaded row of a fitted table, shown or not."""
        return self._full.get(key)

    def update_full_cell(self, key: str, column: str, cell: Text | str) -> None:
        """Change one cell of a fitted table's row (it is painted if its column is shown)."""
        self.update_column(column, {key: cell})

    def update_column(self, column: str, cells: Mapping[str, Text | str]) -> None:
        """Change a fitted table's cells of ``column`` by row key (rows not loaded are
        skipped); the table is laid out again once if a cell needs more room."""
        specs = self._specs
        if specs is None:
            return
        index = next(i for i, spec in enumerate(specs) if spec.column_key == column)
        changed = {key: cell for key, cell in cells.items() if key in self._full}
        for key, cell in changed.items():
            row = list(self._full[key])
            row[index] = cell
            self._full[key] = tuple(row)
            self._content[index] = max(self._content[index], cell_width(cell))
        layout = self._fit()
        if layout != self._layout:
            self._rebuild(layout)
        elif any(shown == index for shown, _ in layout):
            for key, cell in changed.items():
                self.update_cell(key, column, fitted_cell(cell, specs[index]))

    def sync(self, rows: Sequence[Row]) -> bool:
        """A fitted table shows ``rows`` with as few changes as possible (see
        ``live_table.sync_rows``); True when it was rebuilt."""
        old_keys = list(self._full)
        new_keys = [key for key, _ in rows]
        if new_keys[: len(old_keys)] == old_keys:
            specs = self._specs or ()
            for key, cells in rows[: len(old_keys)]:
                for index, (old, new) in enumerate(zip(self._full[key], cells, strict=True)):
                    if old != new:
                        self.update_full_cell(key, specs[index].column_key, new)
            self._add(rows[len(old_keys) :])
            return False
        row_index = self.cursor_row
        self._full = {}
        self._content = [0] * len(self._content)
        self._remember(rows)
        self._rebuild(self._fit())
        if self._cursor_key() is None and self.row_count:
            self.move_cursor(row=min(row_index, self.row_count - 1), animate=False)
        return True

    def on_resize(self, event: events.Resize) -> None:
        """Show the columns that fit the new width."""
        if self._specs is not None:
            layout = self._fit()
            if layout != self._layout:
                self._rebuild(layout)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """A fitted table's sizes without measuring its cells.

        The DataTable measures every cell of each new row when it is next idle, before
        the frame that shows them (~10 ms of UI time for a 100-row search page), to size
        auto-width columns. A fitted table's columns all have explicit widths, its rows
        one line and no labels, so only the virtual size is left to compute.
        """
        new_rows = list(new_rows)
        if (
            self._specs is None
            or any(column.auto_width for column in self.columns.values())
            or any(self._needs_measuring(key) for key in new_rows)
        ):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header_height
        )

    def _needs_measuring(self, key: RowKey) -> bool:
        row = self.rows.get(key)
        return row is not None and (row.label is not None or row.auto_height)

    def _available(self) -> int | None:
        """Cells a row may take (a vertical scrollbar's room always kept), once laid out."""
        width = self.size.width
        return width - self.styles.scrollbar_size_vertical if width else None

    def _fit(self) -> list[tuple[int, int]]:
        return fit_columns(self._specs or (), self._content, self._available())

    def _remember(self, rows: Sequence[Row]) -> None:
        for key, cells in rows:
            self._full[key] = tuple(cells)
            for index, cell in enumerate(cells):
                self._content[index] = max(self._content[index], cell_width(cell))

    def _shown_cells(self, cells: Sequence[Text | str]) -> list[Text]:
        specs = self._specs or ()
        return [fitted_cell(cells[index], specs[index]) for index, _ in self._layout]

    def _rebuild(self, layout: list[tuple[int, int]]) -> None:
        """Re-create the shown columns at their widths and every row under them; the
        cursor stays on its row. (A DataTable caches rendered rows by column: widening
        columns in place left stale frames such as ``Whal`` until the next key.)"""
        specs = self._specs or ()
        cursor_key = self._cursor_key()
        has_more, self.has_more = self.has_more, False
        super().clear(columns=True)
        self._layout = layout
        for index, width in layout:
            spec = specs[index]
            self.add_column(spec.label_at(width), key=spec.column_key, width=width)
        for key, cells in self._full.items():
            self.add_row(*self._shown_cells(cells), key=key)
        if cursor_key is not None and cursor_key in self.rows:
            self.move_cursor(row=self.get_row_index(cursor_key), animate=False)
        self.has_more = has_more

    # ------------------------------------------------------------ pages

    def show_first_page(self, rows: Sequence[Row], *, has_more: bool) -> None:
        """Replace the contents with the first page."""
        self.has_more = False
        self.clear()
        self._full = {}
        self._content = [0] * len(self._content)
        self.dropped_rows = 0
        self._add(rows)
        if self.row_count:
            self.move_cursor(row=0)
        self._requested = False
        self.has_more = has_more

    def append_page(self, rows: Sequence[Row], *, has_more: bool) -> None:
        """Add the next page, dropping the oldest rows if the table would exceed ``max_rows``."""
        self.has_more = False
        overflow = self.row_count + len(rows) - self.max_rows
        if overflow > 0:
            keep_from = min(overflow, self.row_count)
            cursor_key = self._cursor_key()
            kept = [
                (str(key.value), self._full.get(str(key.value)) or self.get_row(key))
                for key in list(self.rows)[keep_from:]
            ]
            self.clear()
            self._full = {}
            self.dropped_rows += keep_from
            self._add(kept)
            self._add(rows)
            if cursor_key is not None and cursor_key in self.rows:
                self.move_cursor(row=self.get_row_index(cursor_key))
        else:
            self._add(rows)
        self._requested = False
        self.has_more = has_more

    def selected_key(self) -> str | None:
        """The key of the row under the cursor."""
        key = self._cursor_key()
        return None if key is None else str(key.value)

    def _cursor_key(self) -> RowKey | None:
        if not self.row_count or not self.is_valid_coordinate(self.cursor_coordinate):
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key

    def _add(self, rows: Sequence[Row]) -> None:
        if self._specs is None:
            for key, cells in rows:
                self.add_row(*cells, key=key)
            return
        self._remember(rows)
        layout = self._fit()
        if layout != self._layout:
            self._rebuild(layout)  # a wider cell arrived: every row under the new widths
            return
        for key, cells in rows:
            self.add_row(*self._shown_cells(cells), key=key)

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        near_end = self.row_count > 0 and new.row >= self.row_count - PREFETCH_ROWS
        if self.has_more and not self._requested and near_end:
            self._requested = True
            self.post_message(self.NeedMore(self))

    def action_cursor_up(self) -> None:
        """Move up; at the top of a window whose early rows were dropped, start over."""
        if self.cursor_row == 0 and self.dropped_rows:
            self.post_message(self.NeedRestart(self))
            return
        super().action_cursor_up()

    def action_scroll_top(self) -> None:
        """Home: back to the very first row, reloading it if it was dropped."""
        if self.dropped_rows:
            self.post_message(self.NeedRestart(self))
            return
        super().action_scroll_top()
