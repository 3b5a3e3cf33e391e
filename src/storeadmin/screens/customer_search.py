"""The customer search screen: one input, results as you type, Enter opens a customer.

Every keystroke starts its query at once in a thread worker of the exclusive group
``search`` (which cancels the one before); results come back as messages and are
applied on the UI thread only if they still answer what the input says now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, LoadingIndicator, Static
from textual.worker import Worker, WorkerState, get_current_worker

from storeadmin.core.identifiers import VANITY_LINK_SEARCH, is_vanity_steam_link
from storeadmin.core.models import CustomerSummary, MatchKind, Page, StoreInfo
from storeadmin.core.text import display_safe
from storeadmin.screens.key_tables import SEARCH_KEYS
from storeadmin.screens.search_commands import SearchCommands
from storeadmin.widgets.chrome import RecomposingFooter
from storeadmin.widgets.paged_table import PagedTable
from storeadmin.widgets.reporting import ReportsWorkerFailures
from storeadmin.widgets.search_results import SearchInput, SearchResults, summary_rows

if TYPE_CHECKING:
    from storeadmin.app import StoreAdminApp
    from storeadmin.core.service import StoreService

PAGE_SIZE = 100
"""Rows per search page."""

DETAIL_TABS = {MatchKind.ORDER_ID: "orders", MatchKind.SUBSCRIPTION_ID: "subscriptions"}
"""A customer found by an order / subscription ID opens on that tab, with its details."""

_TRAILING_ID = re.compile(r"([0-9]+)\s*$")

PLACEHOLDER = (
    "Search: name, SteamID64 / UUID / XUID, customer / order / subscription ID, Discord ID"
)

EMPTY_STORE_TEXT = (
    "This store has no customers yet.\n\n"
    "  • Explore the demo store:        storeadmin --demo\n"
    "  • Build a demo store in a file:  storeadmin demo --db PATH\n"
    "  • Open another database:         storeadmin --db URL\n"
    "    (postgresql://user@host/dbname, or the path of a SQLite file)\n\n"
    "Press Ctrl+Q to quit."
)


class CustomerSearchScreen(ReportsWorkerFailures, Screen[None]):
    """Find a customer: search as you type, page through results, open one."""

    COMMANDS: ClassVar = {SearchCommands}

    # customer_search.tcss is loaded by the App: Textual skips CSS_PATH of a default screen.

    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS.bindings()

    @dataclass
    class ResultsFound(Message):
        """A search worker finished the first page of ``query``."""

        query: str
        generation: int
        page: Page[CustomerSummary]

    @dataclass
    class MoreFound(Message):
        """A search worker fetched the next page of ``query``."""

        query: str
        generation: int
        page: Page[CustomerSummary]

    @dataclass
    class CustomerRefreshed(Message):
        """A fresh summary of a customer shown in the results."""

        summary: CustomerSummary

    def __init__(self) -> None:
        super().__init__()
        self._generation = 0
        self._shown_query: str | None = None
        """The query whose results the table holds (None: nothing shown yet)."""
        self._shown_page: Page[CustomerSummary] | None = None
        self._next_cursor: str | None = None
        self._open_when_found: str | None = None
        """Enter was pressed on this query before its results arrived."""
        self._connected = False
        self._footer_had_results = False
        """Whether the footer last offered the keys that need rows (``focus_results``)."""

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """Header, search input, status line, results (or a start-up / empty view), footer."""
        app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
        yield Header()
        yield SearchInput(placeholder=PLACEHOLDER, id="query", select_on_focus=False)
        yield Static("", id="status")
        with ContentSwitcher(initial="connecting", id="body"):
            with Vertical(id="connecting"):
                yield LoadingIndicator()
                yield Static(Text(self._connecting_text(app)), id="connecting-text")
            yield SearchResults(id="results")
            yield Static(Text(EMPTY_STORE_TEXT), id="empty-store")
        yield RecomposingFooter()

    @staticmethod
    def _connecting_text(app: StoreAdminApp) -> str:
        if getattr(app, "demo", False):
            return "Opening the demo store (the first run builds it, about 10 s)…"
        return f"Connecting to {getattr(app, 'location_label', 'the store')}…"

    def on_mount(self) -> None:
        """Typing starts in the search field."""
        self.query_one("#query", Input).focus()

    # ------------------------------------------------------------ connection

    def service_ready(self, info: StoreInfo) -> None:
        """The App opened the store: run the current query (or list the newest)."""
        self._connected = True
        self._search_now()

    def service_failed(self, reason: str) -> None:
        """The App could not open the store."""
        self._connected = False
        self._set_status(f"Not connected: {reason}", error=True)

    # ------------------------------------------------------------ searching

    def _query(self) -> str:
        field = self.query_one_optional("#query", Input)
        return "" if field is None else field.value.strip()

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        self._search_now()

    def _search_now(self) -> None:
        """Start the first-page search for what the input says now (the exclusive worker
        group cancels the previous one; its late answer is dropped by generation)."""
        if not self._connected or self.query_one_optional(SearchResults) is None:
            return
        app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
        self._generation += 1
        self._set_status("Searching…")
        self.query_one(SearchResults).has_more = False
        self._search(app.service, self._query(), self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search", name="searching")
    def _search(self, service: StoreService, query: str, generation: int) -> None:
        if get_current_worker().is_cancelled:  # superseded before it started
            return
        page = service.search_customers(query, limit=PAGE_SIZE)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ResultsFound(query, generation, page))

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="search-more", name="loading more"
    )
    def _search_more(self, service: StoreService, query: str, cursor: str, generation: int) -> None:
        page = service.search_customers(query, limit=PAGE_SIZE, cursor=cursor)
        if not get_current_worker().is_cancelled:
            self.post_message(self.MoreFound(query, generation, page))

    def _is_current(self, query: str, generation: int) -> bool:
        """Stale answers (an older query, or a superseded run) are dropped."""
        return generation == self._generation and query == self._query()

    @on(ResultsFound)
    def _show_results(self, message: ResultsFound) -> None:
        if not self._is_current(message.query, message.generation):
            return
        page = message.page
        table = self.query_one(SearchResults)
        self._shown_query = message.query
        self._shown_page = page
        self._next_cursor = page.next_cursor
        switcher = self.query_one("#body", ContentSwitcher)
        if not page.items and not message.query:
            switcher.current = "empty-store"
            self._set_status("No customers yet")
            table.show_first_page([], has_more=False)
        else:
            switcher.current = "results"
            table.show_first_page(summary_rows(page.items), has_more=page.has_more)
            self._update_count(page)
        self._refresh_footer_keys()
        if self._open_when_found is not None and self._open_when_found == message.query:
            self._open_when_found = None
            self._submit_current()

    @on(PagedTable.NeedMore, "#results")
    def _need_more(self) -> None:
        if self._next_cursor is None or self._shown_query is None or not self._connected:
            return
        app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
        self._search_more(app.service, self._shown_query, self._next_cursor, self._generation)

    @on(MoreFound)
    def _show_more(self, message: MoreFound) -> None:
        if not self._is_current(message.query, message.generation):
            return
        self._next_cursor = message.page.next_cursor
        table = self.query_one(SearchResults)
        table.append_page(summary_rows(message.page.items), has_more=message.page.has_more)
        self._update_count(message.page)

    @on(PagedTable.NeedRestart, "#results")
    def _need_restart(self) -> None:
        self._search_now()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed search leaves a usable screen (the App shows the error itself)."""
        if event.worker.group in ("search", "search-more") and event.state is WorkerState.ERROR:
            self._open_when_found = None
            if event.worker.group == "search":  # the rows above are another query's
                self._shown_query, self._shown_page, self._next_cursor = None, None, None
                self.query_one(SearchResults).show_first_page([], has_more=False)
                self._refresh_footer_keys()
            self._set_status("Search failed: see the message; edit the query to retry.")

    def _refresh_footer_keys(self) -> None:
        """Refresh the footer only when a key's availability changed (rows or none): each
        refresh recomposes the Footer, a second layout and frame after the results'."""
        has_results = self.query_one(SearchResults).row_count > 0
        if has_results != self._footer_had_results:
            self._footer_had_results = has_results
            self.refresh_bindings()

    def _update_count(self, page: Page[CustomerSummary]) -> None:
        table = self.query_one(SearchResults)
        loaded = table.dropped_rows + table.row_count
        query = self._shown_query or ""
        if loaded == 0:
            shown = display_safe(query, max_length=60)
            vanity = is_vanity_steam_link(query)
            self._set_status(VANITY_LINK_SEARCH if vanity else f"No customer matches “{shown}”")
            return
        noun = "customer" if loaded == 1 else "customers"
        if page.total is not None and page.total > loaded:
            count = f"{loaded:,} of {page.total:,} {noun}"
        elif page.has_more:
            count = f"{loaded:,}+ customers"
        else:
            count = f"{loaded:,} {noun}"
        self._set_status(f"Newest customers: {count}" if not query else count)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one_optional("#status", Static)
        if status is None:  # a late answer while the app shuts down
            return
        status.update(Text(text))
        status.set_class(error, "-error")

    # ------------------------------------------------------------ opening

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        if self._shown_query != self._query():
            # Results for this exact text are not in yet: act when they arrive.
            self._open_when_found = self._query()
            self._search_now()
            return
        self._submit_current()

    def _submit_current(self) -> None:
        """Enter in the input: open the one customer found (any match kind but a near
        match, which is a guess at a typo: the admin picks it on the results), else go to
        the results."""
        page = self._shown_page
        if page is None:
            return
        single = len(page.items) == 1 and not page.has_more
        if single and page.items[0].matched_by is not MatchKind.NAME_NEAR:
            self._open(page.items[0])
        elif page.items:
            self.action_focus_results()

    @on(SearchResults.RowSelected, "#results")
    def _row_selected(self, event: SearchResults.RowSelected) -> None:
        event.stop()
        customer_id = str(event.row_key.value)
        page = self._shown_page
        found = [s for s in page.items if s.id == customer_id] if page is not None else []
        if found:
            self._open(found[0])
        else:  # a row of a later page: no match kind to act on
            self._open_customer(customer_id)

    def _open(self, summary: CustomerSummary) -> None:
        """Open a found customer; one found by an order / subscription ID opens on that
        tab with that order's / subscription's details."""
        tab = DETAIL_TABS.get(summary.matched_by)
        wanted = _TRAILING_ID.search(self._shown_query or "")
        if tab is None or wanted is None:
            self._open_customer(summary.id)
            return
        app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
        try:
            # Imported on first use, as the App does: the search screen paints without it.
            from storeadmin.screens.customer_details import CustomerDetailsScreen

            app.push_screen(CustomerDetailsScreen(summary.id, initial_tab=tab, show=wanted[1]))
        except Exception as error:  # the details screen failing to build must not crash us
            app.report_error(error, context="opening the customer")

    def _open_customer(self, customer_id: str) -> None:
        app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
        try:
            app.open_customer(customer_id)
        except Exception as error:  # the details screen failing to build must not crash us
            app.report_error(error, context="opening the customer")

    def on_screen_resume(self) -> None:
        """Back from a customer: refresh that row's badges (a ban may have changed)."""
        if not self._connected:
            return
        customer_id = self.query_one(SearchResults).selected_customer_id()
        if customer_id is not None:
            app: StoreAdminApp = self.app  # type: ignore[assignment]  # self.app is typed App[object]; this screen runs only in StoreAdminApp
            self._refresh_customer(app.service, customer_id)

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="search-refresh", name="refreshing"
    )
    def _refresh_customer(self, service: StoreService, customer_id: str) -> None:
        self.post_message(self.CustomerRefreshed(service.get_customer_summary(customer_id)))

    @on(CustomerRefreshed)
    def _customer_refreshed(self, message: CustomerRefreshed) -> None:
        self.query_one(SearchResults).refresh_customer(message.summary)

    # ------------------------------------------------------------ focus

    def action_focus_results(self) -> None:
        """Move into the results table (when it has rows)."""
        table = self.query_one(SearchResults)
        showing = self.query_one("#body", ContentSwitcher).current == "results"
        if showing and table.row_count:
            # At once, not deferred as ``focus()`` is: an Enter in the same burst of keys
            # must reach the table.
            self.set_focus(table)

    def action_game_servers(self) -> None:
        """Ctrl+G (or the palette): the Game servers screen."""
        from storeadmin.screens.game_servers import GameServersScreen  # not needed to paint

        self.app.push_screen(GameServersScreen())

    def action_focus_search(self) -> None:
        """Back to the search field, its query selected: typing or a paste replaces it."""
        field = self.query_one("#query", Input)
        self.set_focus(field)  # at once: the next keys of a burst go to the field
        field.select_all()

    @on(SearchResults.Typed, "#results")
    def _typed_on_results(self, message: SearchResults.Typed) -> None:
        """A letter typed on the results starts a new query with it.

        Textual sends a key to the widget focused when the key is read, so the rest of a
        fast-typed word (one burst of keys) still lands here after the field has the
        focus: those letters are typed into the field as it would have.
        """
        field = self.query_one("#query", Input)
        if self.focused is field:  # not has_focus: that is set when Focus is handled
            selection = field.selection
            if selection.is_empty:
                field.insert_text_at_cursor(message.character)
            else:
                field.replace(message.character, *selection)
            return
        self.set_focus(field)
        field.value = message.character
        field.cursor_position = len(field.value)

    def action_escape(self) -> None:
        """Esc in the field: clear it (on the results, Esc is the table's key)."""
        field = self.query_one("#query", Input)
        if field.value:
            field.value = ""
        field.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer each key only where it applies, so the footer shows what works now."""
        on_results = isinstance(self.focused, SearchResults)
        if action == "focus_search":
            return on_results
        if action == "escape":
            return not on_results
        if action == "focus_results":
            results = self.query_one_optional(SearchResults)
            return results is not None and results.row_count > 0
        return True
