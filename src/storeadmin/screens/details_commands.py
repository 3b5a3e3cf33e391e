"""Command palette entries for the customer details screen.

Each entry runs one of the screen's actions by name, so the palette never reaches
into widgets (and this module does not import the screen: no import cycle).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from storeadmin.screens.key_tables import DETAILS_KEYS

COMMANDS: tuple[tuple[str, str, str], ...] = tuple(
    (entry.title, entry.action, entry.help) for entry in DETAILS_KEYS.palette()
)
"""(title, screen action, help) of every palette entry, from the screen's key table."""


class DetailsCommands(Provider):
    """Tab switching, filters, reload, commands, customer actions and back."""

    def _run(self, action: str) -> object:
        """Run a screen action (the palette awaits the returned coroutine)."""
        return self.screen.run_action(action)

    async def discover(self) -> Hits:
        """Every entry, shown when the palette opens empty."""
        for title, action, help_text in COMMANDS:
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Entries whose title matches the query."""
        matcher = self.matcher(query)
        for title, action, help_text in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )
