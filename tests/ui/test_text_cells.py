"""PagedTable renders one-line Text cells with ``text_cells.render_text_line``: every
cell must come out segment for segment as the DataTable's own rendering does."""

from __future__ import annotations

import pytest
from paged_table_app import TableApp
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from storeadmin.widgets import text_cells
from storeadmin.widgets.cells import badge, joined, plain
from storeadmin.widgets.column_fit import ColumnSpec, date_column
from storeadmin.widgets.paged_table import PagedTable


def right(text: str) -> Text:
    cell = plain(text)
    cell.justify = "right"
    return cell


COLUMNS = (
    ColumnSpec("Name", priority=1, min_width=6, max_width=14),
    ColumnSpec("Badges", priority=1),
    ColumnSpec("Spent", priority=1),
    date_column("When", priority=1),
    ColumnSpec("Note", priority=1, max_width=8, overflow="crop"),
)

ROWS: list[tuple[str, tuple[Text, ...]]] = [
    (
        "1",
        (
            plain("WhaleKing"),
            joined(badge("BANNED", "bold bright_white on red"), badge("SUB", "bold on green")),
            right("1,234.50 USD"),
            plain("2026-11-25 12:00"),
            plain("short", style="dim"),
        ),
    ),
    (
        "2",
        (
            plain("龍騎士さくら小明_łukasz_über_long"),
            Text(""),
            right("0.00 USD"),
            plain("1999-01-01 00:00"),
            plain("a note far too long for its column"),
        ),
    ),
    (
        "3",
        (
            plain("[bold]Hacker[/] \x1b]0;x\x07"),
            badge("SUB", "bold black on green"),
            right("-3.00 EUR"),
            plain(""),
            plain("tab\there\nsecond line"),
        ),
    ),
    ("4", (Text("plain Text, no style"), Text("x"), Text("9"), Text("d"), Text("e"))),
    (
        "5",
        (
            Text("left", justify="left", style="italic"),
            Text("", style="dim"),
            right("7.00 USD   "),
            Text("centred", justify="center"),
            Text("exactly8"),
        ),
    ),
    ("6", (plain("trailing  "), Text(" "), Text("1", style="bold"), plain("日本語"), Text(""))),
]


@pytest.mark.parametrize("width", [120, 48, 30])
async def test_fast_cells_equal_the_data_tables_rendering(width: int) -> None:
    app = TableApp(COLUMNS, ROWS)
    async with app.run_test(size=(width, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(PagedTable)
        assert table.row_count == len(ROWS)
        base = table.rich_style
        compared = 0
        for row_index in range(table.row_count):
            for column_index, column in enumerate(table.ordered_columns):
                cell_width = column.get_render_width(table)
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    for style in (base, base + Style(bgcolor="grey11")):
                        args = (row_index, column_index, style, cell_width, cursor, hover)
                        table._cell_render_cache.clear()
                        reference = DataTable._render_cell(table, *args)
                        table._cell_render_cache.clear()
                        fast = table._render_cell(*args)
                        assert fast == reference, (row_index, column_index, cursor, hover)
                        compared += 1
        assert compared == len(ROWS) * len(table.ordered_columns) * 6


async def test_the_fast_path_is_what_paints_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = text_cells.render_text_line

    def counting(*args: object) -> object:
        calls.append(1)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("storeadmin.widgets.quick_draw.render_text_line", counting)
    app = TableApp(COLUMNS, ROWS)
    async with app.run_test(size=(120, 12)) as pilot:
        await pilot.pause()
        assert len(calls) >= len(ROWS) * len(COLUMNS)


async def test_simple_cells_skip_the_wrapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """One-style cells that fit (most of a search page) are never wrapped."""
    wrapped: list[str] = []
    original = text_cells._wrapped_body

    def counting(console: object, text: Text, inner: int) -> object:
        wrapped.append(text.plain)
        return original(console, text, inner)  # type: ignore[arg-type]

    monkeypatch.setattr(text_cells, "_wrapped_body", counting)
    app = TableApp(COLUMNS, ROWS[:1])
    async with app.run_test(size=(120, 12)) as pilot:
        await pilot.pause()
    assert set(wrapped) == {" BANNED   SUB "}  # only the badges: a span per badge


def test_a_cell_narrower_than_its_padding_is_left_to_the_data_table() -> None:
    from rich.console import Console

    line = text_cells.render_text_line(Console(), Text("abc"), 2, 1, Style(), Style())
    assert line is None
