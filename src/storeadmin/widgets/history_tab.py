"""History tab: the customer's audit entries, newest first; Enter opens one in full
(``AuditEntryModal``: who, when, action, reason and the whole before → after)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from storeadmin.core.models import AuditEntry, Feature, Page
from storeadmin.core.service import StoreService
from storeadmin.screens.modals.audit_entry import AuditEntryModal
from storeadmin.widgets.audit_words import change_summary, describe
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import text_or_dash, when
from storeadmin.widgets.host import features, store_kind
from storeadmin.widgets.tab_base import PAGE_SIZE, Fetch, PagedTab

SUMMARY_LENGTH = 70
"""Longest description of a change shown in a cell."""

__all__ = ["HistoryTab", "change_summary"]


class HistoryTab(PagedTab[AuditEntry]):
    """When, who, action, target, reason and what changed, in words."""

    GROUP: ClassVar[str] = "history"
    NOUN: ClassVar[str] = "entries"
    COLUMNS: ClassVar[Sequence[tuple[str, int | None]]] = (
        ("When", 16),
        ("Who", None),
        ("Action", None),
        ("Target", None),
        ("Reason", None),
        ("Change", None),
    )

    def compose_toolbar(self) -> ComposeResult:
        """On a store without its own audit log, one line saying whose entries these are."""
        if Feature.AUDIT_LOG not in features(self):
            yield Static(
                Text(
                    f"{store_kind(self)} keeps no audit log: these entries are storeadmin's "
                    "local journal of the changes made through it.",
                    style="italic",
                ),
                id="history-journal-note",
                classes="tab-toolbar",
                markup=False,
            )

    def make_fetch(self) -> Fetch[AuditEntry]:
        """Audit entries newest first."""
        customer_id = self.customer_id

        def fetch(service: StoreService, cursor: str | None) -> Page[AuditEntry]:
            return service.list_audit(customer_id, limit=PAGE_SIZE, cursor=cursor)

        return fetch

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a row: the entry in full, handled here (not by the screen)."""
        event.stop()
        event.prevent_default()  # the base tab would post OpenRequested, which no one opens
        self.request_open()

    def request_open(self) -> None:
        """Open the highlighted entry with its whole before and after (nothing on no row)."""
        entry = self.selected_item()
        if entry is not None:
            self.app.push_screen(AuditEntryModal(self.customer_id, entry))

    def row_key(self, item: AuditEntry) -> str:
        """The entry id."""
        return str(item.id)

    def row_cells(self, item: AuditEntry) -> Sequence[Text | str]:
        """Every value from data shown plain."""
        return (
            when(item.at),
            plain(item.actor, max_length=24),
            plain(item.action, max_length=24),
            plain(f"{item.target_type} {item.target_id}", max_length=30),
            text_or_dash(item.reason, max_length=40),
            plain(describe(item), max_length=SUMMARY_LENGTH),
        )
