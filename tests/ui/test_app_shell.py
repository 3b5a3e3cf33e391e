"""The App shell: header, redaction, error reporting, cold start, and SQL off the UI thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from textual.widgets import Input

from storeadmin.app import StoreAdminApp, build_app
from storeadmin.config import Settings
from storeadmin.core.errors import NotFound
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.stores import parse_location
from storeadmin.widgets.search_results import SearchResults
from support.ui import (
    FIXED_NOW,
    UiStore,
    make_app,
    screen_text,
    service_factory,
    wait_for_text,
    wait_ready,
)

SIZE = (120, 40)


class StoreInfoWithPassword:
    """Wraps a real service; its store_info leaks a password in the URL."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def store_info(self) -> Any:
        info = self._inner.store_info()
        return replace(
            info,
            name="[@click=app.quit]Shop[/]",
            location="postgresql://admin:s3cret@db.example:5432/store",
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_header_names_the_store_and_never_shows_a_password(ui_store: UiStore) -> None:
    real = service_factory(ui_store.url)
    app = StoreAdminApp(lambda: StoreInfoWithPassword(real()), clock=lambda: FIXED_NOW)  # type: ignore[arg-type, return-value]
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        text = await wait_for_text(pilot, "Shop")
        header = text.splitlines()[0]
        assert "[@click=app.quit]Shop[/]" in header
        assert "postgresql://admin:***@db.example:5432/store" in header
        assert "s3cret" not in text
        assert app.is_running


async def test_header_of_a_real_store(sql_ui_store: UiStore) -> None:
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert app.title == "Test Store"
        assert app.sub_title.endswith("ui-store.sqlite3")
        assert app.now() == FIXED_NOW


def test_location_label_hides_passwords() -> None:
    def label(text: str) -> str:
        return parse_location(text).label

    assert label("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert label("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert label("/home/me/store.sqlite3") == "/home/me/store.sqlite3"


async def test_service_before_connecting_is_an_error() -> None:
    app = StoreAdminApp(lambda: pytest.fail("not called"))  # type: ignore[arg-type, return-value]
    with pytest.raises(RuntimeError):
        _ = app.service
    assert app.now().tzinfo is not None


async def test_report_error_is_one_plain_line(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        app.report_error(NotFound("customer [b]#9[/b] \x1b[31m"), context="opening the customer")
        app.report_error(ValueError("token=sa_secret"), context="saving")
        await pilot.pause()
        first, second = list(app._notifications)
        assert first.severity == "error"
        assert first.message == "Error while opening the customer: customer [b]#9[/b] ␛[31m"
        assert first.markup is False
        assert second.message == "unexpected error while saving: ValueError"
        assert "sa_secret" not in screen_text(app)


async def test_no_sql_runs_on_the_ui_thread(sql_ui_store: UiStore) -> None:
    on_ui_thread: list[str] = []
    statements: list[str] = []
    real = service_factory(sql_ui_store.url)

    def factory() -> Any:
        service = real()

        @event.listens_for(service.engine, "before_cursor_execute")
        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)
            if threading.current_thread() is threading.main_thread():
                on_ui_thread.append(statement)

        return service

    app = StoreAdminApp(factory, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        app.screen.query_one("#query", Input).value = "alice"
        await pilot.pause(0.3)
        await wait_ready(pilot)
        assert app.screen.query_one(SearchResults).row_count == 1
        try:
            import storeadmin.screens.customer_details  # noqa: F401
        except ImportError:
            pass
        else:
            await pilot.press("down", "enter")
            await wait_ready(pilot)
            assert not isinstance(app.screen, CustomerSearchScreen)
            await pilot.press("escape")
            await wait_ready(pilot)
    assert statements
    assert on_ui_thread == []


def test_the_app_module_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys, storeadmin.app, storeadmin.screens.customer_search;"
        "bad = [m for m in sys.modules if m.startswith(('sqlalchemy', 'storeadmin.data'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_build_app_opens_a_new_store_in_a_worker(tmp_path: Path) -> None:
    settings = Settings(location=str(tmp_path / "new.sqlite3"), admin="alice")
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert app.is_connected
        assert app.service.actor == "alice"
        assert app.screen.query_one("#empty-store").display


async def test_build_app_builds_the_demo_store_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    release = threading.Event()

    def ensure_demo_store(path: str) -> None:
        release.wait(10)  # the first build takes a while: the screen says so meanwhile
        built.append(path)

    fake_demo = types.ModuleType("storeadmin.demo")
    fake_demo.ensure_demo_store = ensure_demo_store  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "storeadmin.demo", fake_demo)
    path = str(tmp_path / "demo.sqlite3")
    app = build_app(Settings(location=path, admin="alice", demo=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Opening the demo store" in await wait_for_text(pilot, "Opening the demo store")
        assert not app.is_connected
        release.set()
        await wait_ready(pilot)
        assert built == [path]
        assert app.is_connected
