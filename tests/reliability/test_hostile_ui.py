"""Hostile data in the TUI: every screen, tab, modal, notification and the palette show
markup-like names literally, never turn them into actions, and never let ESC/OSC/C1/
DEL/NUL/bidi from data reach the terminal. The assertions are on the bytes the driver
writes (what the admin's terminal would receive), plus snapshots at 80×24 and 60×15.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_tools import wedged_endpoint
from hostile_ui_support import (
    MARKUP_NAMES,
    PAYLOADS,
    RAW_FORBIDDEN,
    VISIBLE,
    HostileStore,
    build_hostile_store,
    capturing_driver,
    hostile_app,
)
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from storeadmin.app import StoreAdminApp
from storeadmin.core.errors import Conflict
from storeadmin.data import engine as engine_module
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.modals.ban import UnbanModal
from storeadmin.screens.modals.edit_customer import EditCustomerModal
from storeadmin.screens.modals.help import HelpScreen
from storeadmin.screens.modals.revoke import RevokeModal
from storeadmin.screens.modals.tokens import TokensModal
from storeadmin.screens.startup import ConnectErrorScreen
from storeadmin.widgets.search_results import SearchResults

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC local time and a steady cursor (as in tests/ui), for stable screens."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> HostileStore:
    return build_hostile_store(tmp_path / "hostile.sqlite3")


async def settle(pilot: Pilot[Any], *, rounds: int = 20) -> None:
    """Wait until the app is connected and no worker is running."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not getattr(app, "connecting", False) and all(w.is_finished for w in app.workers):
            break
    await pilot.pause()


async def search(pilot: Pilot[Any], text: str) -> None:
    field = pilot.app.screen.query_one("#query", Input)
    field.focus()
    field.value = text
    await pilot.pause(0.3)  # past the debounce
    await settle(pilot)


def assert_terminal_clean(written: str) -> None:
    for raw in RAW_FORBIDDEN:
        assert raw not in written, f"{raw!r} reached the terminal"


# ---------------------------------------------------------------- the capture works


async def test_the_capture_would_see_a_raw_escape() -> None:
    """Control: without display_safe, Rich/Textual do pass the payload through."""

    class Naive(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(Text("\x1b]0;PWNED\x07 \x1b[31;7mREDX"))

    written: list[str] = []
    app = Naive()
    app.driver_class = capturing_driver(written)
    async with app.run_test(size=(80, 24), headless=False) as pilot:
        await pilot.pause()
    assert "\x1b]0;PWNED" in "".join(written)


# ---------------------------------------------------------------- every widget


async def _visit_everything(pilot: Pilot[Any], store: HostileStore, *, full: bool) -> None:
    """Search, results, details header and every tab; with ``full`` also each modal,
    a notification and the palette."""
    app: StoreAdminApp = pilot.app  # type: ignore[assignment]
    await settle(pilot)
    await search(pilot, "zed")
    table = app.screen.query_one(SearchResults)
    assert table.row_count == 1 + len(MARKUP_NAMES) + len(PAYLOADS)
    # The admin types markup into the search (echoed in the status line).
    await search(pilot, "[@click=app.quit]x[/] [link=x]")

    app.open_customer(store.everything)
    await settle(pilot)
    assert isinstance(app.screen, CustomerDetailsScreen)
    await pilot.press("i")  # the item's commands
    await settle(pilot)
    await pilot.press("escape")
    for key in ("2", "enter", "escape", "3", "enter", "escape", "4", "5", "1"):
        await pilot.press(key)
        await settle(pilot)
    if not full:
        return

    customer = app.service.get_customer(store.everything).customer
    [item] = app.service.list_inventory(store.everything).items
    for modal in (
        UnbanModal(customer),
        TokensModal(customer),
        RevokeModal(customer, item),
    ):
        app.push_screen(modal)
        await settle(pilot)
        app.pop_screen()
        await settle(pilot)

    # A real refusal whose message carries the hostile name, as a notification.
    other = app.service.get_customer(store.markup[MARKUP_NAMES[0]]).customer
    with pytest.raises(Conflict) as refusal:
        app.service.edit_customer(
            other.id, expected_version=other.version, external_id=customer.external_id
        )
    assert "PWNED" in str(refusal.value)
    app.report_error(refusal.value, context="saving")
    await settle(pilot)

    await pilot.press("ctrl+p")
    await pilot.press(*"[@click=app.quit]x[/]")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


@pytest.mark.parametrize(
    ("size", "full"), [((80, 24), True), ((60, 15), False)], ids=["80x24", "60x15"]
)
async def test_hostile_data_never_reaches_the_terminal(
    store: HostileStore, size: tuple[int, int], full: bool
) -> None:
    written: list[str] = []
    app = hostile_app(store.url)
    app.driver_class = capturing_driver(written)
    async with app.run_test(size=size, headless=False) as pilot:
        await _visit_everything(pilot, store, full=full)
        assert app.is_running  # no markup became app.quit
        assert app.return_code is None
    output = "".join(written)
    assert_terminal_clean(output)
    for visible in VISIBLE:
        assert visible in output, f"{visible!r} was never shown"
    assert "[@click=app.quit]x[/]" in output


async def test_edit_dialog_never_writes_planted_escapes(store: HostileStore) -> None:
    written: list[str] = []
    app = hostile_app(store.url)
    app.driver_class = capturing_driver(written)
    async with app.run_test(size=(80, 24), headless=False) as pilot:
        await settle(pilot)
        app.open_customer(store.everything)
        await settle(pilot)
        customer = app.service.get_customer(store.everything).customer
        app.push_screen(EditCustomerModal(customer))
        await settle(pilot)
        assert app.is_running
    assert_terminal_clean("".join(written))


async def test_clicking_markup_names_triggers_nothing(store: HostileStore) -> None:
    """A name holding ``[@click=app.quit]`` is clicked in the results and the header."""
    app = hostile_app(store.url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search(pilot, "zed [@click")
        table = app.screen.query_one(SearchResults)
        assert table.row_count == 1
        name_cell = table.get_row_at(0)[0]
        assert "[@click=app.quit]x[/]" in str(name_cell)
        # A click on the row opens that customer (the row's own action), nothing else.
        await pilot.click(SearchResults, offset=(6, 1))
        await settle(pilot)
        assert app.is_running
        if not isinstance(app.screen, CustomerDetailsScreen):
            app.open_customer(store.markup["Zed [@click=app.quit]x[/]"])
            await settle(pilot)
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert app.screen.customer_id == store.markup["Zed [@click=app.quit]x[/]"]
        for offset in range(2, 30, 3):
            await pilot.click("#stats-name", offset=(offset, 0))
        await settle(pilot)
        assert app.is_running
        assert app.return_code is None


# ---------------------------------------------------------------- snapshots


def after_search(text: str, *keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await search(pilot, text)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


def open_everything(store: HostileStore) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.open_customer(store.everything)  # type: ignore[attr-defined]
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (60, 15)], ids=["80x24", "60x15"])
def test_snapshot_hostile_search_results(
    snap_compare: SnapCompare, store: HostileStore, size: tuple[int, int]
) -> None:
    assert snap_compare(
        hostile_app(store.url), run_before=after_search("zed", "down"), terminal_size=size
    )


@pytest.mark.parametrize("size", [(80, 24), (60, 15)], ids=["80x24", "60x15"])
def test_snapshot_hostile_customer_details(
    snap_compare: SnapCompare, store: HostileStore, size: tuple[int, int]
) -> None:
    assert snap_compare(
        hostile_app(store.url), run_before=open_everything(store), terminal_size=size
    )


# ---------------------------------------------------------------- never frozen


async def test_screen_stays_responsive_while_connecting_to_a_wedged_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The connect runs in a worker: keys are handled while it waits on a silent server."""
    from storeadmin.data import open_sql_store

    # Short, yet long enough for the keys below on a loaded 2-core box (2 s lost the race
    # once under `pytest -n 2` beside a benchmark).
    monkeypatch.setattr(engine_module, "PG_CONNECT_TIMEOUT_S", 8)
    with wedged_endpoint() as endpoint:
        url = f"postgresql://admin:S3cretPw@127.0.0.1:{endpoint.port}/store"
        app = StoreAdminApp(lambda: open_sql_store(url, actor="alice"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(*"alice")
            assert app.connecting  # still waiting on the silent server...
            assert app.screen.query_one("#query", Input).value == "alice"  # ...yet typing works
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert app.connecting
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not app.connecting
            assert isinstance(app.screen, ConnectErrorScreen)
            assert endpoint.accepted
            reason = app.connect_error or ""
            assert f"127.0.0.1:{endpoint.port}" in reason
            assert "S3cretPw" not in reason
