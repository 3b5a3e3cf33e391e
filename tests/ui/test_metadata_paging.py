"""The metadata form at and past the limit (issue 14 item 1) and its keys (issue 12):
a page of row widgets over the list of every field, Up / Down / PgUp / PgDn between
rows (pages turn as the cursor goes), a burst of keys after ctrl+n loses no Tab, and a
store already past the limit opens, says so, and can be saved smaller."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from storeadmin.core.models import MetadataField
from storeadmin.core.validation import MAX_METADATA_FIELDS
from storeadmin.data import open_sql_store
from storeadmin.widgets.metadata_form import PAGE_ROWS, MetadataForm, MetadataRow
from support import factories
from support.ui import build_ui_store, make_app, screen_text, wait_ready

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def open_metadata(pilot: Pilot[None], customer: str) -> None:
    """The app connected, then the customer's Metadata tab loaded."""
    await wait_ready(pilot)
    pilot.app.open_customer(customer, "metadata")  # type: ignore[attr-defined]
    await pilot.pause()
    await wait_ready(pilot)


def many(count: int) -> tuple[MetadataField, ...]:
    return tuple(MetadataField(f"k{i:04d}", f"v{i}") for i in range(count))


class FormApp(App[None]):
    """One form on ``fields``; records what it submits."""

    def __init__(self, fields: tuple[MetadataField, ...]) -> None:
        super().__init__()
        self.fields = fields
        self.submitted: list[MetadataForm.Submitted] = []

    def now(self) -> datetime:
        return NOW

    def compose(self) -> ComposeResult:
        yield MetadataForm(self.fields, "7")

    @on(MetadataForm.Submitted)
    def _submitted(self, event: MetadataForm.Submitted) -> None:
        self.submitted.append(event)


def field_input(row: MetadataRow, column: str) -> Input:
    return row.query_one(f".metadata-{column}", Input)


def cursor(app: App[None]) -> tuple[int, str]:
    """(row index, column) of the focused metadata field."""
    focused = app.focused
    assert isinstance(focused, Input), focused
    row = next(r for r in focused.ancestors if isinstance(r, MetadataRow))
    return row.index, "key" if focused.has_class("metadata-key") else "value"


async def test_the_limit_shows_one_page_of_widgets_and_submits_every_field() -> None:
    fields = many(MAX_METADATA_FIELDS)
    app = FormApp(fields)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = app.query_one(MetadataForm)
        assert len(app.query(MetadataRow)) == PAGE_ROWS
        assert form.fields == fields
        page = str(app.query_one("#metadata-page", Static).render())
        assert f"Rows 1–{PAGE_ROWS} of {MAX_METADATA_FIELDS}" in page

        field_input(app.query(MetadataRow).first(), "value").focus()
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "down", "up", "down")
        assert cursor(app) == (41, "value")  # page two
        assert next(row.index for row in app.query(MetadataRow)) == PAGE_ROWS
        await pilot.press("end", *"x")
        await pilot.pause()
        assert form.dirty
        await pilot.press("up", "up", "up")  # back across the page edge
        assert cursor(app) == (38, "value")
        assert len(app.query(MetadataRow)) == PAGE_ROWS
        await pilot.press("ctrl+s")
        await pilot.pause()
        (sent,) = app.submitted
        assert sent.fields[41] == MetadataField("k0041", "v41x")
        assert sent.fields[:41] == fields[:41]
        assert sent.fields[42:] == fields[42:]


async def test_up_and_down_move_between_rows_in_the_same_column() -> None:
    app = FormApp(many(3))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        field_input(app.query(MetadataRow).first(), "key").focus()
        await pilot.press("down")
        assert cursor(app) == (1, "key")
        await pilot.press("tab", "down")
        assert cursor(app) == (2, "value")
        await pilot.press("down")  # the last row: stays
        assert cursor(app) == (2, "value")
        await pilot.press("up", "up", "up")
        assert cursor(app) == (0, "value")
        assert not app.query_one(MetadataForm).dirty


async def test_a_burst_of_keys_after_add_field_loses_no_tab() -> None:
    app = FormApp(many(2))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        field_input(app.query(MetadataRow).first(), "value").focus()
        await pilot.press("ctrl+n", *"Tier", "tab", *"gold", "ctrl+n", *"Rank", "tab", *"vip")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (sent,) = app.submitted
        assert sent.fields[2:] == (MetadataField("Tier", "gold"), MetadataField("Rank", "vip"))


async def test_an_error_on_another_page_turns_to_it_and_flags_the_row() -> None:
    fields = list(many(120))
    fields[100] = MetadataField("k0100", "")  # refused: a key needs a value
    app = FormApp(tuple(fields))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        field_input(app.query(MetadataRow).first(), "key").focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.submitted == []
        assert cursor(app) == (100, "value")
        flagged = [row.index for row in app.query(MetadataRow) if row.has_class("-invalid")]
        assert flagged == [100]
        await pilot.press(*"ok", "ctrl+s")
        await pilot.pause()
        assert app.submitted[0].fields[100] == MetadataField("k0100", "ok")


async def test_a_store_past_the_limit_opens_says_so_and_can_shrink(tmp_path: Path) -> None:
    store = build_ui_store(tmp_path / "store.sqlite3")
    service = open_sql_store(store.url, actor="setup")
    try:  # planted directly, as a store written before the limit holds them
        factories.metadata(service.engine, store.bob, **{f"k{i:04d}": "v" for i in range(2000)})
    finally:
        service.close()
    app = make_app(store.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_metadata(pilot, store.bob)
        text = screen_text(app)
        assert "holds 2,000 fields, over the store's limit of 200" in text
        assert "Rows 1–40 of 2,000" in text
        assert len(app.screen.query(MetadataRow)) == PAGE_ROWS
        first = app.screen.query(MetadataRow).first()
        field_input(first, "key").focus()
        await pilot.press("ctrl+u", "tab", "ctrl+u", "ctrl+s")  # clear row 1: remove it
        await wait_ready(pilot)
        assert len(app.service.get_metadata(store.bob)) == 1999
        assert "holds 1,999 fields" in screen_text(app)


async def test_a_burst_on_the_details_screen_loses_no_tab(tmp_path: Path) -> None:
    """ctrl+n from the tab's body (the screen's binding), then the row typed at once."""
    store = build_ui_store(tmp_path / "store.sqlite3")
    app = make_app(store.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_metadata(pilot, store.bob)
        before = app.service.get_metadata(store.bob)
        await pilot.press("ctrl+n", *"Tier", "tab", *"gold", "ctrl+n", *"Rank", "tab", *"vip")
        await pilot.press("ctrl+s")
        await wait_ready(pilot)
        saved = {f.key: f.value for f in app.service.get_metadata(store.bob)}
        assert saved == {**{f.key: f.value for f in before}, "Tier": "gold", "Rank": "vip"}
