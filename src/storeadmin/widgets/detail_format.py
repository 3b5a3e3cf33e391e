"""Cells shared by the details screen's tabs and modals: times, money, coloured statuses.

The colour goes on our own Text (status words we spell); names from data stay plain.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from rich.text import Text

from storeadmin.core.models import CommandStatus, ItemState, OrderStatus, SubscriptionStatus
from storeadmin.core.money import Money
from storeadmin.core.timefmt import format_local
from storeadmin.widgets.cells import plain

STATUS_STYLES: dict[StrEnum, str] = {
    ItemState.ACTIVE: "green",
    ItemState.EXPIRED: "yellow",
    ItemState.REVOKED: "red",
    OrderStatus.CREATED: "yellow",
    OrderStatus.COMPLETED: "green",
    OrderStatus.CANCELED: "dim",
    OrderStatus.REFUNDED: "magenta",
    OrderStatus.CHARGEBACK: "bold red",
    SubscriptionStatus.CREATED: "yellow",
    SubscriptionStatus.ACTIVE: "green",
    SubscriptionStatus.CANCELED: "dim",
    CommandStatus.PENDING: "yellow",
    CommandStatus.EXECUTED: "green",
    CommandStatus.FAILED: "bold red",
}
"""Colour of each status word (ANSI names, legible in 256 colours and on light themes)."""


def status_cell(status: StrEnum) -> Text:
    """``Completed`` in its status colour."""
    label = status.value.replace("_", " ").capitalize()
    return Text(label, style=STATUS_STYLES.get(status, ""), no_wrap=True)


def when(moment: datetime | None, *, missing: str = "—") -> Text:
    """A local time cell, or a dim placeholder."""
    if moment is None:
        return Text(missing, style="dim", no_wrap=True)
    return Text(format_local(moment), no_wrap=True)


def money(amount: Money) -> Text:
    """A right-aligned money cell."""
    return Text(amount.format(), justify="right", no_wrap=True)


def text_or_dash(value: str | None, *, max_length: int | None = 80) -> Text:
    """A data string shown literally, or a dim dash when there is none."""
    if not value:
        return Text("—", style="dim", no_wrap=True)
    return plain(value, max_length=max_length)
