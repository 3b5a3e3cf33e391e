"""The ``i`` dialog: every command attempt of one inventory item, and its delivery.

Each attempt shows its server, exact command, stage, status (with a ↻ mark on a
resend), how often it was handed out and when, when it ran and from which IP, or
when it was canceled. The dialog refreshes itself while open (worker group
``commands``, every :attr:`CommandModal.REFRESH_SECONDS`): rows are updated in place
and the cursor stays on its attempt. Resend (``r``, optionally to another server)
and Cancel (``x``) ask first, run in group ``command-action`` and refresh the list.
A store without ``Feature.COMMAND_DELIVERY`` offers neither, and a line says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Button, DataTable, Static
from textual.worker import Worker

from storeadmin.core.errors import AlreadyDone, StoreError
from storeadmin.core.models import (
    CommandAttempt,
    CommandStage,
    Feature,
    InventoryItem,
    ItemState,
    ProductType,
)
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.screens.key_tables import COMMAND_KEYS
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.detail import DetailModal
from storeadmin.screens.modals.resend import ResendModal
from storeadmin.screens.table_commands import table_commands
from storeadmin.widgets.cells import plain
from storeadmin.widgets.column_fit import ColumnSpec, date_column
from storeadmin.widgets.delivery_cells import attempt_facts, attempt_status, executed_cell
from storeadmin.widgets.detail_format import status_cell, text_or_dash, when
from storeadmin.widgets.host import host
from storeadmin.widgets.inventory_tab import source_label
from storeadmin.widgets.live_table import cursor_key, sync_rows
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.tab_base import first_page_only

# What decides (server, command, status, error, when queued) stays at 80 columns; the
# full command, error, hand-outs, execution time and IP are in the facts under the table.
COLUMNS = (
    ColumnSpec("Server", min_width=10, max_width=30),
    ColumnSpec("Command", min_width=12, max_width=60),
    ColumnSpec("Stage", priority=3),
    ColumnSpec("Status"),
    ColumnSpec("Error", min_width=10, max_width=40),
    ColumnSpec("Sent", priority=2),
    date_column("Executed", priority=4),
    date_column("Queued"),
)

NO_DELIVERY = (
    "This store does not let storeadmin resend or cancel commands: its host delivers them."
)

CommandCommands = table_commands(COMMAND_KEYS, "CommandCommands")


def stage_label(attempt: CommandAttempt, item: InventoryItem) -> str:
    """``on purchase``, ``on expire``, …; a revoked item's removal commands read ``on revoke``.

    A revoke queues the product's on-expire commands, and only an active item can be
    revoked, so every on-expire attempt of a revoked item came from its revoke.
    """
    if attempt.stage is CommandStage.ON_EXPIRE and item.state is ItemState.REVOKED:
        return "on revoke"
    return attempt.stage.value.replace("_", " ")


def attempt_row(attempt: CommandAttempt, item: InventoryItem) -> Row:
    """One attempt as a table row; the command is plain text, never markup."""
    handed = (
        Text("—", style="dim")
        if not attempt.delivered_count
        else Text(f"{attempt.delivered_count}×", no_wrap=True)
    )
    return (
        str(attempt.id),
        (
            plain(attempt.server_name, max_length=30),
            plain(attempt.command, max_length=60),
            stage_label(attempt, item),
            attempt_status(attempt),
            text_or_dash(attempt.error, max_length=40),
            handed,
            executed_cell(attempt, with_ip=False),
            when(attempt.queued_at),
        ),
    )


@dataclass(frozen=True)
class Attempts:
    """What one refresh read."""

    attempts: tuple[CommandAttempt, ...]
    features: frozenset[Feature] | None
    """Read on the first load only (None afterwards)."""


class CommandModal(DetailModal):
    """The item's attempts with their delivery facts; Resend and Cancel ask first."""

    DEFAULT_CSS = """
    CommandModal > #dialog {
        width: 100%;
    }
    CommandModal #commands-detail {
        margin-top: 1;
    }
    CommandModal #commands-note {
        display: none;
        color: $text-muted;
    }
    CommandModal.-no-delivery #commands-note {
        display: block;
    }
    CommandModal.-no-delivery #commands-resend, CommandModal.-no-delivery #commands-cancel {
        display: none;
    }
    CommandModal #dialog-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = COMMAND_KEYS.bindings("CommandModal")
    COMMANDS: ClassVar = DetailModal.COMMANDS | {CommandCommands}

    GROUP: ClassVar[str] = "commands"
    REFRESH_SECONDS: ClassVar[float] = 2.0
    """How often the open dialog re-reads the attempts."""

    @dataclass
    class Changed(Message):
        """A cancel finished (``info``: nothing needed doing)."""

        text: str
        info: bool = False

    @dataclass
    class Refused(Message):
        """The store refused a cancel."""

        error: StoreError

    def __init__(self, item: InventoryItem) -> None:
        super().__init__()
        self.item = item
        self._attempts: dict[str, CommandAttempt] = {}
        self.features: frozenset[Feature] | None = None
        """What the store can do (None until the first load)."""
        self.busy = False
        self._load_failed = False

    def title_text(self) -> Text:
        """``Commands · VIP Rank (item #12)``."""
        return Text.assemble(
            "Commands · ",
            plain(self.item.product_name, max_length=60),
            (f"  (item #{self.item.id})", "dim"),
        )

    def compose_body(self) -> ComposeResult:
        """The item's facts, the attempts table, the highlighted attempt's facts and a
        summary line."""
        yield Static(item_facts(self.item), id="commands-item", markup=False)
        yield PagedTable(id="commands-table")
        yield Static("", id="commands-detail", markup=False)
        yield Static("", id="commands-summary", markup=False)
        yield Static(Text(NO_DELIVERY), id="commands-note", markup=False)

    def compose_buttons(self) -> ComposeResult:
        """Resend, Cancel command, Close."""
        yield Button("Resend (r)", id="commands-resend", compact=True, disabled=True)
        yield Button(
            "Cancel command (x)",
            id="commands-cancel",
            variant="error",
            compact=True,
            disabled=True,
        )
        yield from super().compose_buttons()

    def on_mount(self) -> None:
        """Columns and the refresh timer (``DetailModal.on_mount`` starts the first load)."""
        self.query_one(PagedTable).set_columns(COLUMNS)
        self.set_interval(self.REFRESH_SECONDS, self.refresh_attempts)

    # ------------------------------------------------------------ loading

    def fetch(self, service: StoreService) -> object:
        """Worker thread: the attempts (and, the first time, the store's features)."""
        features = service.store_info().features if self.features is None else None
        return Attempts(service.list_command_attempts(self.item.id), features)

    def refresh_attempts(self) -> None:
        """Re-read the attempts in a worker (a running read is replaced)."""
        if not self.is_attached:
            return
        self.run_worker(
            partial(self._fetch, host(self).service),
            name="loading commands",
            group=self.GROUP,
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def show(self, result: object) -> None:
        """Update the rows in place (the cursor stays) and the summary."""
        assert isinstance(result, Attempts)
        if result.features is not None:
            self.features = result.features
            self.set_class(not self.delivery, "-no-delivery")
            self.refresh_bindings()
        if self._load_failed:
            # Only a failed read's message goes: a refused cancel stays until the next action.
            self._load_failed = False
            self.clear_error()
        attempts = result.attempts
        page = first_page_only(attempts)
        self._attempts = {str(attempt.id): attempt for attempt in page.items}
        table = self.query_one(PagedTable)
        sync_rows(table, [attempt_row(a, self.item) for a in page.items])
        if not attempts:
            summary = "No commands were queued for this item."
        else:
            summary = f"{len(attempts)} command attempt{'s' if len(attempts) != 1 else ''}"
            if len(page.items) < len(attempts):
                summary += f" (showing the first {len(page.items)})"
        self.query_one("#commands-summary", Static).update(Text(summary, style="dim"))
        self._show_selected()

    def worker_failed(self, worker: Worker[Any]) -> None:
        """A failed read or write: said in the dialog; the rows stay (the App reports it)."""
        self.query_one("#dialog").loading = False
        self.busy = False
        if worker.group == self.GROUP:
            self._load_failed = True
            self.show_error(f"Could not load: {worker.error}")
        else:
            super().worker_failed(worker)
        self._update_buttons()

    # ------------------------------------------------------------ selection

    @property
    def delivery(self) -> bool:
        """True when the store can resend and cancel commands."""
        return self.features is not None and Feature.COMMAND_DELIVERY in self.features

    def selected(self) -> CommandAttempt | None:
        """The highlighted attempt, if any."""
        key = cursor_key(self.query_one(PagedTable))
        return None if key is None else self._attempts.get(key)

    @on(DataTable.RowHighlighted, "#commands-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        """The highlighted attempt's full command, delivery facts and error, wrapped."""
        attempt = self.selected()
        detail = Text()
        if attempt is not None:
            detail.append("Command ", style="dim")
            detail.append_text(wrapped(attempt.command))
            detail.append("\n")
            detail.append_text(attempt_facts(attempt))
            if attempt.error:
                detail.append("\nError ", style="dim")
                detail.append_text(wrapped(attempt.error, style="red"))
        self.query_one("#commands-detail", Static).update(detail)
        self._update_buttons()

    def _update_buttons(self) -> None:
        attempt = self.selected()
        self.query_one("#commands-resend", Button).disabled = self.busy or attempt is None
        self.query_one("#commands-cancel", Button).disabled = (
            self.busy or attempt is None or not attempt.can_cancel
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Resend and Cancel only on a store that delivers commands."""
        if action in ("resend", "cancel_attempt"):
            return self.delivery
        return True

    # ------------------------------------------------------------ actions

    @on(Button.Pressed, "#commands-resend")
    def _resend_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_resend()

    @on(Button.Pressed, "#commands-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel_attempt()

    def action_resend(self) -> None:
        """``r``: the resend dialog for the highlighted attempt (it asks and picks a server)."""
        attempt = self.selected()
        if not self.delivery or attempt is None or self.busy:
            return
        self.app.push_screen(ResendModal(attempt), self._resent)

    def _resent(self, attempt: CommandAttempt | None) -> None:
        if attempt is not None:
            self.refresh_attempts()

    def action_cancel_attempt(self) -> None:
        """``x``: ask, then unqueue the highlighted attempt (pending, delivered or failed)."""
        attempt = self.selected()
        if not self.delivery or attempt is None or self.busy:
            return
        if not attempt.can_cancel:
            self.notify(
                f"Only a pending, delivered or failed command can be canceled; "
                f"this one is {attempt.status.value}.",
                title="Nothing to do",
                markup=False,
            )
            return
        question = Text.assemble(
            "Cancel this command on ",
            plain(attempt.server_name, max_length=40),
            "?\n",
            plain(attempt.command, max_length=200),
            ("\nNo game server will be handed it again.", "dim"),
        )
        self.app.push_screen(
            ConfirmModal(
                "Cancel command", question, yes="Cancel command", no="Keep it", destructive=True
            ),
            partial(self._cancel_answered, attempt),
        )

    def _cancel_answered(self, attempt: CommandAttempt, yes: bool | None) -> None:
        if not yes:
            return
        self.busy = True
        self.clear_error()
        self._update_buttons()
        self._cancel(host(self).service, attempt.id)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="command-action",
        name="canceling command",
    )
    def _cancel(self, service: StoreService, attempt_id: str) -> None:
        try:
            service.cancel_command(attempt_id)
        except AlreadyDone as error:
            self.post_message(self.Changed(str(error), info=True))
        except StoreError as error:
            self.post_message(self.Refused(error))
        else:
            self.post_message(self.Changed(f"Canceled command attempt #{attempt_id}"))

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        event.stop()
        self.busy = False
        self.notify(event.text, title="Nothing to do" if event.info else "", markup=False)
        self.refresh_attempts()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        event.stop()
        self.busy = False
        self.show_error(str(event.error))
        self._update_buttons()


def item_facts(item: InventoryItem) -> Text:
    """The item's own facts, which a narrow Inventory table may leave out: ``One-time ·
    Active · order #1 · granted 2026-10-16 12:01 · expires 2026-12-15 12:00``."""
    kind = "Subscription" if item.product_type is ProductType.SUBSCRIPTION else "One-time"
    return Text.assemble(
        kind,
        (" · ", "dim"),
        status_cell(item.state),
        (" · ", "dim"),
        plain(source_label(item), max_length=40),
        (" · granted ", "dim"),
        when(item.granted_at),
        (" · expires ", "dim"),
        when(item.expires_at, missing="never"),
    )


def wrapped(value: str, *, style: str = "") -> Text:
    """A long data string shown whole (it may wrap), never as markup."""
    return Text(display_safe(value, max_length=1000), style=style)
