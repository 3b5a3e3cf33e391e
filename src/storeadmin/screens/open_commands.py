"""The palette's "open a customer by ID", on every screen (an App-level provider).

``5000``, ``#5000`` or ``open 5000`` offers customer #5000: the form the app shows a
customer in (``Name (#5000)``) opens that customer wherever the palette is opened.
Orders and subscriptions keep their explicit forms in the search field.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

_OPEN_ID = re.compile(r"\s*(?:open\s*)?#?([0-9]{1,18})\s*", re.IGNORECASE | re.ASCII)

HINT_TITLE = "Open customer by ID…"
HINT_HELP = "Type the customer's number here (5000, #5000) and press Enter"


class OpenCustomerCommands(Provider):
    """``Open customer N`` for a typed customer ID, from any screen."""

    async def discover(self) -> Hits:
        """Say, before anything is typed, that an ID can be typed here."""
        yield DiscoveryHit(HINT_TITLE, self._explain, help=HINT_HELP)

    def _explain(self) -> None:
        self.app.notify("Open the palette (Ctrl+P) and type the customer's number.", timeout=4)

    async def search(self, query: str) -> Hits:
        """``open 123``, ``#123`` or ``123`` offers that customer."""
        wanted = _OPEN_ID.fullmatch(query)
        if wanted is None:
            return
        customer_id = wanted.group(1)
        app: Any = self.app  # StoreAdminApp (not imported here: no import cycle)
        yield Hit(
            1.0,
            f"Open customer {customer_id}",
            partial(app.open_customer, customer_id),
            help=f"Show customer #{customer_id}",
        )
