"""Command palette entries for the customer search screen.

Entries come from the screen's key table and run the screen's actions by name (or
the app's ``open_customer``); this module does not import the screen (no import cycle).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from storeadmin.screens.key_tables import SEARCH_KEYS

_OPEN_ID = re.compile(r"\s*(?:open\s*)?#?([0-9]{1,18})\s*", re.IGNORECASE | re.ASCII)


class SearchCommands(Provider):
    """Palette entries of the search screen: open a customer by ID, focus the search."""

    def _screen(self) -> Any | None:
        screen = self.screen
        return screen if hasattr(screen, "action_focus_search") else None

    def _run(self, action: str) -> object:
        """Run a screen action (the palette awaits the returned coroutine)."""
        return self.screen.run_action(action)

    async def discover(self) -> Hits:
        """Entries shown before anything is typed."""
        screen = self._screen()
        if screen is None:
            return
        for entry in SEARCH_KEYS.palette():
            yield DiscoveryHit(entry.title, partial(self._run, entry.action), help=entry.help)

    async def search(self, query: str) -> Hits:
        """``open 123`` or ``123`` offers that customer; other entries match by name."""
        screen = self._screen()
        if screen is None:
            return
        app: Any = self.app
        wanted = _OPEN_ID.fullmatch(query)
        if wanted is not None:
            customer_id = wanted.group(1)
            yield Hit(
                1.0,
                f"Open customer {customer_id}",
                partial(app.open_customer, customer_id),
                help=f"Show customer #{customer_id}",
            )
        matcher = self.matcher(query)
        for entry in SEARCH_KEYS.palette():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(entry.title),
                    partial(self._run, entry.action),
                    help=entry.help,
                )
