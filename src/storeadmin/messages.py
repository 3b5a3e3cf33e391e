"""App-level messages: how the connect worker reports back to the UI thread.

Screen- and widget-specific messages are nested in their classes; these are the ones
the App itself handles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from storeadmin.core.models import StoreInfo
    from storeadmin.core.service import StoreService


@dataclass
class ServiceConnected(Message):
    """The store is open; ``info`` names it for the header."""

    service: StoreService
    info: StoreInfo


@dataclass
class ConnectFailed(Message):
    """The store could not be opened; ``reason`` is one safe, password-free line."""

    reason: str
