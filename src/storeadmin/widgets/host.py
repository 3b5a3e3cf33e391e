"""What the details screen, its tabs and modals need from the running App.

The App (``storeadmin.app.StoreAdminApp``) provides these; tests may provide a tiny
App of their own. Typed as a Protocol so widgets do not import the App module
(which imports the screens: a cycle).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from textual.dom import DOMNode

from storeadmin.core.models import ALL_FEATURES, Feature
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


def features(node: DOMNode) -> frozenset[Feature]:
    """What the connected store can do (``StoreInfo.features``); everything when the App
    has no store info (a test's tiny App)."""
    info = getattr(node.app, "store_info", None)
    found = getattr(info, "features", None)
    return found if isinstance(found, frozenset) else ALL_FEATURES


def store_kind(node: DOMNode) -> str:
    """What the connected store is, in an error's words ("PayNow", "database")."""
    info = getattr(node.app, "store_info", None)
    kind = getattr(info, "kind", None)
    return kind if isinstance(kind, str) and kind else "this store"
