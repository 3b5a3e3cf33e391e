"""Opening a customer reads the header and every tab's first page at once.

The details screen asks ``open_customer`` once (one statement on SQL) and hands each
tab its first page; showing a tab afterwards reads nothing. A reload, a tab's own
reload and a failed open use the single reads, as before.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from details_helpers import SIZE, open_details, rows, screen, table_of, text_of
from sqlalchemy import event
from textual.pilot import Pilot
from textual.widgets import Static

from storeadmin.core.errors import Unavailable
from storeadmin.core.service import StoreService
from support.ui import UiStore, make_app, wait_ready

READS = (
    "open_customer",
    "get_customer",
    "list_inventory",
    "list_orders",
    "list_subscriptions",
    "get_metadata",
    "list_audit",
)


@contextmanager
def sql_statements(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[list[str], list[str]]]:
    """The statements (BEGIN/COMMIT aside) the service's engine runs inside the block:
    those of the customer reads, and apart those of the Inventory tab's Delivery column
    (``list_customer_commands``, its own read, not part of the open)."""
    reads: list[str] = []
    delivery: list[str] = []
    local = threading.local()
    real_commands = service.list_customer_commands

    def commands(*args: Any, **kwargs: Any) -> Any:
        local.delivery = True
        try:
            return real_commands(*args, **kwargs)
        finally:
            local.delivery = False

    def record(_conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            (delivery if getattr(local, "delivery", False) else reads).append(statement)

    monkeypatch.setattr(service, "list_customer_commands", commands)
    event.listen(service.engine, "before_cursor_execute", record)
    try:
        yield reads, delivery
    finally:
        event.remove(service.engine, "before_cursor_execute", record)


def count_reads(monkeypatch: pytest.MonkeyPatch, service: StoreService) -> Counter[str]:
    """Count the screen's calls of the service's customer reads (each still runs; a read
    one of them makes itself, as the memory store's ``open_customer`` does, is not counted)."""
    calls: Counter[str] = Counter()
    local = threading.local()
    for name in READS:
        monkeypatch.setattr(service, name, _counted(name, getattr(service, name), calls, local))
    return calls


def _counted(
    name: str, real: Callable[..., Any], calls: Counter[str], local: threading.local
) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        outer = not getattr(local, "inside", False)
        if outer:
            calls[name] += 1
        local.inside = True
        try:
            return real(*args, **kwargs)
        finally:
            local.inside = not outer

    return counted


async def show_every_tab(pilot: Pilot[None]) -> None:
    """Show each tab in turn (Orders … History, then Inventory)."""
    for key in ("2", "3", "4", "5", "1"):
        await pilot.press(key)
        await wait_ready(pilot)


async def test_opening_a_customer_on_sql_is_one_statement(
    sql_ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        with sql_statements(app.service, monkeypatch) as (statements, delivery):
            await open_details(pilot, sql_ui_store.alice)
            assert len(table_of(pilot, "inventory").rows) == 4
            opened = len(statements)
            await show_every_tab(pilot)  # every tab already has its first page
        assert opened == 1, statements  # the header and the first page of every tab
        assert len(statements) == 1, statements
        assert delivery  # the Delivery column still reads on its own
        assert len(rows(table_of(pilot, "orders"))) == 6
        assert table_of(pilot, "subscriptions").row_count == 2
        assert "alice" in screen(pilot).sub_title.lower()


async def test_the_tabs_take_their_pages_from_the_open(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        calls = count_reads(monkeypatch, app.service)
        await open_details(pilot, ui_store.alice, tab="orders")
        await show_every_tab(pilot)
        assert calls == Counter(open_customer=1)
        details = screen(pilot)
        assert details.tab("metadata").loaded
        assert (
            details.metadata.form.version
            == app.service.get_customer(ui_store.alice).customer.version
        )
        assert not any(table_of(pilot, tab).loading for tab in ("inventory", "orders", "history"))

        # r: the header and the shown tab again, with their single reads.
        calls.clear()
        await pilot.press("r")
        await wait_ready(pilot)
        assert calls == Counter(get_customer=1, list_inventory=1)
        await pilot.press("2")
        await wait_ready(pilot)
        assert calls["list_orders"] == 1
        assert calls["open_customer"] == 0


async def test_a_failed_open_shows_in_the_header_and_the_tab(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)

        def broken(*args: object, **kwargs: object) -> None:
            raise Unavailable("the store is locked")

        for name in ("open_customer", "list_inventory"):
            monkeypatch.setattr(app.service, name, broken)
        await open_details(pilot, ui_store.alice)
        await wait_ready(pilot)
        assert "Could not load customer: the store is locked" in text_of(pilot, "#stats-name")
        message = screen(pilot).query_one("#inventory .tab-message", Static)
        assert "Could not load items: the store is locked" in str(message.render())
        assert not table_of(pilot, "inventory").loading

        monkeypatch.undo()
        await pilot.press("2")  # another tab loads with its own read
        await wait_ready(pilot)
        assert table_of(pilot, "orders").row_count == 6


async def test_a_missing_customer_says_so_in_the_shown_tab(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, 999_999, tab="orders")
        assert "Could not load customer" in text_of(pilot, "#stats-name")
        message = screen(pilot).query_one("#orders .tab-message", Static)
        assert "Could not load orders" in str(message.render())
        assert not table_of(pilot, "orders").loading
