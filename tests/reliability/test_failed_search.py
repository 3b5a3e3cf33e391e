"""A failed search clears the previous query's rows (issue 14, item 7): rows left above
"Search failed" read as the answer to the new query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from storeadmin.core.errors import Unavailable
from storeadmin.widgets.search_results import SearchResults
from support.ui import build_ui_store, make_app, wait_ready


async def test_a_failed_search_leaves_no_rows_of_the_previous_query(tmp_path: Path) -> None:
    store = build_ui_store(tmp_path / "store.sqlite3")
    app = make_app(store.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        table = app.screen.query_one(SearchResults)
        assert table.row_count > 0  # the newest customers

        def down(*_args: Any, **_kwargs: Any) -> Any:
            raise Unavailable("lost the connection: nothing was saved — try again")

        app.service.search_customers = down
        field = app.screen.query_one("#query", Input)
        field.focus()
        await pilot.press(*"ali")
        await pilot.pause(0.6)  # past the search debounce
        await wait_ready(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert status.startswith("Search failed")
        assert table.row_count == 0
