"""The customer search screen driven through Pilot on a seeded SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from storeadmin.app import StoreAdminApp
from storeadmin.core.errors import Unavailable
from storeadmin.core.identifiers import VANITY_LINK_SEARCH
from storeadmin.core.models import CustomerSummary, MatchKind, Page, Platform, StoreInfo
from storeadmin.core.money import Money
from storeadmin.screens import customer_search
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.screens.modals.help import HelpScreen
from storeadmin.screens.startup import ConnectErrorScreen
from storeadmin.widgets.search_results import SearchResults
from support.ui import (
    ESCAPE_NAME,
    EVIL_MARKUP_NAME,
    FIXED_NOW,
    UiStore,
    make_app,
    screen_text,
    service_factory,
    wait_for_text,
    wait_ready,
)

SIZE = (120, 40)
SETTLE_SECONDS = 0.1
"""Long enough for a keystroke's search to have started."""


def opened(app: StoreAdminApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record open_customer calls instead of pushing the details screen."""
    calls: list[int] = []
    monkeypatch.setattr(
        app, "open_customer", lambda customer_id, tab="inventory": calls.append(customer_id)
    )
    return calls


def results(pilot: Pilot[None]) -> SearchResults:
    return pilot.app.screen.query_one(SearchResults)


def names(table: SearchResults) -> list[str]:
    return [table.get_row_at(row)[0].plain for row in range(table.row_count)]


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status", Static).render())


async def search(pilot: Pilot[None], text: str) -> None:
    """Replace the query with ``text`` and wait for its results."""
    field = pilot.app.screen.query_one("#query", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text) if text else None
    await pilot.pause(SETTLE_SECONDS)
    await wait_ready(pilot)


async def test_empty_query_lists_newest_and_input_has_focus(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert isinstance(app.focused, Input)
        table = results(pilot)
        assert table.row_count == 65
        assert names(table)[:3] == ["␛]0;PWNED␇Eve", EVIL_MARKUP_NAME, "Mallory"]  # newest first
        assert "65 customers" in status(pilot)


async def test_typing_a_name_shows_the_customer(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "ali")
        table = results(pilot)
        assert names(table) == ["Alice"]
        row = [cell.plain for cell in table.get_row_at(0)]
        assert row[2:5] == ["steam", "76561198000000001", "2025-03-02"]
        assert "SUB" in row[1]
        assert status(pilot) == "1 customer"


async def test_banned_badge_and_no_match_message(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "mallory")
        assert "BANNED" in results(pilot).get_row_at(0)[1].plain
        await search(pilot, "zzzz")
        assert results(pilot).row_count == 0
        assert status(pilot) == "No customer matches “zzzz”"
        # A custom-name Steam link holds no ID: say what to paste instead.
        await search(pilot, "https://steamcommunity.com/id/gabelogannewell/")
        assert status(pilot) == VANITY_LINK_SEARCH
        assert len(VANITY_LINK_SEARCH) <= 76  # one status line at 80 columns


async def test_paging_loads_more_rows_at_the_bottom(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(customer_search, "PAGE_SIZE", 20)
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "player")
        table = results(pilot)
        assert table.row_count == 20
        assert status(pilot) == "20+ customers"
        await pilot.press("down")
        assert app.focused is table
        for expected in (40, 60):
            await pilot.press("end")
            await wait_ready(pilot)
            assert table.row_count == expected
        assert status(pilot) == "60 customers"
        assert len(set(names(table))) == 60


async def test_down_moves_into_results_and_slash_or_escape_back(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("down")
        assert isinstance(app.focused, SearchResults)
        await pilot.press("escape")
        assert isinstance(app.focused, Input)
        await pilot.press("down", "slash")
        assert isinstance(app.focused, Input)
        assert app.focused.value == ""


async def test_escape_in_the_input_clears_the_query(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "bob")
        await pilot.press("escape")
        await pilot.pause(SETTLE_SECONDS)
        await wait_ready(pilot)
        assert app.screen.query_one("#query", Input).value == ""
        assert results(pilot).row_count == 65


async def test_enter_on_a_row_opens_the_customer(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls = opened(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "bob")
        await pilot.press("down", "enter")
        assert calls == [ui_store.bob]


async def test_enter_opens_the_real_details_screen_and_escape_keeps_the_search(
    ui_store: UiStore,
) -> None:
    details = pytest.importorskip("storeadmin.screens.customer_details")
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "player05")
        await pilot.press("down", "down", "enter")
        await wait_ready(pilot)
        assert isinstance(app.screen, details.CustomerDetailsScreen)
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert app.screen.query_one("#query", Input).value == "player05"
        table = results(pilot)
        assert table.cursor_row == 1
        assert table.row_count == 10


async def test_enter_in_the_input_opens_an_exact_id_match(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls = opened(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        # Enter straight after typing: acts once the results for this text arrive.
        await pilot.press(*"76561198000000001", "enter")
        await wait_ready(pilot)
        assert calls == [ui_store.alice]
        # A name is not an exact match: Enter goes to the results instead.
        await search(pilot, "player")
        await pilot.press("enter")
        await wait_ready(pilot)
        assert calls == [ui_store.alice]
        assert isinstance(app.focused, SearchResults)


async def test_the_last_query_wins_over_a_stale_one(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        field = app.screen.query_one("#query", Input)
        await pilot.press(*"alice")
        await pilot.pause(0.02)  # "alice" is in flight
        field.value = ""
        await pilot.press(*"bob")
        await pilot.pause(SETTLE_SECONDS)
        await wait_ready(pilot)
        assert names(results(pilot)) == ["Bob"]
        # An answer to an older query arriving late is dropped.
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        stale = Page(items=(summary(99, "Stale"),))
        screen.post_message(CustomerSearchScreen.ResultsFound("alice", 1, stale))
        await pilot.pause()
        assert names(results(pilot)) == ["Bob"]


async def test_markup_like_name_is_shown_literally_and_is_inert(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls = opened(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "evil")
        table = results(pilot)
        assert table.get_row_at(0)[0].plain == EVIL_MARKUP_NAME
        await pilot.click(SearchResults, offset=(3, 1))
        await pilot.click(SearchResults, offset=(3, 1))
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.is_running
        assert calls
        assert set(calls) == {ui_store.evil}
        assert EVIL_MARKUP_NAME in await wait_for_text(pilot, EVIL_MARKUP_NAME)


async def test_escape_sequences_in_names_are_never_rendered_raw(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "eve")
        table = results(pilot)
        cell = table.get_row_at(0)[0].plain
        assert "\x1b" not in cell
        assert "\x07" not in cell
        assert cell == "␛]0;PWNED␇Eve"
        shown = await wait_for_text(pilot, "␛]0;PWNED␇Eve")
        assert "␛]0;PWNED␇Eve" in shown
        for shot in (app.export_screenshot(), shown):
            assert "\x1b]0;PWNED" not in shot
            assert "\x07" not in shot
            assert ESCAPE_NAME not in shot


async def test_empty_store_explains_how_to_get_data(empty_store_url: str) -> None:
    app = make_app(empty_store_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        empty = app.screen.query_one("#empty-store", Static)
        assert empty.display
        text = str(empty.render())
        assert "storeadmin --demo" in text
        assert "storeadmin demo --db PATH" in text
        assert "storeadmin --db URL" in text
        assert app.title == "Empty Store"


def summary(customer_id: int, name: str) -> CustomerSummary:
    return CustomerSummary(
        id=customer_id,
        username=name,
        platform=Platform.STEAM,
        external_id="76561198000000001",
        first_seen=datetime(2025, 1, 1, tzinfo=UTC),
        net_spent=Money(0, "USD"),
        banned=False,
        active_subscriber=False,
        matched_by=MatchKind.NAME_PREFIX,
    )


class FlakyService:
    """A fake store whose search fails while ``failing`` is set."""

    actor = "alice"

    def __init__(self) -> None:
        self.failing = False

    def store_info(self) -> StoreInfo:
        return StoreInfo(name="Fake", currency="USD", location="fake://", customers=1)

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        if self.failing:
            raise Unavailable("database is locked")
        return Page(items=(summary(1, f"match {query}"),))

    def close(self) -> None:
        pass


async def test_a_failing_search_shows_an_error_and_the_screen_stays_usable() -> None:
    fake = FlakyService()
    app = StoreAdminApp(lambda: fake, clock=lambda: FIXED_NOW)  # type: ignore[arg-type, return-value]
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        fake.failing = True
        await search(pilot, "x")
        [note] = list(app._notifications)
        assert note.severity == "error"
        assert note.message == "Error while searching: database is locked"
        assert "failed" in status(pilot)
        assert app.is_running
        fake.failing = False
        await search(pilot, "y")
        assert names(results(pilot)) == ["match y"]


def failing_factory(error: Exception) -> Callable[[], object]:
    def factory() -> object:
        raise error

    return factory


async def test_connect_failure_shows_the_error_view_and_quits_cleanly() -> None:
    app = StoreAdminApp(
        failing_factory(Unavailable("cannot open the database at db.example:5432: refused")),  # type: ignore[arg-type]
        location_label="postgresql://admin:***@db.example/store",
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, ConnectErrorScreen)
        shot = await wait_for_text(pilot, "refused")
        assert "cannot open the database at db.example:5432: refused" in shot
        assert "Traceback" not in shot
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 4


async def test_unexpected_connect_error_is_generic_and_retry_works(ui_store: UiStore) -> None:
    attempts: list[int] = []
    real = service_factory(ui_store.url)

    def factory() -> object:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("password=hunter2 in the connection string")
        return real()

    app = StoreAdminApp(factory, clock=lambda: FIXED_NOW)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert isinstance(app.screen, ConnectErrorScreen)
        shot = await wait_for_text(pilot, "RuntimeError")
        assert "hunter2" not in shot
        assert "RuntimeError" in shot
        await pilot.press("r")
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert results(pilot).row_count == 65


async def test_help_opens_and_closes(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        seen = await wait_for_text(pilot, "Ctrl+P")
        # The help is longer than the screen: page down through it, as an admin would.
        for _ in range(6):
            if all(key in seen for key in ("Customer details", "Ctrl+S", "revoke")):
                break
            await pilot.press("pagedown")
            await pilot.pause(0.1)
            seen += screen_text(app)
        for key in ("Ctrl+P", "Customer details", "Ctrl+S", "revoke"):
            assert key in seen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomerSearchScreen)
        # ? is a letter in the search field, and help on the results.
        await pilot.press("question_mark")
        assert app.screen.query_one("#query", Input).value == "?"
        await pilot.press("backspace", "down", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomerSearchScreen)


async def test_q_types_in_the_input_and_ctrl_q_quits_from_the_results(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("q")
        assert app.screen.query_one("#query", Input).value == "q"
        assert app.is_running
        await pilot.press("backspace")
        await pilot.pause(SETTLE_SECONDS)
        await wait_ready(pilot)
        await pilot.press("down", "ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_palette_opens_a_customer_by_id(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls = opened(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"open {ui_store.bob}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert calls == [ui_store.bob]


async def test_back_from_a_customer_refreshes_its_badges(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.screen import Screen

    app = make_app(ui_store.url)
    monkeypatch.setattr(
        app, "open_customer", lambda customer_id, tab="inventory": app.push_screen(Screen())
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await search(pilot, "bob")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, CustomerSearchScreen)
        # Another admin (or the details screen) bans Bob meanwhile.
        other = service_factory(ui_store.url)()
        try:
            other.ban_customer(ui_store.bob, reason="spam")
        finally:
            other.close()
        app.pop_screen()
        await pilot.pause()
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert "BANNED" in results(pilot).get_row_at(0)[1].plain
        assert results(pilot).get_row_at(0)[-1].plain == "name"
