"""QuickDrawTable keeps its own and its zebra rows' styles: they must stay what Textual
computes, through focus, blur and a theme change (when Textual drops its cache)."""

from __future__ import annotations

from paged_table_app import TableApp
from rich.style import Style
from rich.text import Text
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from storeadmin.widgets.column_fit import ColumnSpec
from storeadmin.widgets.paged_table import PagedTable

COLUMNS = (ColumnSpec("Name", priority=1), ColumnSpec("Spent", priority=1))
ROWS = [(str(n), (Text(f"customer {n}"), Text(f"{n}.00"))) for n in range(6)]


class FieldAndTable(TableApp):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Input(id="field")
        yield from super().compose()


def assert_styles_are_textuals(table: PagedTable) -> None:
    assert table.rich_style == DOMNode.rich_style.fget(table)  # type: ignore[attr-defined]
    base = Style(bgcolor="grey11")
    for row in range(-1, table.row_count):
        assert table._get_row_style(row, base) == DataTable._get_row_style(table, row, base)


async def settle(pilot: Pilot[None]) -> PagedTable:
    await pilot.pause()
    table = pilot.app.query_one(PagedTable)
    table.rich_style  # noqa: B018 - fill the cache the way drawing does
    table._get_row_style(1, Style())
    return table


async def test_kept_styles_follow_focus_blur_and_theme() -> None:
    app = FieldAndTable(COLUMNS, ROWS)
    async with app.run_test(size=(60, 12)) as pilot:
        table = await settle(pilot)
        assert_styles_are_textuals(table)
        table.focus()
        table = await settle(pilot)
        assert_styles_are_textuals(table)
        app.query_one(Input).focus()
        table = await settle(pilot)
        assert_styles_are_textuals(table)
        before = table.rich_style
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        table = await settle(pilot)
        assert_styles_are_textuals(table)
        assert table.rich_style != before
