"""What the details screen, its tabs and modals need from the running App.

The App (``storeadmin.app.StoreAdminApp``) provides these; tests may provide a tiny
App of their own. Typed as a Protocol so widgets do not import the App module
(which imports the screens: a cycle).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from textual.dom import DOMNode

from storeadmin.core.service import StoreService


class DetailsHost(Protocol):
    """The App services used by the details screen."""

    service: StoreService
    """The store; call it from thread workers only."""

    def now(self) -> datetime:
        """Current UTC time (an injectable clock, fixed in tests and snapshots)."""
        ...


def host(node: DOMNode) -> DetailsHost:
    """The running App, seen through :class:`DetailsHost`."""
    return cast(DetailsHost, node.app)
