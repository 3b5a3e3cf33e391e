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

from storeadmin.core.models import CustomerSummary, MatchKind
from storeadmin.core.timefmt import format_date
from storeadmin.screens.key_tables import SEARCH_KEYS
from storeadmin.widgets.cells import badge, joined, plain
from storeadmin.widgets.column_fit import ColumnSpec
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.text_field import TextField

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("Name", priority=1, min_width=12, max_width=40),
    ColumnSpec("Badges", priority=1),
    ColumnSpec("Platform", priority=3),
    ColumnSpec("External ID", key="external_id", priority=1),
    ColumnSpec("First seen", key="first_seen", priority=4),
    ColumnSpec("Net spent", key="net_spent", priority=1),
    ColumnSpec("Match", key="matched_by", priority=2),
)
"""Badges beside the name. At 80 columns the name, external ID, badges and net spent
stay (a long name is cut with an ellipsis); the others go first; Enter shows them all."""

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
    """Search results; the row key is the customer id.

    Columns are fitted (``PagedTable.set_columns``): explicit widths measured from the
    rows about to be shown, re-created with them (the DataTable's own auto widths are
    measured only when it is next idle, and a frame painted before that was cached at
    the labels' widths, ``Whal``, until a key was pressed).
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
        """Declare the columns."""
        self.set_columns(COLUMNS)

    async def on_key(self, event: events.Key) -> None:
        """A letter typed here goes to the search; a bound printable key (``/``) acts.

        The bound key's action runs here, at once, rather than when the key has bubbled
        up to the App: the letters behind it in the same burst (``/alice`` typed fast)
        are already queued here and must see its effect (the search field focused).
        """
        if not event.is_printable or event.character is None:
            return
        event.stop()
        event.prevent_default()
        bound = self.screen.active_bindings.get(event.key)
        if bound is not None:
            if bound.enabled:
                await self.app.run_action(bound.binding.action, bound.node)
            return
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
        for spec, cell in zip(COLUMNS, cells, strict=True):
            if spec.column_key != "matched_by":
                self.update_full_cell(key, spec.column_key, cell)


class SearchInput(TextField):
    """The search field: Down leaves it for the results, Enter opens; a burst of keys
    (Backspace, Ctrl+U among letters) edits the query in the order it was typed."""

    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS.bindings("SearchInput")
