"""Command palette entries for the customer search screen.

Entries call the screen's actions or the app's ``open_customer``; this module does not
import the screen (no import cycle).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

_OPEN_ID = re.compile(r"\s*(?:open\s*)?#?([0-9]{1,18})\s*", re.IGNORECASE | re.ASCII)


class SearchCommands(Provider):
    """Palette entries of the search screen: open a customer by ID, focus the search."""

    def _screen(self) -> Any | None:
        screen = self.screen
        return screen if hasattr(screen, "action_focus_search") else None

    async def discover(self) -> Hits:
        """Entries shown before anything is typed."""
        screen = self._screen()
        if screen is None:
            return
        yield DiscoveryHit(
            "Open customer by ID…",
            screen.action_focus_search,
            help="Type “open 123” here, or an ID in the search field and press Enter",
        )
        yield DiscoveryHit("Focus search", screen.action_focus_search, help="Back to the search")

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
        for title, action, help_text in (
            ("Open customer by ID…", screen.action_focus_search, "Type “open 123” here"),
            ("Focus search", screen.action_focus_search, "Back to the search field"),
        ):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, help=help_text)
