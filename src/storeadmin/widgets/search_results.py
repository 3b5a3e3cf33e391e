"""The customer search widgets: the search field, and the results as a PagedTable
with one row per CustomerSummary.

Every cell is built with ``widgets.cells``: data is never parsed as markup and
control characters are made visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import Input

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


class SearchResults(PagedTable):
    """Search results; the row key is the customer id."""

    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS.bindings("SearchResults")

    def on_mount(self) -> None:
        """Add the columns."""
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show_first_page(self, rows: Sequence[Row], *, has_more: bool) -> None:
        """Start a new result set; columns are re-created so their widths fit it.

        (DataTable columns only ever grow: one long name would keep the table wide.)
        """
        self.clear(columns=True)
        self._add_columns()
        super().show_first_page(rows, has_more=has_more)

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
                self.update_cell(key, column, cell, update_width=True)


class SearchInput(Input):
    """The search field: Down leaves it for the results, Enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS.bindings("SearchInput")
