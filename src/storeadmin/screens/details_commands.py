"""Command palette entries for the customer details screen.

Each entry runs one of the screen's actions by name, so the palette never reaches
into widgets (and this module does not import the screen: no import cycle).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

TAB_TITLES = (
    ("inventory", "Inventory"),
    ("orders", "Orders"),
    ("subscriptions", "Subscriptions"),
    ("metadata", "Metadata"),
    ("history", "History"),
)
"""Tab ids and titles, in key order (1–5)."""

COMMANDS: tuple[tuple[str, str, str], ...] = (
    *(
        (f"Switch to {title}", f"switch_tab('{tab_id}')", f"Show the {title} tab ({n})")
        for n, (tab_id, title) in enumerate(TAB_TITLES, start=1)
    ),
    ("Filter orders by status…", "filter_status('orders')", "Pick an order status to list"),
    (
        "Filter subscriptions by status…",
        "filter_status('subscriptions')",
        "Pick a subscription status to list",
    ),
    ("Reload", "reload", "Reload the header and the current tab (r)"),
    (
        "Show commands of selected item",
        "show_commands('palette')",
        "Every command of the highlighted inventory item (i)",
    ),
    ("Edit customer…", "edit", "Change name and platform ID (e)"),
    ("Ban or unban…", "ban", "Ban the customer with a reason, or lift the ban (b)"),
    ("Manage tokens…", "tokens", "List, create and revoke access tokens (t)"),
    ("Assign a product…", "assign('palette')", "Grant a product and queue its commands (a)"),
    ("Revoke selected item…", "revoke('palette')", "Revoke the highlighted active item (x)"),
    ("Add metadata field", "add_metadata_field('palette')", "Add a metadata row (ctrl+n)"),
    ("Save metadata", "save_metadata('palette')", "Update the metadata (ctrl+s)"),
    ("Back to search", "back", "Return to the customer search (escape)"),
)
"""(title, screen action, help) of every palette entry."""


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
