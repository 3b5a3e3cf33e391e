"""A PagedTable keeps render caches of what it shows now only: the DataTable keys them by
its update count and would hold every older page's lines until its LRU limits."""

from __future__ import annotations

from paged_table_app import TableApp
from rich.text import Text

from storeadmin.widgets.column_fit import ColumnSpec
from storeadmin.widgets.paged_table import PagedTable, Row

COLUMNS = (ColumnSpec("Name"), ColumnSpec("Note"))


def page(start: int, count: int) -> list[Row]:
    return [(str(n), (Text(f"name {n}"), Text(f"note {n}"))) for n in range(start, start + count)]


def stale_entries(table: PagedTable) -> int:
    """Cached lines, rows and cells made at an older update count."""
    now = table._update_count
    line_keys = list(table._line_cache.keys())
    row_keys = list(table._row_render_cache.keys())
    cell_keys = list(table._cell_render_cache.keys())
    # The update count's place in each key (textual 8.2.8's DataTable).
    return (
        sum(1 for key in line_keys if key[9] != now)
        + sum(1 for key in row_keys if key[8] != now)
        + sum(1 for key in cell_keys if key[6] != now)
    )


async def test_appending_pages_and_updating_cells_leaves_no_stale_render_cache() -> None:
    app = TableApp(COLUMNS, page(0, 30))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(PagedTable)
        for start in (30, 60):
            table.append_page(page(start, 30), has_more=True)
            await pilot.pause()
        table.update_full_cell("5", "note", Text("changed"))
        table.refresh()
        await pilot.pause()
        assert table.row_count == 90
        assert len(table._line_cache) > 0  # the refreshed frame was rendered and cached
        assert stale_entries(table) == 0
