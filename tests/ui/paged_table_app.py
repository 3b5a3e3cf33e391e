"""A bare app showing one fitted PagedTable: for tests of the table on its own."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult

from storeadmin.widgets.column_fit import ColumnSpec
from storeadmin.widgets.paged_table import PagedTable, Row


class TableApp(App[None]):
    """A PagedTable with ``columns``, showing ``rows`` as its first page."""

    def __init__(self, columns: Sequence[ColumnSpec], rows: Sequence[Row]) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._rows = list(rows)

    def compose(self) -> ComposeResult:
        yield PagedTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self._columns)
        table.show_first_page(self._rows, has_more=True)
