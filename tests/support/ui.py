"""UI test helpers: a small deterministic store, the app built around it, screen reading.

The store is seeded in SQLite through the factories; ``ui_store`` (tests/ui/conftest.py)
hands every UI test that store on each backend — the SQL service itself, and an
in-memory copy read through the protocol (``memory_store``) — so a screen that relies on
anything but ``StoreService`` fails on one of them. Open a store a test wants to check
with ``open_test_service(store.url)``, whatever its backend.
"""

from __future__ import annotations

import contextlib
import html
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from storeadmin.data import open_sql_store
from support import factories, memory_store

if TYPE_CHECKING:
    from storeadmin.app import StoreAdminApp
    from storeadmin.core.service import StoreService

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The clock of every UI test (service and app)."""

EVIL_MARKUP_NAME = "[bold red]Evil[/] [@click=app.quit]x[/]"
"""A customer name that would quit the app if it were ever parsed as markup."""

ESCAPE_NAME = "\x1b]0;PWNED\x07Eve"
"""A customer name carrying an OSC terminal-title escape sequence."""

GENERATED_CUSTOMERS = 60
"""``Player001`` … ``Player060``: enough rows that search results page."""


@dataclass(frozen=True)
class UiStore:
    """The seeded store: its location and the IDs tests refer to."""

    url: str
    """``sqlite:///…`` or ``memory://…``: open it with ``open_test_service``."""
    path: Path
    alice: str
    bob: str
    mallory: str
    evil: str
    eve: str
    players: tuple[str, ...]
    servers: tuple[str, ...]
    products: dict[str, str]
    alice_orders: dict[str, str]
    """Alice's order ids by status (``completed``, ``completed_kit``, ``refunded``, …)."""
    alice_items: dict[str, str]
    """Alice's inventory item ids by state (``active``, ``expired``, ``revoked``, ``subscription``)."""
    alice_subscriptions: dict[str, str]
    """Alice's subscription ids by status (``active``, ``canceled``)."""


def build_ui_store(path: Path) -> UiStore:
    """Create and seed the UI test store at ``path`` (same data every time)."""
    service = open_sql_store(str(path), actor="setup")
    engine = service.engine
    try:
        factories.store_settings(engine, name="Test Store", currency="USD")
        rust = factories.game_server(engine, "Rust EU #1", "rust")
        lobby = factories.game_server(engine, "Minecraft Lobby", "minecraft")
        vip = factories.product(engine, "VIP Rank", price=999, server_ids=[rust])
        kit = factories.product(
            engine,
            "Starter Kit",
            price=499,
            server_ids=[rust],
            duration_days=None,
            commands=[("on_purchase", "inventory.giveto {steam_id} kit.starter 1")],
        )
        monthly = factories.product(
            engine,
            "VIP+ Monthly",
            type="subscription",
            price=1499,
            server_ids=[rust],
            interval=(30, "day"),
            commands=[
                ("on_purchase", "oxide.usergroup add {steam_id} vipplus"),
                ("on_expire", "oxide.usergroup remove {steam_id} vipplus"),
            ],
        )
        gold = factories.product(
            engine,
            "Gold Rank",
            price=1999,
            server_ids=[lobby],
            commands=[
                ("on_purchase", "lp user {uuid} parent add gold"),
                ("on_expire", "lp user {uuid} parent remove gold"),
            ],
        )

        day = timedelta(days=1)
        players = tuple(
            factories.customer(
                engine,
                f"Player{number:03d}",
                external_id=str(76561198000001000 + number),
                # Older (and lower ids) than the named customers, who lead the newest list.
                first_seen=datetime(2024, 1, 1, tzinfo=UTC) + number * day,
            )
            for number in range(1, GENERATED_CUSTOMERS + 1)
        )
        alice = factories.customer(
            engine,
            "Alice",
            platform="steam",
            external_id="76561198000000001",
            first_seen=datetime(2025, 3, 2, 9, 30, tzinfo=UTC),
        )
        orders = {
            "completed": factories.order(
                engine, alice, vip, total=999, fees=59, created_at=FIXED_NOW - 40 * day
            ),
            "completed_kit": factories.order(
                engine,
                alice,
                kit,
                total=499,
                fees=30,
                created_at=FIXED_NOW - 35 * day,
                product_name="Starter Kit",
            ),
            "refunded": factories.order(
                engine,
                alice,
                vip,
                status="refunded",
                total=999,
                refunded=999,
                created_at=FIXED_NOW - 200 * day,
            ),
            "chargeback": factories.order(
                engine, alice, kit, status="chargeback", total=499, created_at=FIXED_NOW - 150 * day
            ),
            "created": factories.order(
                engine, alice, gold, status="created", total=1999, created_at=FIXED_NOW - 2 * day
            ),
        }
        active_sub = factories.subscription(
            engine, alice, monthly, amount=1499, created_at=FIXED_NOW - 10 * day
        )
        canceled_sub = factories.subscription(
            engine,
            alice,
            monthly,
            status="canceled",
            amount=1499,
            created_at=FIXED_NOW - 120 * day,
            cancel_reason="too expensive",
        )
        orders["subscription"] = factories.order(
            engine,
            alice,
            monthly,
            total=1499,
            fees=75,
            created_at=FIXED_NOW - 10 * day,
            product_name="VIP+ Monthly",
            subscription_id=active_sub,
        )
        items = {
            "active": factories.item(
                engine,
                alice,
                vip,
                order_id=orders["completed"],
                granted_at=FIXED_NOW - 40 * day,
                expires_at=FIXED_NOW + 20 * day,
                server_ids=[rust],
            ),
            "expired": factories.item(
                engine,
                alice,
                vip,
                state="expired",
                order_id=orders["refunded"],
                granted_at=FIXED_NOW - 200 * day,
                expires_at=FIXED_NOW - 170 * day,
                server_ids=[rust],
            ),
            "revoked": factories.item(
                engine,
                alice,
                kit,
                state="revoked",
                source="manual",
                granted_by="bob-admin",
                granted_at=FIXED_NOW - 90 * day,
                server_ids=[rust],
            ),
            "subscription": factories.item(
                engine,
                alice,
                monthly,
                order_id=orders["subscription"],
                granted_at=FIXED_NOW - 10 * day,
                expires_at=FIXED_NOW + 20 * day,
                server_ids=[rust],
            ),
        }
        factories.command_attempt(
            engine,
            items["active"],
            rust,
            command="oxide.usergroup add 76561198000000001 vip",
            status="executed",
            queued_at=FIXED_NOW - 40 * day,
        )
        factories.command_attempt(
            engine,
            items["subscription"],
            rust,
            command="oxide.usergroup add 76561198000000001 vipplus",
            status="pending",
            queued_at=FIXED_NOW - 10 * day,
        )
        factories.command_attempt(
            engine,
            items["revoked"],
            rust,
            command="inventory.giveto 76561198000000001 kit.starter 1",
            status="failed",
            queued_at=FIXED_NOW - 90 * day,
            error="server offline",
        )
        factories.metadata(
            engine, alice, DiscordID="123456789012345678", DiscordUsername="alice.rust"
        )

        bob = factories.customer(
            engine,
            "Bob",
            platform="minecraft",
            external_id="069a79f4-44e9-4726-a5be-fca90e38aaf5",
            first_seen=datetime(2025, 5, 10, 18, 0, tzinfo=UTC),
        )
        factories.order(
            engine,
            bob,
            gold,
            total=1999,
            created_at=FIXED_NOW - 60 * day,
            product_name="Gold Rank",
        )
        mallory = factories.customer(
            engine,
            "Mallory",
            external_id="76561198000000003",
            first_seen=datetime(2025, 6, 1, 8, 0, tzinfo=UTC),
            ban_reason="chargeback fraud",
            ban_expires_at=datetime(2027, 1, 1, tzinfo=UTC),
        )
        evil = factories.customer(
            engine,
            EVIL_MARKUP_NAME,
            external_id="76561198000000004",
            first_seen=datetime(2025, 7, 4, 12, 0, tzinfo=UTC),
        )
        eve = factories.customer(
            engine,
            ESCAPE_NAME,
            external_id="76561198000000005",
            first_seen=datetime(2025, 7, 5, 12, 0, tzinfo=UTC),
        )
    finally:
        service.close()
    return UiStore(
        url=f"sqlite:///{path}",
        path=path,
        alice=str(alice),
        bob=str(bob),
        mallory=str(mallory),
        evil=str(evil),
        eve=str(eve),
        players=tuple(str(p) for p in players),
        servers=(str(rust), str(lobby)),
        products={
            k: str(v) for k, v in {"vip": vip, "kit": kit, "monthly": monthly, "gold": gold}.items()
        },
        alice_orders={k: str(v) for k, v in orders.items()},
        alice_items={k: str(v) for k, v in items.items()},
        alice_subscriptions={"active": str(active_sub), "canceled": str(canceled_sub)},
    )


def in_memory(store: UiStore) -> UiStore:
    """The same store copied into memory (read through the protocol, IDs unchanged)."""
    source = open_sql_store(store.url, actor="setup", clock=lambda: FIXED_NOW)
    try:
        location = memory_store.copy_of(source, store.path.stem + "-" + str(id(store)))
    finally:
        source.close()
    return replace(store, url=location)


def open_test_service(
    url: str, *, actor: str = "alice", clock: Callable[[], datetime] | None = lambda: FIXED_NOW
) -> StoreService:
    """A service on a test store of either backend."""
    if url.startswith("memory://"):
        return memory_store.open_memory_store(url, actor=actor, clock=clock)
    return open_sql_store(url, actor=actor, clock=clock)


class FixedLabel:
    """A real service whose store_info names the store the same way on every run."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def store_info(self) -> Any:
        return replace(self._inner.store_info(), location="sqlite:///snapshot-store.sqlite3")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def service_factory(url: str) -> Callable[[], StoreService]:
    """The factory the app calls (in a worker) to open the store as admin ``alice``."""
    return lambda: open_test_service(url, actor="alice")


def make_app(url: str) -> StoreAdminApp:
    """The app on the store at ``url``, with the fixed clock."""
    from storeadmin.app import StoreAdminApp

    return StoreAdminApp(service_factory(url), clock=lambda: FIXED_NOW)


async def wait_ready(pilot: Pilot[None], *, rounds: int = 20) -> None:
    """Wait until the app stopped connecting and every worker is idle."""
    app = pilot.app
    for _ in range(rounds):
        # An exclusive group's newer worker may cancel an older one (each keystroke
        # replaces the running search): not a failure; the loop waits for the rest.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        connecting = getattr(app, "connecting", False)
        busy = any(not worker.is_finished for worker in app.workers)
        if not connecting and not busy:
            break
    await pilot.pause()


_SVG_TEXT = re.compile(r'<text [^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)


def screen_text(app: App[object]) -> str:
    """What the terminal shows now, as plain text lines (from the SVG screenshot)."""
    lines: dict[int, list[str]] = {}
    for number, fragment in _SVG_TEXT.findall(app.export_screenshot()):
        lines.setdefault(int(number), []).append(html.unescape(fragment).replace("\xa0", " "))
    return "\n".join("".join(lines[number]) for number in sorted(lines))


async def wait_settled(pilot: Pilot[None], *, seconds: float = 5.0) -> None:
    """Wait until two screenshots 0.1 s apart are the same: every late repaint (a
    DataTable's idle column measuring, a refit) has been drawn."""
    previous = pilot.app.export_screenshot()
    for _ in range(int(seconds / 0.1)):
        await pilot.pause(0.1)
        current = pilot.app.export_screenshot()
        if current == previous:
            return
        previous = current


async def wait_for_text(pilot: Pilot[None], text: str, *, seconds: float = 5.0) -> str:
    """Wait until ``text`` is on screen (a DataTable paints its new rows when idle);
    returns the screen text, which the caller asserts on."""
    shown = screen_text(pilot.app)
    for _ in range(int(seconds / 0.05)):
        if text in shown:
            break
        await pilot.pause(0.05)
        shown = screen_text(pilot.app)
    return shown


@pytest.fixture(autouse=True)
def deterministic_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC and no input cursor blinks (harlequin's no_cursor_blink), so
    every screen is the same on every run. Imported by the UI and snapshot conftests."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    yield
    monkeypatch.undo()
    time.tzset()


def record_opens(app: App[Any], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record ``open_customer`` calls instead of pushing the details screen."""
    calls: list[str] = []
    monkeypatch.setattr(
        app, "open_customer", lambda customer_id, tab="inventory": calls.append(customer_id)
    )
    return calls
