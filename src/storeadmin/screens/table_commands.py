"""A command palette provider built from a key table: its entries run screen actions.

An entry whose action the screen does not offer now (``check_action`` says False:
the store lacks the feature, nothing is highlighted) is left out, so the palette
never offers what would fail. This module imports no screen (no import cycle).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from storeadmin.screens.keys import KeyTable, PaletteEntry


def _action_name(action: str) -> str:
    """``switch_tab('servers')`` → ``switch_tab``."""
    return action.split("(", 1)[0]


class TableCommands(Provider):
    """Palette entries of :attr:`TABLE`; subclasses set the table (see :func:`table_commands`)."""

    TABLE: KeyTable

    def _entries(self) -> list[PaletteEntry]:
        screen = self.screen
        return [
            entry
            for entry in self.TABLE.palette()
            if hasattr(screen, f"action_{_action_name(entry.action)}")
            and screen.check_action(_action_name(entry.action), ()) is not False
        ]

    def _run(self, action: str) -> object:
        """Run a screen action (the palette awaits the returned coroutine)."""
        return self.screen.run_action(action)

    async def discover(self) -> Hits:
        """Every entry the screen offers now, before anything is typed."""
        for entry in self._entries():
            yield DiscoveryHit(entry.title, partial(self._run, entry.action), help=entry.help)

    async def search(self, query: str) -> Hits:
        """Entries whose title matches ``query``."""
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(entry.title),
                    partial(self._run, entry.action),
                    help=entry.help,
                )


def table_commands(table: KeyTable, name: str) -> type[TableCommands]:
    """A provider class named ``name`` offering ``table``'s palette entries."""
    return type(name, (TableCommands,), {"TABLE": table, "__doc__": f"Palette of {table.title}."})
