"""The customer search widgets: the search field, and the results as a PagedTable
with one row per CustomerSummary.

Every cell is built with ``widgets.cells``: data is never parsed as markup and
control characters are made visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input
from textual.widgets.data_table import ColumnKey

from storeadmin.core.models import CustomerSummary, MatchKind
from storeadmin.core.timefmt import format_date
from storeadmin.screens.key_tables import SEARCH_KEYS
from storeadmin.widgets.cells import badge, joined, plain
from storeadmin.widgets.paged_table import PagedTable, Row

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("badges", "Badges"),
    ("platform", "Platform"),
    ("external_id", "External ID"),
    ("first_seen", "First seen"),
    ("net_spent", "Net spent"),
    ("matched_by", "Match"),
)
"""(column key, label): badges beside the name; narrow terminals cut the last ones first."""

NAME_WIDTH = 40
"""Longer names are cut with an ellipsis so the other columns stay on screen."""

BANNED_STYLE = "bold bright_white on red"
SUBSCRIBER_STYLE = "bold black on green"


def summary_cells(summary: CustomerSummary) -> tuple[Text, ...]:
    """The cells of one result row, in COLUMNS order."""
    badges = joined(
        badge("BANNED", BANNED_STYLE) if summary.banned else Text(""),
        badge("SUB", SUBSCRIBER_STYLE) if summary.active_subscriber else Text(""),
    )
    spent = plain(summary.net_spent.format())
    spent.justify = "right"
    return (
        plain(summary.username, max_length=NAME_WIDTH),
        badges,
        plain(summary.platform.value),
        plain(summary.external_id, max_length=40),
        # Stored in UTC, shown as the admin's local date.
        plain(format_date(summary.first_seen)),  # never raises (year 9999 east of UTC)
        spent,
        # Without a query there is no match to explain.
        plain(
            "" if summary.matched_by is MatchKind.NEWEST else summary.matched_by.value, style="dim"
        ),
    )


def summary_rows(summaries: Sequence[CustomerSummary]) -> list[Row]:
    """PagedTable rows keyed by customer id."""
    return [(str(summary.id), summary_cells(summary)) for summary in summaries]


def _cell_width(cell: Text | str) -> int:
    return cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len


def column_widths(rows: Sequence[Row]) -> list[int]:
    """The width each column needs for ``rows`` (at least its label), in COLUMNS order."""
    widths = [Text(label).cell_len for _key, label in COLUMNS]
    for _key, cells in rows:
        for index, cell in enumerate(cells):
            widths[index] = max(widths[index], _cell_width(cell))
    return widths


class SearchResults(PagedTable):
    """Search results; the row key is the customer id.

    Columns get explicit widths, measured here from the rows they are about to show:
    the DataTable's own (auto) widths are measured only when it is next idle, and a
    frame painted before that is cached at the labels' widths (``Whal``) and stays
    when the measured widths add up to the same total as before.
    """

    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS.bindings("SearchResults")

    @dataclass
    class Typed(Message):
        """A printable key no binding wants was typed on the results."""

        results: SearchResults
        character: str

        @property
        def control(self) -> SearchResults:
            """The results table typed on."""
            return self.results

    def on_mount(self) -> None:
        """Add the columns."""
        self._add_columns(column_widths([]))

    def _add_columns(self, widths: Sequence[int]) -> None:
        for (key, label), width in zip(COLUMNS, widths, strict=True):
            self.add_column(label, key=key, width=width)

    def show_first_page(self, rows: Sequence[Row], *, has_more: bool) -> None:
        """Start a new result set; columns are re-created at the widths it needs.

        (DataTable columns only ever grow: one long name would keep the table wide.)
        """
        self.clear(columns=True)
        self._add_columns(column_widths(rows))
        super().show_first_page(rows, has_more=has_more)

    def append_page(self, rows: Sequence[Row], *, has_more: bool) -> None:
        """Add the next page, widening a column first if its rows need it."""
        for column, width in zip(self.ordered_columns, column_widths(rows), strict=True):
            column.width = max(column.width, width)
        super().append_page(rows, has_more=has_more)

    def on_key(self, event: events.Key) -> None:
        """A letter typed here goes to the search (bound keys keep their bindings)."""
        if not event.is_printable or event.character is None:
            return
        if event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.post_message(self.Typed(self, event.character))

    def selected_customer_id(self) -> str | None:
        """The customer under the cursor, if any."""
        return self.selected_key()

    def refresh_customer(self, summary: CustomerSummary) -> None:
        """Update a shown row (badges may change after a ban, say), if it is loaded."""
        key = str(summary.id)
        if key not in self.rows:
            return
        cells = summary_cells(summary)
        # Keep the match reason of the original search: it explains why the row is here.
        for (column, _label), cell in zip(COLUMNS, cells, strict=True):
            if column != "matched_by":
                table_column = self.columns[ColumnKey(column)]
                table_column.width = max(table_column.width, _cell_width(cell))
                self.update_cell(key, column, cell)


class SearchInput(Input):
    """The search field: Down leaves it for the results, Enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS.bindings("SearchInput")
