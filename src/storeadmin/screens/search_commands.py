"""Command palette entries for the customer search screen.

Entries come from the screen's key table and run the screen's actions by name; this
module does not import the screen (no import cycle). Opening a customer by ID is the
App's palette entry (``open_commands``), offered on every screen.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from storeadmin.screens.key_tables import SEARCH_KEYS


class SearchCommands(Provider):
    """Palette entries of the search screen (focus the search, game servers, …)."""

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
        """Entries whose title matches the query."""
        screen = self._screen()
        if screen is None:
            return
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
