"""Base of the details screen's tabs: one PagedTable fed by keyset pages.

A tab loads its first page when first shown, asks for the next page as the cursor
nears the end (``PagedTable.NeedMore``) and starts over on ``NeedRestart``. All
service calls run in thread workers that never touch widgets: they post
``PageLoaded`` and the handler (on the UI thread) fills the table.

Two worker groups per tab: ``<group>`` for the first page (exclusive, so a reload
or a new filter cancels the stale load) and ``<group>-more`` for later pages, so
fetching page 2 never cancels a first-page load. A generation counter drops any
result that belongs to an earlier load. The details screen may hand a tab its first
page instead (``show_loaded``, from ``StoreService.open_customer``); the tab then goes
on exactly as if it had fetched it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from storeadmin.core.models import Page
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.widgets.column_fit import ColumnSpec
from storeadmin.widgets.host import host
from storeadmin.widgets.paged_table import PagedTable, Row
from storeadmin.widgets.reporting import ReportsWorkerFailures

T = TypeVar("T")

PAGE_SIZE = 100
"""Rows per fetched page (performance.md §4.1: one page, never whole histories)."""

Fetch = Callable[[StoreService, str | None], Page[T]]
"""A blocking page fetch: (service, cursor) → page; built on the UI thread, run in a worker."""


class PagedTab(ReportsWorkerFailures, Vertical, Generic[T]):
    """A tab body: optional toolbar, a message line, a PagedTable and a status line."""

    DEFAULT_CSS = """
    PagedTab {
        height: 1fr;
    }
    PagedTab > .tab-toolbar {
        height: auto;
    }
    PagedTab > .tab-message {
        display: none;
        height: auto;
        padding: 0 1;
    }
    PagedTab > .tab-message.-shown {
        display: block;
    }
    PagedTab > .tab-message.-error {
        color: $error;
    }
    PagedTab > .tab-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    GROUP: ClassVar[str] = "tab"
    """Worker group of the first-page load; later pages use ``<GROUP>-more``."""
    NOUN: ClassVar[str] = "rows"
    """Plural noun used in status and error lines ("orders")."""
    COLUMNS: ClassVar[Sequence[ColumnSpec | tuple[str, int | None]]] = ()
    """The columns, fitted to the tab's width by priority (``column_fit``). A ``(label,
    width)`` pair is a column always shown: at most ``width`` wide, or (None) sized to
    its content and cut with an ellipsis when the row is too wide."""

    @dataclass
    class PageLoaded(Message):
        """A worker fetched a page (handled by the tab itself)."""

        generation: int
        page: Page[object]
        first: bool

    @dataclass
    class OpenRequested(Message):
        """The user asked to open the highlighted row (Enter, click, a button or the palette)."""

        tab: PagedTab[Any]
        item: object

        @property
        def control(self) -> PagedTab[object]:
            """The tab whose row was chosen."""
            return self.tab

    def __init__(self, customer_id: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.customer_id = customer_id
        self.loaded = False
        """True once a first-page load has been started (lazy loading on first view)."""
        self._generation = 0
        self._cursor: str | None = None
        self._items: dict[str, T] = {}
        self._total: int | None = None

    # ------------------------------------------------------------ subclass hooks

    def compose_toolbar(self) -> ComposeResult:
        """Widgets above the table (filters, action buttons)."""
        yield from ()

    def make_fetch(self) -> Fetch[T]:
        """The page fetch for the current filter (called on the UI thread)."""
        raise NotImplementedError

    def row_key(self, item: T) -> str:
        """Stable key of an item's row."""
        raise NotImplementedError

    def row_cells(self, item: T) -> Sequence[Text | str]:
        """The cells of an item's row, every data string through ``cells.plain``."""
        raise NotImplementedError

    # ------------------------------------------------------------ composition

    def compose(self) -> ComposeResult:
        """Toolbar, message line, table, status line."""
        yield from self.compose_toolbar()
        yield Static("", classes="tab-message", markup=False)
        yield PagedTable(id=f"{self.GROUP}-table")
        yield Static("", classes="tab-status", markup=False)

    def on_mount(self) -> None:
        """Set up the columns."""
        self.table.set_columns(column_specs(self.COLUMNS))

    @property
    def table(self) -> PagedTable:
        """The tab's table."""
        return self.query_one(PagedTable)

    def selected_item(self) -> T | None:
        """The item under the table cursor, if any."""
        key = self.table.selected_key()
        return None if key is None else self._items.get(key)

    def request_open(self) -> None:
        """Ask the screen to open the highlighted row (does nothing on an empty table)."""
        item = self.selected_item()
        if item is not None:
            self.post_message(self.OpenRequested(self, item))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.request_open()

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        """(Re)load the first page; results of earlier loads of this tab are dropped."""
        self.loaded = True
        self._generation += 1
        self._show_message("")
        self.table.loading = True
        self._start(cursor=None, first=True)

    def show_pending(self) -> None:
        """Show the loading state while the screen reads this tab's first page for it."""
        self.table.loading = True

    def show_loaded(self, page: Page[T]) -> None:
        """Show a first page read elsewhere (the screen's one-read open), as ``load`` would.

        The page must be what this tab's own fetch returns for its first page (same
        filter, ``PAGE_SIZE`` rows): later pages continue with its ``next_cursor``.
        Results of earlier loads of this tab are dropped.
        """
        self.loaded = True
        self._generation += 1
        self._show_message("")
        self.post_message(self.PageLoaded(self._generation, page, first=True))  # type: ignore[arg-type]  # Page[T] travels as Page[object], as in _fetch

    @on(PagedTable.NeedMore)
    def _need_more(self, event: PagedTable.NeedMore) -> None:
        event.stop()
        if self._cursor is not None:
            self._start(cursor=self._cursor, first=False)

    @on(PagedTable.NeedRestart)
    def _need_restart(self, event: PagedTable.NeedRestart) -> None:
        event.stop()
        self.load()

    def _start(self, *, cursor: str | None, first: bool) -> None:
        """Run one page fetch in this tab's worker group."""
        service = host(self).service
        work = partial(self._fetch, service, self.make_fetch(), cursor, self._generation, first)
        self.run_worker(
            work,
            name=f"loading {self.NOUN}",
            group=self.GROUP if first else f"{self.GROUP}-more",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def _fetch(
        self,
        service: StoreService,
        fetch: Fetch[T],
        cursor: str | None,
        generation: int,
        first: bool,
    ) -> None:
        """Worker thread: fetch a page and post it back (never touches widgets)."""
        page = fetch(service, cursor)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(generation, page, first))  # type: ignore[arg-type]  # a message class cannot be generic in T: Page[T] travels as Page[object]

    @on(PageLoaded)
    def _page_loaded(self, event: PageLoaded) -> None:
        event.stop()
        if event.generation != self._generation:
            return  # a reload or filter change superseded this fetch
        items: tuple[T, ...] = event.page.items  # type: ignore[assignment]  # the page this tab's own fetch posted (see _fetch)
        rows: list[Row] = [(self.row_key(item), self.row_cells(item)) for item in items]
        table = self.table
        if event.first:
            self._items = {}
            self._total = event.page.total
        self._items.update(zip((key for key, _ in rows), items, strict=True))
        if event.first:
            table.show_first_page(rows, has_more=event.page.has_more)
            table.loading = False
            # A loading widget is out of the binding chain; tell the footer it is back.
            self.refresh_bindings()
            self._show_message("" if rows else f"No {self.NOUN}.")
        else:
            table.append_page(rows, has_more=event.page.has_more)
        if len(self._items) > table.row_count:
            # Early rows were dropped from the table: forget their items too.
            self._items = {str(k.value): self._items[str(k.value)] for k in table.rows}
        self._cursor = event.page.next_cursor
        self._update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed fetch: say so in the tab; the rest of the screen goes on."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.node is not self:
            return
        self.table.loading = False
        self.refresh_bindings()
        error = worker.error
        # The App reports every failed worker (by its name); the tab only shows it.
        self._show_message(f"Could not load {self.NOUN}: {error}", error=True)

    # ------------------------------------------------------------ status lines

    def _show_message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one(".tab-message", Static)
        message.update(Text(display_safe(text, max_length=300)))
        message.set_class(bool(text), "-shown")
        message.set_class(error, "-error")

    def _update_status(self) -> None:
        table = self.table
        if not table.row_count:
            text = ""
        else:
            first = table.dropped_rows + 1
            last = table.dropped_rows + table.row_count
            text = f"{self.NOUN.capitalize()} {first:,}–{last:,}"
            if self._total is not None:
                text += f" of {self._total:,}"
            if table.has_more:
                text += " · more below ↓"
        self.query_one(".tab-status", Static).update(text)


def column_specs(columns: Sequence[ColumnSpec | tuple[str, int | None]]) -> list[ColumnSpec]:
    """Specs of a tab's COLUMNS (a ``(label, width)`` pair becomes an always-shown spec)."""
    return [
        column
        if isinstance(column, ColumnSpec)
        else ColumnSpec(column[0], max_width=column[1], min_width=8 if column[1] is None else None)
        for column in columns
    ]


def first_page_only(items: Sequence[T], limit: int = 500) -> Page[T]:
    """Wrap an unpaged result as one page, capped so a table never exceeds ``limit`` rows."""
    return Page(tuple(items[:limit]), None, len(items))
