"""Helpers of the delivery UI tests: a store that lacks features, opening the screens."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot

from storeadmin.app import StoreAdminApp
from storeadmin.core.models import ALL_FEATURES, Feature
from storeadmin.screens.game_servers import GameServersScreen
from support.ui import FIXED_NOW, open_test_service, wait_ready


class Without:
    """A real service whose ``store_info`` lacks some features (a hosted store, say)."""

    def __init__(self, inner: Any, missing: frozenset[Feature]) -> None:
        self._inner = inner
        self._missing = missing

    def store_info(self) -> Any:
        info = self._inner.store_info()
        return replace(info, features=ALL_FEATURES - self._missing)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def app_without(url: str, *missing: Feature) -> StoreAdminApp:
    """The app on ``url`` whose store lacks ``missing``."""
    gone = frozenset(missing)
    return StoreAdminApp(
        lambda: Without(open_test_service(url, actor="alice"), gone),
        clock=lambda: FIXED_NOW,
    )


async def open_servers(pilot: Pilot[None], tab: str = "servers") -> GameServersScreen:
    """Push the Game servers screen on the ready app and wait for its first load."""
    await wait_ready(pilot)
    screen = GameServersScreen(initial_tab=tab)
    pilot.app.push_screen(screen)
    await pilot.pause()
    await wait_ready(pilot)
    return screen


def top(app: Any) -> Any:
    """The screen on top (a call, so that type checkers do not narrow it between steps)."""
    return app.screen


def cells(table: Any, key: str) -> list[str]:
    """The plain text of one row's cells."""
    return [str(cell) for cell in table.get_row(key)]
