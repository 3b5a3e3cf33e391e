"""Refresh a DataTable in place: changed cells are updated, the cursor stays on its row.

A view that refreshes itself every few seconds must not flicker or lose the admin's
place: :func:`sync_rows` touches only the cells whose value changed, appends rows
that are new at the end, and rebuilds only when rows went away or moved, putting
the cursor back on the row it was on.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from storeadmin.widgets.paged_table import PagedTable, Row


def cursor_key(table: DataTable[Text | str]) -> str | None:
    """The key of the row under the cursor, if any."""
    if not table.row_count or not table.is_valid_coordinate(table.cursor_coordinate):
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def sync_rows(table: DataTable[Text | str], rows: Sequence[Row]) -> bool:
    """Make ``table`` show ``rows`` (in order) with as few changes as possible.

    Returns True when the table was rebuilt (rows removed or reordered), False when
    only cells were updated or rows appended.
    """
    if isinstance(table, PagedTable) and table.fitted:
        return table.sync(rows)
    old_keys = [str(key.value) for key in table.rows]
    new_keys = [key for key, _ in rows]
    columns = list(table.columns)
    if new_keys[: len(old_keys)] == old_keys:
        for key, cells in rows[: len(old_keys)]:
            current = table.get_row(key)
            for index, value in enumerate(cells):
                if index < len(columns) and current[index] != value:
                    table.update_cell(key, columns[index], value, update_width=True)
        for key, cells in rows[len(old_keys) :]:
            table.add_row(*cells, key=key)
        return False
    keep = cursor_key(table)
    row_index = table.cursor_row
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if keep is not None and keep in new_keys:
        table.move_cursor(row=new_keys.index(keep), animate=False)
    elif table.row_count:
        table.move_cursor(row=min(row_index, table.row_count - 1), animate=False)
    return True
