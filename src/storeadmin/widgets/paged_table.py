"""A DataTable for keyset-paged data: it asks for the next page as the cursor nears
the end and never holds more than ``max_rows`` rows (the DataTable measures every
cell it holds, so unbounded tables freeze the UI).

Attributes down, messages up: the owner listens for ``PagedTable.NeedMore`` and
answers with ``append_page``; it starts over with ``show_first_page``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

Row = tuple[str, Sequence[Text | str]]
"""A row key (stable id as a string) and its cells."""

PREFETCH_ROWS = 20
"""Ask for the next page when the cursor is this close to the last row."""


class PagedTable(DataTable[Text | str]):
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

    def show_first_page(self, rows: Sequence[Row], *, has_more: bool) -> None:
        """Replace the contents with the first page."""
        self.has_more = False
        self.clear()
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
            kept = [(str(key.value), self.get_row(key)) for key in list(self.rows)[keep_from:]]
            self.clear()
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
        for key, cells in rows:
            self.add_row(*cells, key=key)

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
