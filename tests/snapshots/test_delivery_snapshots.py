"""Snapshots of the delivery views: the Game servers screen, its Stuck tab, the Command dialog.

The UI fixture store after a game server linked, polled and acknowledged one command
(all at the fixed clock) and an admin resent it, so the views show link info, a last
poll, hand-out counts, an executing IP and a rerun mark. Accept changes with
``pytest tests/snapshots/test_delivery_snapshots.py --snapshot-update`` and review
each SVG before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from storeadmin.core.delivery import LinkRequest
from storeadmin.data import open_sql_store
from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.screens.game_servers import GameServersScreen
from storeadmin.widgets.paged_table import PagedTable
from support import ui

WIDE = (120, 40)
NARROW = (80, 24)
SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """The UI store after one link, poll, ack (with an IP) and a resend."""
    built = ui.build_ui_store(tmp_path / "snap-store.sqlite3")
    rust, _ = built.servers
    service = open_sql_store(built.url, actor="alice", clock=lambda: ui.FIXED_NOW)
    delivery = SqlDeliveryService(service.engine, actor="serve", clock=lambda: ui.FIXED_NOW)
    try:
        delivery.link(rust, LinkRequest("203.0.113.7", "rust-eu-1", "Rust", "2.0.6"))
        queued = delivery.poll(rust, None)
        [vipplus] = [q for q in queued if "vipplus" in q.command]
        delivery.acknowledge(rust, [vipplus.attempt_id], peer_ip="203.0.113.7")
        service.resend_command(vipplus.attempt_id)
    finally:
        service.close()
    return built


def servers(tab: str = "servers") -> RunBefore:
    """Open the Game servers screen on ``tab`` and wait for its load."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ui.wait_ready(pilot)
        pilot.app.push_screen(GameServersScreen(initial_tab=tab))
        await pilot.pause()
        await ui.wait_ready(pilot)
        # The table takes focus and repaints its cursor row: let that settle, and wait
        # until the rows are painted (a DataTable paints new rows when idle).
        await pilot.pause(0.2)
        await ui.wait_ready(pilot)
        await ui.wait_for_text(pilot, "Rust EU #1")
        await ui.wait_ready(pilot)
        # A fitted table re-creates its columns once a wider cell arrives (column_fit):
        # let that refit paint before the shot (a loaded CI run caught the frame before;
        # a loaded local run, one with the servers' columns not yet measured).
        await pilot.pause(0.3)
        await ui.wait_ready(pilot)
        await ui.wait_settled(pilot)

    return run_before


def commands(customer_id: str, item_id: str) -> RunBefore:
    """Open the customer, put the cursor on ``item_id`` and press i."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ui.wait_ready(pilot)
        pilot.app.open_customer(customer_id)  # type: ignore[attr-defined]  # a StoreAdminApp
        await pilot.pause()
        await ui.wait_ready(pilot)
        table = pilot.app.screen.query_one("#inventory-table", PagedTable)
        table.move_cursor(row=table.get_row_index(item_id))
        await pilot.press("i")
        await ui.wait_ready(pilot)
        await pilot.pause()

    return run_before


def test_game_servers(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(ui.make_app(store.url), run_before=servers(), terminal_size=WIDE)


def test_game_servers_narrow(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(ui.make_app(store.url), run_before=servers(), terminal_size=NARROW)


def test_stuck_deliveries(snap_compare: SnapCompare, store: Any) -> None:
    assert snap_compare(ui.make_app(store.url), run_before=servers("stuck"), terminal_size=WIDE)


def test_command_dialog(snap_compare: SnapCompare, store: Any) -> None:
    run_before = commands(store.alice, store.alice_items["subscription"])
    assert snap_compare(ui.make_app(store.url), run_before=run_before, terminal_size=WIDE)


def test_command_dialog_narrow(snap_compare: SnapCompare, store: Any) -> None:
    run_before = commands(store.alice, store.alice_items["subscription"])
    assert snap_compare(ui.make_app(store.url), run_before=run_before, terminal_size=NARROW)
