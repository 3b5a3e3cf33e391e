"""Snapshots of the search screen (pytest-textual-snapshot; accept with --snapshot-update).

The app is deterministic: fixed clock, TZ=UTC, the seeded UI store, no cursor blink,
and a fixed database label in the header (the real one holds a tmp path).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from storeadmin.app import StoreAdminApp
from storeadmin.data import open_sql_store
from support import ui
from support.ui import FixedLabel

SnapCompare = Callable[..., bool]


def snapshot_app(url: str) -> StoreAdminApp:
    """The app on ``url`` with the fixed clock and label."""

    def factory() -> Any:
        return FixedLabel(open_sql_store(url, actor="alice", clock=lambda: ui.FIXED_NOW))

    return StoreAdminApp(factory, clock=lambda: ui.FIXED_NOW)


def after(*keys: str, expect: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """run_before: wait for the store, type ``keys``, wait until ``expect`` is painted."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ui.wait_ready(pilot)
        if keys:
            await pilot.press(*keys)
            await pilot.pause(0.3)
            await ui.wait_ready(pilot)
        assert expect in await ui.wait_for_text(pilot, expect)

    return run_before


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """The seeded UI store."""
    return ui.build_ui_store(tmp_path / "ui-store.sqlite3")


def test_newest_customers(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(
        snapshot_app(store.url), run_before=after(expect="Player040"), terminal_size=(120, 40)
    )


def test_newest_customers_80x24(snap_compare: SnapCompare, store: Any) -> None:
    # Name, badges, the whole external ID (a UUID too) and net spent fit; a long name is cut.
    assert snap_compare(
        snapshot_app(store.url), run_before=after(expect="Player050"), terminal_size=(80, 24)
    )


def test_banned_customer_selected_80x24(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(
        snapshot_app(store.url),
        run_before=after(*"mallory", "down", expect="BANNED"),
        terminal_size=(80, 24),
    )


def test_markup_and_escapes_shown_literally(snap_compare: SnapCompare, store: Any) -> None:
    # The name "[bold red]Evil[/] [@click=app.quit]x[/]" shows as typed, on the cursor row.
    assert snap_compare(
        snapshot_app(store.url),
        run_before=after(*"evil", "down", expect="[@click=app.quit]x[/]"),
        terminal_size=(120, 40),
    )


def test_empty_store(snap_compare: SnapCompare, tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    open_sql_store(str(path), actor="setup").close()
    assert snap_compare(
        snapshot_app(f"sqlite:///{path}"),
        run_before=after(expect="storeadmin --db URL"),
        terminal_size=(120, 40),
    )


def test_help_80x24(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(
        snapshot_app(store.url),
        run_before=after("f1", expect="Customer search"),
        terminal_size=(80, 24),
    )
