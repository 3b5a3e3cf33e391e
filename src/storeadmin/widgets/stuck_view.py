"""Stuck deliveries: commands waiting too long, players not seen, servers that went quiet.

A view: the screen loads ``StuckDeliveries`` and calls :meth:`StuckView.show`; the
view posts ``WaitingChanged`` when the admin picks another threshold and
``OpenCustomer`` on Enter on a command. Rows are updated in place on each refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Select, Static

from storeadmin.core.models import CommandAttempt, GameServer, StuckDeliveries
from storeadmin.widgets.cells import plain
from storeadmin.widgets.delivery_cells import ago, attempt_status
from storeadmin.widgets.live_table import sync_rows

WAITING_CHOICES = (
    ("5 minutes", timedelta(minutes=5)),
    ("10 minutes", timedelta(minutes=10)),
    ("30 minutes", timedelta(minutes=30)),
    ("1 hour", timedelta(hours=1)),
    ("1 day", timedelta(days=1)),
)
"""The "waiting longer than" thresholds offered."""

NO_DELIVERY = (
    "This store does not deliver commands itself, so nothing can be stuck here: "
    "its host's dashboard shows deliveries."
)
ATTEMPT_COLUMNS = ("Why", "Customer", "Server", "Command", "Status", "Queued")
SERVER_COLUMNS = ("ID", "Server", "Game", "Last poll", "Queue")


class StuckView(Vertical):
    """Two tables: stuck commands (Enter opens the customer) and silent servers."""

    DEFAULT_CSS = """
    StuckView {
        height: 1fr;
    }
    StuckView #stuck-controls {
        height: auto;
        padding: 0 1;
    }
    StuckView #stuck-controls Label {
        padding: 0 1 0 0;
    }
    StuckView #stuck-waiting {
        width: 20;
    }
    StuckView .stuck-title {
        text-style: bold;
        padding: 0 1;
        margin-top: 1;
    }
    StuckView #stuck-attempts {
        height: 1fr;
    }
    StuckView #stuck-servers {
        height: auto;
        max-height: 8;
    }
    StuckView #stuck-note {
        padding: 0 1;
        color: $text-muted;
    }
    """

    UNSEEN: ClassVar[timedelta] = timedelta(hours=24)
    """An online-only command is stuck when its player was not seen for this long."""

    @dataclass
    class WaitingChanged(Message):
        """The admin picked another "waiting longer than" threshold."""

        waiting: timedelta

    @dataclass
    class OpenCustomer(Message):
        """Enter on a stuck command: open its customer."""

        customer_id: str

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.waiting = WAITING_CHOICES[1][1]
        """The current "waiting longer than" threshold."""
        self._attempts: dict[str, CommandAttempt] = {}

    def compose(self) -> ComposeResult:
        """Threshold picker, the commands table, the silent servers table, a note line."""
        with Horizontal(id="stuck-controls"):
            yield Label("Waiting longer than")
            yield Select(
                [(label, index) for index, (label, _) in enumerate(WAITING_CHOICES)],
                value=1,
                allow_blank=False,
                compact=True,
                id="stuck-waiting",
            )
        yield Static("", id="stuck-note", markup=False)
        yield Static("Stuck commands (Enter opens the customer)", classes="stuck-title")
        yield DataTable(id="stuck-attempts", cursor_type="row", zebra_stripes=True)
        yield Static("Servers that stopped polling", classes="stuck-title")
        yield DataTable(id="stuck-servers", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns."""
        attempts = self.query_one("#stuck-attempts", DataTable)
        for label in ATTEMPT_COLUMNS:
            attempts.add_column(label, key=label.lower())
        servers = self.query_one("#stuck-servers", DataTable)
        for label in SERVER_COLUMNS:
            servers.add_column(label, key=label.lower())

    def focus_table(self) -> None:
        """Put the cursor in the commands table."""
        self.query_one("#stuck-attempts", DataTable).focus()

    def show(
        self, stuck: StuckDeliveries | None, servers: tuple[GameServer, ...], now: datetime
    ) -> None:
        """Fill both tables (in place), or say why there is nothing to show."""
        note = self.query_one("#stuck-note", Static)
        if stuck is None:
            note.update(Text(NO_DELIVERY))
            self._attempts = {}
            sync_rows(self.query_one("#stuck-attempts", DataTable), [])
            sync_rows(self.query_one("#stuck-servers", DataTable), [])
            return
        why: dict[str, list[str]] = {}
        for attempt in stuck.waiting:
            why.setdefault(attempt.id, []).append(
                f"waiting {ago(attempt.queued_at, now).plain.removesuffix(' ago')}"
            )
            self._attempts[attempt.id] = attempt
        unseen = f"player not seen for {int(self.UNSEEN.total_seconds() // 3600)} h"
        for attempt in stuck.player_unseen:
            why.setdefault(attempt.id, []).append(unseen)
            self._attempts[attempt.id] = attempt
        self._attempts = {key: self._attempts[key] for key in why}
        ordered = sorted(self._attempts.values(), key=lambda a: (a.queued_at, a.id))
        rows = [(a.id, attempt_cells(a, why[a.id], now)) for a in ordered]
        sync_rows(self.query_one("#stuck-attempts", DataTable), rows)
        server_rows = [
            (
                s.id,
                (
                    plain(s.id),
                    plain(s.name, max_length=40),
                    plain(s.game, max_length=12),
                    ago(s.last_poll_at, now),
                    Text(str(s.pending)),
                ),
            )
            for s in stuck.silent_servers
        ]
        sync_rows(self.query_one("#stuck-servers", DataTable), server_rows)
        silent = len(stuck.silent_servers)
        note.update(
            Text(
                f"{len(rows)} stuck command{'s' if len(rows) != 1 else ''}, "
                f"{silent} silent server{'s' if silent != 1 else ''}"
                + (
                    f" · of {len(servers)} server{'s' if len(servers) != 1 else ''}"
                    if servers
                    else ""
                )
            )
        )

    @on(Select.Changed, "#stuck-waiting")
    def _waiting_picked(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:
            return
        waiting = WAITING_CHOICES[int(str(event.value))][1]
        if waiting != self.waiting:
            self.waiting = waiting
            self.post_message(self.WaitingChanged(waiting))

    @on(DataTable.RowSelected, "#stuck-attempts")
    def _attempt_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        attempt = self._attempts.get(str(event.row_key.value))
        if attempt is not None and attempt.customer_id is not None:
            self.post_message(self.OpenCustomer(attempt.customer_id))

    @on(DataTable.RowSelected, "#stuck-servers")
    def _server_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()


def attempt_cells(attempt: CommandAttempt, why: list[str], now: datetime) -> tuple[Text, ...]:
    """One stuck command: why, whose, where, what, status, when queued."""
    return (
        Text(", ".join(why), style="yellow", no_wrap=True),
        Text(f"#{attempt.customer_id}" if attempt.customer_id else "—", no_wrap=True),
        plain(attempt.server_name, max_length=30),
        plain(attempt.command, max_length=80),
        attempt_status(attempt),
        ago(attempt.queued_at, now),
    )
