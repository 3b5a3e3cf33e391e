"""The customer details screen: a stats header and five lazily loaded tabs.

The screen orchestrates: it opens the customer with one read in worker group
``header`` (``StoreService.open_customer``: the header and the first page of every
tab, in one transaction) and hands each tab not yet loaded its page. After that a
tab loads on its own the first time it is shown (each tab runs its own worker
groups), and a reload reads the header and the shown tab again with their single
reads. It opens the read-only modals when a tab asks to open a row. The customer actions (edit,
ban, tokens, assign, revoke, metadata keys) live in its base class
:class:`~storeadmin.screens.details_actions.DetailsActions`. Widgets never call each
other; the palette runs the screen's actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from storeadmin.core.models import CustomerDetails, InventoryItem, Order, Page, Subscription
from storeadmin.core.overview import CustomerOverview
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.screens.details_actions import ACTION_BAR_BUTTONS, DetailsActions
from storeadmin.screens.details_commands import DetailsCommands
from storeadmin.screens.key_tables import DETAILS_KEYS, TAB_TITLES
from storeadmin.screens.modals.command import CommandModal
from storeadmin.screens.modals.order import OrderModal
from storeadmin.screens.modals.subscription import SubscriptionModal
from storeadmin.widgets.chrome import ScreenFooter, ScreenHeader
from storeadmin.widgets.history_tab import HistoryTab
from storeadmin.widgets.host import host
from storeadmin.widgets.inventory_tab import InventoryTab
from storeadmin.widgets.metadata_tab import MetadataTab
from storeadmin.widgets.orders_tab import OrdersTab
from storeadmin.widgets.paged_table import PagedTable
from storeadmin.widgets.stats_header import StatsHeader
from storeadmin.widgets.status_filter import FilteredTab
from storeadmin.widgets.subscriptions_tab import SubscriptionsTab
from storeadmin.widgets.tab_base import PAGE_SIZE, PagedTab

TAB_IDS = tuple(tab_id for tab_id, _ in TAB_TITLES)
OPENABLE_TABS = ("inventory", "orders", "subscriptions")
"""Tabs whose rows open a modal with Enter."""
FILTER_TABS = ("orders", "subscriptions")

T = TypeVar("T")


class CustomerDetailsScreen(DetailsActions):
    """Everything about one customer: header figures, inventory, orders, subscriptions,
    metadata and audit history."""

    CSS_PATH = "customer_details.tcss"
    COMMANDS: ClassVar = Screen.COMMANDS | {DetailsCommands}
    BINDINGS: ClassVar[list[BindingType]] = DETAILS_KEYS.bindings()

    @dataclass
    class Opened(Message):
        """The open worker read the header and the first page of every tab."""

        overview: CustomerOverview

    @dataclass
    class HeaderLoaded(Message):
        """The header worker fetched the customer (a reload)."""

        details: CustomerDetails

    def __init__(
        self, customer_id: str, *, initial_tab: str = "inventory", show: str | None = None
    ) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.initial_tab = initial_tab if initial_tab in TAB_IDS else "inventory"
        self.show = show
        """An order (on Orders) or subscription (on Subscriptions) whose details open on start."""
        self.details: CustomerDetails | None = None
        """The loaded header data (None until it arrives)."""
        self._opening = False
        """True while the open worker runs: a tab shown meanwhile waits for its page."""
        self.sub_title = f"Customer #{customer_id}"

    def compose(self) -> ComposeResult:
        """Header, stats header, the five tabs, footer."""
        yield ScreenHeader()
        yield StatsHeader(id="stats")
        with Horizontal(id="details-actions"):
            for button_id, label, _ in ACTION_BAR_BUTTONS:
                yield Button(label, id=button_id, compact=True)
        with TabbedContent(initial=self.initial_tab, id="details-tabs"):
            with TabPane("Inventory", id="inventory"):
                yield InventoryTab(self.customer_id)
            with TabPane("Orders", id="orders"):
                yield OrdersTab(self.customer_id)
            with TabPane("Subscriptions", id="subscriptions"):
                yield SubscriptionsTab(self.customer_id)
            with TabPane("Metadata", id="metadata"):
                yield MetadataTab(self.customer_id)
            with TabPane("History", id="history"):
                yield HistoryTab(self.customer_id)
        yield ScreenFooter()

    def on_mount(self) -> None:
        """Open the customer (header and first pages at once); focus the first tab's table."""
        self._opening = True
        self._open(host(self).service)
        # The first tab's table (not the tab bar): what AUTO_FOCUS would do if it could
        # vary per screen. Before the loading state, which makes a widget unfocusable.
        self.set_focus(
            self.query_one(
                "#metadata-rows" if self.initial_tab == "metadata" else f"#{self.initial_tab}-table"
            )
        )
        tab = self.tab(self.initial_tab)
        if not tab.loaded:
            tab.show_pending()
        if self.show is not None and self.initial_tab == "orders":
            self.app.push_screen(OrderModal(self.show))
        elif self.show is not None and self.initial_tab == "subscriptions":
            self.app.push_screen(SubscriptionModal(self.show))

    # ------------------------------------------------------------ helpers

    @property
    def active_tab_id(self) -> str:
        """Id of the tab being shown."""
        return self.query_one(TabbedContent).active or self.initial_tab

    def tab(self, tab_id: str) -> PagedTab[object] | MetadataTab:
        """The tab body inside the pane ``tab_id`` (Metadata is a form, the others tables)."""
        pane = self.query_one(f"TabPane#{tab_id}", TabPane)
        if tab_id == "metadata":
            return pane.query_one(MetadataTab)
        return pane.query_one(PagedTab)

    def reload_after_action(self, *tab_ids: str) -> None:
        """After a change: reload the header, ``tab_ids`` and History (the new audit entry).

        Every action bumps the customer version, so Metadata reloads too (it keeps
        unsaved edits, whose save then asks for a reload instead of overwriting).
        """
        self._reload_header()
        active = self.active_tab_id
        for tab_id in {*tab_ids, "history", "metadata"}:
            tab = self.tab(tab_id)
            if tab_id == active:
                tab.load()
            elif not (isinstance(tab, MetadataTab) and tab.dirty):
                tab.loaded = False
        shown = self.tab(active)
        if not shown.loaded:  # it was waiting for the open, which the reload superseded
            shown.load()

    # ------------------------------------------------------------ header

    @work(thread=True, exclusive=True, exit_on_error=False, group="header", name="loading customer")
    def _open(self, service: StoreService) -> None:
        """Worker: read the header and every tab's first page at once (never touches widgets)."""
        overview = service.open_customer(self.customer_id, limit=PAGE_SIZE)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Opened(overview))

    @work(thread=True, exclusive=True, exit_on_error=False, group="header", name="loading customer")
    def _load_header(self, service: StoreService) -> None:
        """Worker: fetch the customer and its aggregates (never touches widgets)."""
        details = service.get_customer(self.customer_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.HeaderLoaded(details))

    def _reload_header(self) -> None:
        """Read the header again; an open still running is superseded (same group)."""
        self._opening = False
        self._load_header(host(self).service)

    @on(Opened)
    def _opened(self, event: Opened) -> None:
        if not self._opening:
            return  # a reload superseded the open after its worker posted
        self._opening = False
        overview = event.overview
        self._show_header(overview.details)
        self._fill(self.query_one(InventoryTab), overview.inventory)
        self._fill(self.query_one(OrdersTab), overview.orders)
        self._fill(self.query_one(SubscriptionsTab), overview.subscriptions)
        self._fill(self.query_one(HistoryTab), overview.history)
        metadata = self.metadata
        if not metadata.loaded:
            metadata.show_loaded(overview.metadata, overview.details.customer.version)

    def _fill(self, tab: PagedTab[T], page: Page[T]) -> None:
        """Give a tab not yet loaded its first page from the open."""
        if tab.loaded:
            return
        if isinstance(tab, FilteredTab) and tab.status_filter.status is not None:
            # A filter was chosen while the open ran: the page read is unfiltered.
            if tab.parent is self.query_one(TabbedContent).active_pane:
                tab.load()
            return
        tab.show_loaded(page)

    @on(HeaderLoaded)
    def _header_loaded(self, event: HeaderLoaded) -> None:
        self._show_header(event.details)

    def _show_header(self, details: CustomerDetails) -> None:
        self.details = details
        customer = details.customer
        self.sub_title = f"{display_safe(customer.username, max_length=40)} (#{customer.id})"
        self.query_one(StatsHeader).show(details, host(self).now())
        self.update_action_bar()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed header load: say so in the header (the App reports it).

        A failed open leaves the shown tab to its own read, which says why in the tab.
        """
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.node is self and worker.group == "header":
            self.query_one(StatsHeader).show_error(f"Could not load customer: {worker.error}")
            if self._opening:
                self._opening = False
                shown = self.tab(self.active_tab_id)
                if not shown.loaded:
                    shown.load()

    # ------------------------------------------------------------ tabs and modals

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Load a tab the first time it is shown."""
        tab = self.tab(event.pane.id or "")
        if not tab.loaded and self._opening:
            tab.show_pending()  # its page comes with the open
        elif not tab.loaded:
            tab.load()
        self.refresh_bindings()

    @on(PagedTab.OpenRequested)
    def _open_requested(self, event: PagedTab.OpenRequested) -> None:
        """Open the modal that belongs to the chosen row."""
        item = event.item
        if isinstance(item, InventoryItem):
            # A resend or cancel in the dialog changes the Delivery column.
            self.app.push_screen(CommandModal(item), lambda _: self.inventory.refresh_delivery())
        elif isinstance(item, Order):
            self.app.push_screen(OrderModal(item.id))
        elif isinstance(item, Subscription):
            self.app.push_screen(SubscriptionModal(item.id))

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer i / f / Enter only where they do something."""
        if action == "show_commands" and not parameters:
            return self.active_tab_id == "inventory"
        if action == "filter_status" and not parameters:
            return self.active_tab_id in FILTER_TABS
        if action == "open_selected":
            focused = self.focused
            return (
                isinstance(focused, PagedTable)
                and isinstance(focused.parent, PagedTab)
                and self.active_tab_id in OPENABLE_TABS
            )
        return super().check_action(action, parameters)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted item decides whether x (revoke) is offered."""
        self.refresh_bindings()

    def action_switch_tab(self, tab_id: str) -> None:
        """Show a tab and put the cursor in its table."""
        if tab_id not in TAB_IDS:
            return
        self.query_one(TabbedContent).active = tab_id
        tab = self.tab(tab_id)
        if isinstance(tab, MetadataTab):
            tab.focus_body()
        else:
            tab.table.focus()

    def action_open_selected(self) -> None:
        """Enter: open the highlighted row of the active tab (a table tab; not Metadata)."""
        tab = self.tab(self.active_tab_id)
        if isinstance(tab, PagedTab):
            tab.request_open()

    def action_open_highlighted(self) -> None:
        """Palette: open the highlighted row of the active tab, History included."""
        tab = self.tab(self.active_tab_id)
        if isinstance(tab, PagedTab) and tab.selected_item() is not None:
            tab.request_open()
        else:
            self.notify("No row is highlighted on this tab.", severity="warning", markup=False)

    def action_find_order(self) -> None:
        """Palette: the Orders tab's find (``/``), from any tab."""
        self.action_switch_tab("orders")
        orders = self.tab("orders")
        if isinstance(orders, OrdersTab):
            orders.action_find()

    def action_show_commands(self, source: str = "key") -> None:
        """``i``: the command modal of the highlighted inventory item.

        From the palette (``source="palette"``) it works on any tab: it shows the
        Inventory tab first, whose highlighted item the modal is about.
        """
        if source == "palette" and self.active_tab_id != "inventory":
            self.action_switch_tab("inventory")
        self.inventory.request_open()

    def action_filter_status(self, tab_id: str | None = None) -> None:
        """``f``: focus the status filter (from the palette: switch there and open it)."""
        target = tab_id or self.active_tab_id
        if target not in FILTER_TABS:
            return
        tab = self.tab(target)
        if not isinstance(tab, FilteredTab):
            return
        if tab_id is not None:
            self.query_one(TabbedContent).active = tab_id
        tab.status_filter.focus()
        if tab_id is not None:
            tab.status_filter.expanded = True

    def action_reload(self) -> None:
        """``r``: reload the header and the active tab; other tabs reload when next shown."""
        self._reload_header()
        active = self.active_tab_id
        for tab_id in TAB_IDS:
            tab = self.tab(tab_id)
            if tab_id == active:
                tab.load()
            else:
                tab.loaded = False

    def action_back(self) -> None:
        """``escape``: back to the search screen, which kept its state (asks first when
        metadata edits are unsaved)."""
        self.leave()
