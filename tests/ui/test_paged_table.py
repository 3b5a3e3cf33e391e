"""PagedTable asks for pages near the end and never holds more than max_rows."""

from __future__ import annotations

from textual.app import App, ComposeResult

from storeadmin.widgets.paged_table import PagedTable, Row


def page(start: int, size: int) -> list[Row]:
    return [(str(i), (str(i), f"name {i}")) for i in range(start, start + size)]


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []
        self.next_start = 0

    def compose(self) -> ComposeResult:
        yield PagedTable(max_rows=250)

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_columns("id", "name")
        table.show_first_page(page(0, 100), has_more=True)
        self.next_start = 100

    def on_paged_table_need_more(self, message: PagedTable.NeedMore) -> None:
        self.requests.append("more")
        message.table.append_page(page(self.next_start, 100), has_more=self.next_start < 900)
        self.next_start += 100

    def on_paged_table_need_restart(self, message: PagedTable.NeedRestart) -> None:
        self.requests.append("restart")
        message.table.show_first_page(page(0, 100), has_more=True)
        self.next_start = 100


async def test_pages_in_near_the_end_and_caps_rows() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(PagedTable)
        await pilot.press("end")
        await pilot.pause()
        assert app.requests == ["more"]
        assert table.row_count == 200
        for _ in range(3):
            await pilot.press("end")
            await pilot.pause()
        assert table.row_count <= 250
        assert table.dropped_rows > 0
        assert table.selected_key() is not None
        await pilot.press("home")
        await pilot.pause()
        assert app.requests[-1] == "restart"
        assert table.row_count == 100
        assert table.selected_key() == "0"


async def test_no_request_without_more_pages() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(PagedTable)
        table.show_first_page(page(0, 30), has_more=False)
        await pilot.press("end")
        await pilot.pause()
        assert app.requests == []
