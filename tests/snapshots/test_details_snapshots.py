"""Snapshots of the customer details screen and its modals.

Deterministic: the UI fixture store (seeded, fixed clock), TZ=UTC, audit rows with
fixed times, and every worker finished before the screenshot. Accept changes with
``pytest tests/snapshots/test_details_snapshots.py --snapshot-update`` and review
each SVG before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from storeadmin.data import open_sql_store
from storeadmin.data.schema import AuditRow
from storeadmin.widgets.paged_table import PagedTable
from support import ui

WIDE = (120, 40)
NARROW = (80, 24)
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """The UI store plus two audit entries for Alice with fixed times."""
    built = ui.build_ui_store(tmp_path / "snap-store.sqlite3")
    service = open_sql_store(built.url, actor="setup")
    try:
        with Session(service.engine) as session, session.begin():
            session.add_all(
                [
                    AuditRow(
                        at=ui.FIXED_NOW - timedelta(days=90),
                        actor="bob-admin",
                        action="item.revoke",
                        target_type="item",
                        target_id=str(built.alice_items["revoked"]),
                        customer_id=built.alice,
                        before={"state": "active"},
                        after={"state": "revoked"},
                        reason="granted by mistake",
                    ),
                    AuditRow(
                        at=ui.FIXED_NOW - timedelta(days=5),
                        actor="alice",
                        action="metadata.update",
                        target_type="customer",
                        target_id=str(built.alice),
                        customer_id=built.alice,
                        before={"DiscordUsername": "alice"},
                        after={"DiscordUsername": "alice.rust"},
                    ),
                ]
            )
    finally:
        service.close()
    return built


def opening(
    customer_id: int,
    tab: str = "inventory",
    keys: Sequence[str] = (),
    *,
    focus_table: bool = False,
) -> RunBefore:
    """Open a customer on ``tab``, press ``keys``, and wait for every worker after each step."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ui.wait_ready(pilot)
        pilot.app.open_customer(customer_id, tab)  # type: ignore[attr-defined]
        await pilot.pause()
        await ui.wait_ready(pilot)
        for key in keys:
            await pilot.press(key)
            await ui.wait_ready(pilot)
        await settled(pilot)
        if focus_table:
            # The footer lists the focused widget's keys: put the cursor where a user's
            # is after switching tabs, the active tab's table, whatever the timing was.
            pane = pilot.app.screen.query_one(TabbedContent).active_pane
            tables = list(pane.query(PagedTable)) if pane is not None else []
            if tables and pilot.app.focused is not tables[0]:
                tables[0].focus()
                await settled(pilot)

    return run_before


async def settled(pilot: Pilot[None]) -> None:
    """Wait until focus stops moving: the footer lists the focused widget's keys, and a
    table that takes focus when its rows arrive would otherwise race the screenshot."""
    for _ in range(40):
        focused = pilot.app.focused
        await pilot.pause(0.05)
        await ui.wait_ready(pilot)
        if pilot.app.focused is focused:
            break
    await pilot.pause()


def shows(
    snap_compare: Callable[..., bool],
    store: Any,
    customer_id: int,
    *,
    tab: str = "inventory",
    keys: Sequence[str] = (),
    size: tuple[int, int] = WIDE,
    focus_table: bool = False,
) -> bool:
    """Compare the app after opening ``customer_id`` on ``tab`` and pressing ``keys``."""
    app = ui.make_app(store.url)
    run_before = opening(customer_id, tab, keys, focus_table=focus_table)
    return snap_compare(app, run_before=run_before, terminal_size=size)


def test_inventory_tab(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice)


def test_inventory_tab_narrow(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice, size=NARROW)


def test_orders_tab(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice, keys=["2"], focus_table=True)


def test_subscriptions_tab(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice, keys=["3"])


def test_metadata_tab(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice, keys=["4"])


def test_history_tab(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice, keys=["5"])


def test_command_modal(snap_compare: Callable[..., bool], store: Any) -> None:
    # Third row: the revoked Starter Kit, whose command failed.
    assert shows(snap_compare, store, store.alice, keys=["down", "down", "i"])


def test_order_modal(snap_compare: Callable[..., bool], store: Any) -> None:
    # Second row of the orders tab: the completed VIP+ Monthly order with fees.
    assert shows(snap_compare, store, store.alice, tab="orders", keys=["down", "enter"])


def test_subscription_modal(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.alice, tab="subscriptions", keys=["enter"])


def test_banned_customer(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.mallory)


def test_markup_like_name(snap_compare: Callable[..., bool], store: Any) -> None:
    assert shows(snap_compare, store, store.evil, size=NARROW)


class TestAt80x24:
    """Every tab and dialog of the details screen at 80×24 over SSH: what identifies
    and decides is on screen (column priorities), the rest in the row's dialog."""

    def test_orders_tab(self, snap_compare: Callable[..., bool], store: Any) -> None:
        assert shows(snap_compare, store, store.alice, keys=["2"], size=NARROW, focus_table=True)

    def test_subscriptions_tab(self, snap_compare: Callable[..., bool], store: Any) -> None:
        assert shows(snap_compare, store, store.alice, keys=["3"], size=NARROW)

    def test_history_tab(self, snap_compare: Callable[..., bool], store: Any) -> None:
        assert shows(snap_compare, store, store.alice, keys=["5"], size=NARROW)

    def test_order_modal(self, snap_compare: Callable[..., bool], store: Any) -> None:
        assert shows(
            snap_compare, store, store.alice, tab="orders", keys=["down", "enter"], size=NARROW
        )

    def test_subscription_modal(self, snap_compare: Callable[..., bool], store: Any) -> None:
        assert shows(
            snap_compare, store, store.alice, tab="subscriptions", keys=["enter"], size=NARROW
        )

    def test_command_modal(self, snap_compare: Callable[..., bool], store: Any) -> None:
        assert shows(snap_compare, store, store.alice, keys=["down", "down", "i"], size=NARROW)
