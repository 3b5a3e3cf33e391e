"""One History entry in full: who, when, action, reason, and the whole before → after.

Opened by Enter on a History row. The entry is read with
``StoreService.get_audit_entry`` in the modal's worker (the log keeps only what a
metadata save changed; the store rebuilds the whole maps). For metadata the table
lists every key of the map: the added, removed and changed ones first, then the
unchanged ones, each value as plain text. Other actions list the fields they
recorded. The table scrolls (a customer may hold 200 keys).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.widgets import Static

from storeadmin.core.audit_detail import AuditDetail, ChangeKind, KeyChange
from storeadmin.core.models import AuditEntry
from storeadmin.core.service import StoreService
from storeadmin.screens.modals.detail import DetailModal, facts_grid
from storeadmin.widgets.audit_words import describe
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import text_or_dash, when
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.tab_base import column_specs

COLUMNS = (("Key", 24), ("Change", 7), ("Before", None), ("After", None))
"""The before → after table: fitted to the dialog, long values cut with an ellipsis."""

VALUE_LENGTH = 200
"""Longest value shown in a cell (metadata values are at most 1,024 characters)."""

KIND_STYLE = {
    ChangeKind.ADDED: "green",
    ChangeKind.REMOVED: "red",
    ChangeKind.CHANGED: "yellow",
    ChangeKind.SAME: "dim",
}
"""How the Change column colours each kind (our own words, not data)."""


def value_cell(change: KeyChange, value: object | None, present: bool) -> Text:
    """A value as plain text; a key absent on that side is a dim dash."""
    if not present:
        return Text("—", style="dim")
    return plain("∅" if value is None else value, max_length=VALUE_LENGTH)


def key_row(change: KeyChange, index: int) -> Row:
    """Key, change, before, after (every data string through ``cells.plain``)."""
    return (
        str(index),
        (
            plain(change.key, max_length=64),
            Text(change.kind.value, style=KIND_STYLE[change.kind]),
            value_cell(change, change.before, change.kind is not ChangeKind.ADDED),
            value_cell(change, change.after, change.kind is not ChangeKind.REMOVED),
        ),
    )


def ordered_keys(detail: AuditDetail) -> list[KeyChange]:
    """The changed keys first, then the unchanged ones, each in key order."""
    keys = detail.keys()
    return [k for k in keys if k.kind is not ChangeKind.SAME] + [
        k for k in keys if k.kind is ChangeKind.SAME
    ]


def summary_line(detail: AuditDetail) -> Text:
    """The entry in words (as History says it), then for metadata how many keys stayed
    and how many each map holds: ``metadata: Tier changed · 199 unchanged · 200 keys``."""
    parts = [describe(detail.entry)]
    if detail.is_metadata:
        parts.append(f"{detail.unchanged()} unchanged")
        before, after = len(detail.before), len(detail.after)
        parts.append(f"{after} keys" if before == after else f"{before} → {after} keys")
    return Text(" · ".join(parts))


class AuditEntryModal(DetailModal):
    """A History entry with the full before and after (read-only)."""

    GROUP: ClassVar[str] = "audit-entry"

    DEFAULT_CSS = """
    AuditEntryModal #audit-keys {
        height: auto;
    }
    """

    RESERVED_ROWS: ClassVar[int] = 15
    """Terminal rows the rest of the dialog takes (border, title, facts, summary, Close,
    footer): the key table gets what is left and scrolls within it."""

    def __init__(self, customer_id: str, entry: AuditEntry) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.entry = entry

    def title_text(self) -> Text:
        """``History entry #123``."""
        return Text(f"History entry #{self.entry.id}")

    def compose_body(self) -> ComposeResult:
        """Facts, the before → after table and its summary."""
        yield Static("", id="audit-facts", markup=False)
        yield Static("Before → after", classes="dialog-section", markup=False)
        yield Static("", id="audit-summary", markup=False)
        yield PagedTable(id="audit-keys")

    def on_mount(self) -> None:
        """Columns and the facts the row already had, then the fetch."""
        self.query_one(PagedTable).set_columns(column_specs(COLUMNS))
        self._show_facts(self.entry)
        self._fit_table(self.app.size.height)
        super().on_mount()

    def on_resize(self, event: events.Resize) -> None:
        """Keep Close on screen: the table scrolls within the rows that are left."""
        self._fit_table(event.size.height)

    def _fit_table(self, height: int) -> None:
        self.query_one(PagedTable).styles.max_height = max(4, height - self.RESERVED_ROWS)

    def fetch(self, service: StoreService) -> object:
        """The entry with its whole before and after."""
        return service.get_audit_entry(self.customer_id, self.entry.id)

    def _show_facts(self, entry: AuditEntry) -> None:
        self.query_one("#audit-facts", Static).update(
            facts_grid(
                ("When", when(entry.at)),
                ("Who", plain(entry.actor, max_length=40)),
                ("Action", plain(entry.action, max_length=40)),
                ("Target", plain(f"{entry.target_type} {entry.target_id}", max_length=40)),
                ("Reason", text_or_dash(entry.reason, max_length=60)),
            )
        )

    def show(self, result: object) -> None:
        """The facts as stored, the summary and every key."""
        detail: AuditDetail = result  # type: ignore[assignment]  # result is what fetch() returned
        self._show_facts(detail.entry)
        self.query_one("#audit-summary", Static).update(summary_line(detail))
        rows = [key_row(change, i) for i, change in enumerate(ordered_keys(detail))]
        table = self.query_one(PagedTable)
        table.show_first_page(rows, has_more=False)
        if not rows:
            self.query_one("#audit-summary", Static).update(
                Text("This entry recorded no fields.", style="dim")
            )
