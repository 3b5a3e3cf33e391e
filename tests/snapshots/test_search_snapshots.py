"""Snapshots of the search screen (pytest-textual-snapshot; accept with --snapshot-update).

The app is deterministic: fixed clock, TZ=UTC, the seeded UI store, no cursor blink,
and a fixed database label in the header (the real one holds a tmp path).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from storeadmin.app import StoreAdminApp
from storeadmin.data.sql_service import open_service

SnapCompare = Callable[..., bool]


def _load_ui_support() -> ModuleType:
    """The UI fixtures module (tests/ui/conftest.py), loaded under its own name."""
    path = Path(__file__).parents[1] / "ui" / "conftest.py"
    if "storeadmin_ui_support" in sys.modules:
        return sys.modules["storeadmin_ui_support"]
    spec = importlib.util.spec_from_file_location("storeadmin_ui_support", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running it: dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ui = _load_ui_support()


class FixedLabel:
    """A real service whose store_info names the database the same way on every run."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def store_info(self) -> Any:
        return replace(self._inner.store_info(), database="sqlite:///snapshot-store.sqlite3")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def snapshot_app(url: str) -> StoreAdminApp:
    """The app on ``url`` with the fixed clock and label."""

    def factory() -> Any:
        return FixedLabel(open_service(url, actor="alice", clock=lambda: ui.FIXED_NOW))

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


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC local time and a steady cursor, as in tests/ui."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """The seeded UI store."""
    return ui.build_ui_store(tmp_path / "ui-store.sqlite3")


def test_newest_customers(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(
        snapshot_app(store.url), run_before=after(expect="Player040"), terminal_size=(120, 40)
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
    open_service(str(path), actor="setup").close()
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
