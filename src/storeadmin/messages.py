"""App-level messages: the connect worker's outcome and failed workers, for the App.

Screen- and widget-specific messages are nested in their classes; these are the ones
the App itself handles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker

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


@dataclass
class WorkerFailed(Message):
    """A worker of a screen or widget raised; the App reports it in one place.

    Posted by :class:`~storeadmin.widgets.reporting.ReportsWorkerFailures`, because
    ``Worker.StateChanged`` reaches only the node that started the worker.
    """

    worker: Worker[Any]
