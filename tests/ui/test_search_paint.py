"""What a keystroke's results cost to paint: the search screen redoes only what changed
(the footer when a key's availability changes, the columns when their widths do), and
what it paints is the same as before."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from storeadmin.widgets.chrome import RecomposingFooter
from support.ui import UiStore, make_app, wait_ready

SIZE = (120, 40)


async def search(pilot: Pilot[None], text: str) -> None:
    """Replace the query with ``text`` and wait for its results."""
    field = pilot.app.screen.query_one("#query", Input)
    field.value = text
    await pilot.pause(0.1)
    await wait_ready(pilot)


def footer_keys(pilot: Pilot[None]) -> list[str]:
    return [key.description for key in pilot.app.screen.query(FooterKey)]


def count_recomposes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per footer recompose from now on."""
    calls: list[int] = []
    original = RecomposingFooter.recompose

    async def recompose(self: RecomposingFooter) -> None:
        calls.append(1)
        await original(self)

    monkeypatch.setattr(RecomposingFooter, "recompose", recompose)
    return calls


async def test_a_search_that_still_finds_rows_leaves_the_footer_alone(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "Player0")
        recomposes = count_recomposes(monkeypatch)
        await search(pilot, "Player01")
        await search(pilot, "Player02")
        assert recomposes == []
        assert "Results" in footer_keys(pilot)


async def test_the_footer_follows_results_appearing_and_going(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "Player0")
        assert "Results" in footer_keys(pilot)
        await search(pilot, "nobody-is-called-this")
        assert "Results" not in footer_keys(pilot)
        await search(pilot, "Player0")
        assert "Results" in footer_keys(pilot)


async def test_results_are_sized_without_measuring_every_cell(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import _data_table

    from storeadmin.widgets.search_results import SearchResults

    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        measured: list[object] = []
        original = _data_table.measure

        def counting_measure(*args: object, **kwargs: object) -> int:
            measured.append(args[1])
            return original(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(_data_table, "measure", counting_measure)
        await search(pilot, "Player0")
        table = app.screen.query_one(SearchResults)
        assert table.row_count >= 9
        # The column labels are measured when the columns are made, never the cells.
        assert len(measured) <= len(table.columns)
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert table.virtual_size.width == widths
        assert table.virtual_size.height == table.row_count + 1  # the header row
