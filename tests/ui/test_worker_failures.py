"""A failed worker of any screen, modal or widget reaches the App's one handler, once.

Textual delivers ``Worker.StateChanged`` only to the node that started the worker
(``bubble=False``), and offers no public "any worker failed" hook; the nodes forward
through ``storeadmin.widgets.reporting.ReportsWorkerFailures``. These tests fail if a
node that starts workers lacks it, or if a failure is reported twice or not at all.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

from textual import work
from textual.screen import Screen
from textual.widgets import Static
from textual.worker_manager import WorkerManager

import storeadmin.screens
import storeadmin.widgets
from storeadmin.app import StoreAdminApp
from storeadmin.core.errors import Unavailable
from storeadmin.core.models import CustomerSummary, Page, StoreInfo
from storeadmin.widgets.reporting import ReportsWorkerFailures
from support.ui import FIXED_NOW, wait_ready


def _starts_workers(node: ast.ClassDef) -> bool:
    """True when the class body uses ``@work`` or calls ``run_worker``."""
    for child in ast.walk(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in child.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name) and target.id == "work":
                    return True
        if isinstance(child, ast.Attribute) and child.attr == "run_worker":
            return True
    return False


def _worker_classes() -> Iterator[tuple[str, type]]:
    for package in (storeadmin.screens, storeadmin.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and _starts_workers(node):
                    yield f"{info.name}.{node.name}", getattr(module, node.name)


def test_every_node_that_starts_workers_reports_their_failures() -> None:
    found = dict(_worker_classes())
    assert "storeadmin.screens.customer_search.CustomerSearchScreen" in found
    assert "storeadmin.widgets.tab_base.PagedTab" in found
    missing = [name for name, cls in found.items() if not issubclass(cls, ReportsWorkerFailures)]
    assert missing == []


def test_the_app_uses_textuals_own_worker_manager() -> None:
    app = StoreAdminApp(lambda: None)  # type: ignore[arg-type, return-value]
    assert type(app.workers) is WorkerManager


class _Service:
    """Just enough of a store to connect."""

    def store_info(self) -> StoreInfo:
        return StoreInfo(name="Fake", currency="USD", location="fake://", customers=0)

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        return Page(items=())

    def close(self) -> None:
        pass


class _Failing(ReportsWorkerFailures, Screen[None]):
    """A screen whose worker raises, and which shows the failure itself too."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def compose(self) -> Iterator[Static]:
        yield Static("failing")

    def on_mount(self) -> None:
        self._boom()

    @work(thread=True, exit_on_error=False, group="boom", name="loading the boom")
    def _boom(self) -> None:
        raise Unavailable("the boom is locked")

    def on_worker_state_changed(self, event: object) -> None:
        self.seen.append("own handler")


async def test_a_screen_worker_failure_is_reported_once_and_the_screen_sees_it() -> None:
    app = StoreAdminApp(lambda: _Service(), clock=lambda: FIXED_NOW)  # type: ignore[arg-type, return-value]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = _Failing()
        await app.push_screen(screen)
        for _ in range(50):
            await pilot.pause(0.02)
            if app._notifications and screen.seen:
                break
        await pilot.pause(0.1)
        notes = [n.message for n in app._notifications]
        assert notes == ["Error while loading the boom: the boom is locked"]
        assert "own handler" in screen.seen
        assert app.is_running
