"""The ℹ modal: every command attempt of one inventory item, exactly as sent."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from storeadmin.core.models import CommandAttempt, InventoryItem
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.screens.modals.detail import DetailModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import status_cell, text_or_dash, when
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.tab_base import first_page_only

# Error sits before the times so a failure stays visible when the table must scroll.
COLUMNS = ("Server", "Command", "Stage", "Status", "Error", "Queued", "Executed")


def attempt_row(attempt: CommandAttempt) -> Row:
    """One attempt as a table row; the command is plain text, never markup."""
    return (
        str(attempt.id),
        (
            plain(attempt.server_name, max_length=30),
            plain(attempt.command, max_length=200),
            attempt.stage.value.replace("_", " "),
            status_cell(attempt.status),
            text_or_dash(attempt.error, max_length=40),
            when(attempt.queued_at),
            when(attempt.executed_at),
        ),
    )


class CommandModal(DetailModal):
    """Game server, command, stage, status, queued/executed times and error of each attempt."""

    DEFAULT_CSS = """
    CommandModal #commands-detail {
        margin-top: 1;
    }
    """

    GROUP: ClassVar[str] = "commands"

    def title_text(self) -> Text:
        """``Commands · VIP Rank (item #12)``."""
        return Text.assemble(
            "Commands · ",
            plain(self.item.product_name, max_length=60),
            (f"  (item #{self.item.id})", "dim"),
        )

    def compose_body(self) -> ComposeResult:
        """The attempts table and a summary line."""
        yield PagedTable(id="commands-table")
        yield Static("", id="commands-detail", markup=False)
        yield Static("", id="commands-summary", markup=False)

    def on_mount(self) -> None:
        """Columns first, then the fetch."""
        self.query_one(PagedTable).add_columns(*COLUMNS)
        super().on_mount()

    def __init__(self, item: InventoryItem) -> None:
        super().__init__()
        self.item = item
        self._attempts: dict[str, CommandAttempt] = {}

    def fetch(self, service: StoreService) -> object:
        """Every attempt of the item, oldest first."""
        return service.list_command_attempts(self.item.id)

    def show(self, result: object) -> None:
        """Fill the table (capped like every table) and count the attempts."""
        attempts: tuple[CommandAttempt, ...] = result  # type: ignore[assignment]  # result is what fetch() returned
        page = first_page_only(attempts)
        self._attempts = {str(attempt.id): attempt for attempt in page.items}
        self.query_one(PagedTable).show_first_page(
            [attempt_row(a) for a in page.items], has_more=False
        )
        if not attempts:
            summary = "No commands were queued for this item."
        else:
            summary = f"{len(attempts)} command attempt{'s' if len(attempts) != 1 else ''}"
            if len(page.items) < len(attempts):
                summary += f" (showing the first {len(page.items)})"
        self.query_one("#commands-summary", Static).update(Text(summary, style="dim"))

    @on(DataTable.RowHighlighted, "#commands-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted attempt's full command and error, wrapped."""
        attempt = self._attempts.get(str(event.row_key.value))
        detail = Text()
        if attempt is not None:
            detail.append("Command ", style="dim")
            detail.append_text(wrapped(attempt.command))
            if attempt.error:
                detail.append("\nError ", style="dim")
                detail.append_text(wrapped(attempt.error, style="red"))
        self.query_one("#commands-detail", Static).update(detail)


def wrapped(value: str, *, style: str = "") -> Text:
    """A long data string shown whole (it may wrap), never as markup."""
    return Text(display_safe(value, max_length=1000), style=style)
