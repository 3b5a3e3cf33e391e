"""Snapshots of the action modals (edit, ban, unban, revoke, tokens, assign), errors included.

Each modal is pushed over the search screen of the UI fixture store. Deterministic: fixed
clock, TZ=UTC, no cursor blink, a fixed database label in the header (the real one holds a
tmp path) and fixed token secrets. Accept changes with
``pytest tests/snapshots/test_action_snapshots.py --snapshot-update`` and review each SVG.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from storeadmin.core.service import StoreService
from storeadmin.data import open_sql_store, tokens
from storeadmin.screens.modals.assign import AssignProductModal
from storeadmin.screens.modals.ban import BanModal, UnbanModal
from storeadmin.screens.modals.edit_customer import EditCustomerModal
from storeadmin.screens.modals.revoke import RevokeModal
from storeadmin.screens.modals.tokens import TokensModal
from support import factories, ui

SIZE = (100, 32)
TALL = (120, 40)
SnapCompare = Callable[..., bool]
ModalFactory = Callable[[StoreService], Screen[Any]]


@pytest.fixture(autouse=True)
def _fixed_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Token secrets that are the same on every run."""
    numbers = itertools.count(1)
    monkeypatch.setattr(tokens, "new_secret", lambda: f"sa_snapshot{next(numbers):02d}" + "x" * 30)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """The seeded UI store."""
    return ui.build_ui_store(tmp_path / "snap-store.sqlite3")


def showing(
    make: ModalFactory, *steps: str | tuple[str, str]
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Push the modal ``make`` builds, then for each step press a key or type into a field.

    A step ``("#field", "text")`` types ``text`` at the end of that Input; a plain string
    is a key.
    """

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        await ui.wait_ready(pilot)
        app.sub_title = "sqlite:///snapshot-store.sqlite3"
        app.push_screen(make(app.service))  # type: ignore[attr-defined]
        await ui.wait_ready(pilot)
        for step in steps:
            if isinstance(step, tuple):
                selector, text = step
                field = app.screen.query_one(selector, Input)
                field.focus()
                await pilot.press("end", *text)  # append (focus selects the text)
            else:
                await pilot.press(step)
            await ui.wait_ready(pilot)
        await pilot.pause()

    return run_before


def snap(
    snap_compare: SnapCompare,
    store: Any,
    make: ModalFactory,
    *steps: str | tuple[str, str],
    size: tuple[int, int] = SIZE,
) -> bool:
    return snap_compare(
        ui.make_app(store.url), run_before=showing(make, *steps), terminal_size=size
    )


def customer(service: StoreService, customer_id: int) -> Any:
    return service.get_customer(customer_id).customer


def test_edit_bad_steam_id(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        return EditCustomerModal(customer(service, store.alice))

    # Delete the last digit: 16 digits is no SteamID64.
    assert snap(snap_compare, store, make, ("#external_id", ""), "backspace")


def test_edit_conflict(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        modal = EditCustomerModal(customer(service, store.alice))
        other = open_sql_store(store.url, actor="bob", clock=lambda: ui.FIXED_NOW)
        try:
            other.edit_customer(
                store.alice, expected_version=modal.customer.version, username="Alicia"
            )
        finally:
            other.close()
        return modal

    assert snap(snap_compare, store, make, ("#username", " C."), "enter")


def test_ban_with_end(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        return BanModal(customer(service, store.alice))

    assert snap(snap_compare, store, make, ("#reason", "chargeback fraud"), ("#until", "7d"))


def test_ban_without_reason(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        return BanModal(customer(service, store.alice))

    assert snap(snap_compare, store, make, ("#until", "2026-01-01"), "ctrl+s")


def test_unban(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        return UnbanModal(customer(service, store.mallory))

    assert snap(snap_compare, store, make)


def test_revoke_without_reason(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        items = service.list_inventory(store.alice).items
        item = next(i for i in items if i.id == store.alice_items["active"])
        return RevokeModal(customer(service, store.alice), item)

    assert snap(snap_compare, store, make, "ctrl+s")


def test_tokens_list(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        service.create_token(store.alice, label="discord bot", expires_at=None)
        service.create_token(store.alice, label="website")
        first = service.list_tokens(store.alice)[-1]
        service.revoke_token(store.alice, first.id)
        return TokensModal(customer(service, store.alice))

    assert snap(snap_compare, store, make)


def test_token_secret_shown_once(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        return TokensModal(customer(service, store.alice))

    assert snap(
        snap_compare,
        store,
        make,
        "n",
        ("#label", "discord bot"),
        ("#expires_at", "30d"),
        "enter",
    )


def test_assign_preview_with_unresolved_placeholder(snap_compare: SnapCompare, store: Any) -> None:
    """A Rust product whose command needs a Discord ID, for a Steam player who has none:
    the right server is ticked by default and the placeholder is flagged."""
    service = open_sql_store(store.url, actor="setup")
    try:
        factories.product(
            service.engine,
            "Discord VIP",
            server_ids=[store.servers[0]],
            commands=[("on_purchase", "discord role add {discord_id} vip")],
        )
    finally:
        service.close()

    def make(service: StoreService) -> Screen[Any]:
        return AssignProductModal(
            customer(service, store.players[0]),
            service.list_products(),
            service.list_game_servers(),
        )

    assert snap(snap_compare, store, make, ("#product-query", "discord"), size=TALL)


def test_assign_banned_customer_refused(snap_compare: SnapCompare, store: Any) -> None:
    def make(service: StoreService) -> Screen[Any]:
        return AssignProductModal(
            customer(service, store.mallory), service.list_products(), service.list_game_servers()
        )

    assert snap(snap_compare, store, make, ("#product-query", "vip rank"), "ctrl+s", size=TALL)
