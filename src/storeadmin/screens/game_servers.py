"""The Game servers screen: each server's link, last poll and queue, and stuck deliveries.

Two tabs: **Servers** (add, new token, disable) and **Stuck** (commands waiting
longer than a chosen time, online-only commands whose player was not seen lately,
servers that stopped polling; Enter opens the command's customer). Both load in one
worker (group ``servers``) on open, on ``r`` and every :attr:`REFRESH_SECONDS`;
the tables are updated in place, so the cursor stays where it was. The writes run in
group ``action``. What the store cannot do (``StoreInfo.features``) is not offered:
a line says why instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from storeadmin.core.errors import AlreadyDone, StoreError
from storeadmin.core.models import Feature, GameServer, StuckDeliveries
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import SERVERS_KEYS
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.server_modals import AddServerModal, ServerTokenModal, server_label
from storeadmin.screens.table_commands import table_commands
from storeadmin.widgets.chrome import ScreenFooter, ScreenHeader
from storeadmin.widgets.delivery_cells import server_cells
from storeadmin.widgets.host import host
from storeadmin.widgets.live_table import cursor_key, sync_rows
from storeadmin.widgets.reporting import ReportsWorkerFailures
from storeadmin.widgets.stuck_view import StuckView

ServersCommands = table_commands(SERVERS_KEYS, "ServersCommands")

NO_SERVER_ADMIN = (
    "This store's game servers are managed by its host: adding servers, tokens and "
    "disabling are not offered here."
)
SERVER_COLUMNS = ("ID", "Name", "Game", "State", "Last poll", "Queue", "Oldest pending", "Link")
"""Link last: the facts that matter fit 80 columns; the link info scrolls."""
SERVER_ACTIONS = ("add_server", "new_token", "disable_server")


@dataclass(frozen=True)
class ServersView:
    """What one refresh read: the servers, the stuck lists (None without delivery)."""

    servers: tuple[GameServer, ...]
    stuck: StuckDeliveries | None
    features: frozenset[Feature]


class GameServersScreen(ReportsWorkerFailures, Screen[None]):
    """Game servers with their link, last poll and queue; stuck deliveries on tab 2."""

    CSS_PATH = "game_servers.tcss"
    COMMANDS: ClassVar = Screen.COMMANDS | {ServersCommands}
    BINDINGS: ClassVar[list[BindingType]] = SERVERS_KEYS.bindings()

    AUTO_FOCUS = None
    """``on_mount`` focuses the shown tab's table (focus in a hidden pane would switch to it)."""

    REFRESH_SECONDS: ClassVar[float] = 5.0
    """How often both tabs refresh themselves while the screen is shown."""

    @dataclass
    class Loaded(Message):
        """A refresh finished."""

        view: ServersView

    @dataclass
    class Changed(Message):
        """A write finished: ``text`` is notified, then everything reloads."""

        text: str
        info: bool = False

    @dataclass
    class Refused(Message):
        """The store refused a write."""

        error: StoreError

    def __init__(self, *, initial_tab: str = "servers") -> None:
        super().__init__()
        self.initial_tab = initial_tab if initial_tab in ("servers", "stuck") else "servers"
        self.servers: dict[str, GameServer] = {}
        """The servers as last loaded, by id."""
        self.features: frozenset[Feature] | None = None
        """What the store can do (None until the first load)."""
        self.sub_title = "Game servers"

    def compose(self) -> ComposeResult:
        """Header, the two tabs, footer."""
        yield ScreenHeader()
        with TabbedContent(initial=self.initial_tab, id="servers-tabs"):
            with TabPane("Servers", id="servers"), Vertical():
                yield Static("", id="servers-note", markup=False)
                with Horizontal(id="servers-toolbar"):
                    yield Button("Add (a)", id="servers-add", compact=True)
                    yield Button("New token (n)", id="servers-token", compact=True)
                    yield Button("Disable (d)", id="servers-disable", variant="error", compact=True)
                yield DataTable(id="servers-table", cursor_type="row", zebra_stripes=True)
                yield Static("Loading…", id="servers-status", markup=False)
            with TabPane("Stuck", id="stuck"):
                yield StuckView(id="stuck-view")
        yield ScreenFooter()

    def on_mount(self) -> None:
        """Columns, the first load and the refresh timer."""
        table = self.query_one("#servers-table", DataTable)
        for label in SERVER_COLUMNS:
            table.add_column(label, key=label.lower())
        self.reload()
        self.set_interval(self.REFRESH_SECONDS, self.reload)
        shown = "#stuck-attempts" if self.initial_tab == "stuck" else "#servers-table"
        self.query_one(shown, DataTable).focus()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """Re-read servers and stuck lists (a running refresh is replaced)."""
        if not self.is_attached:
            return
        self._load(host(self).service, self.query_one(StuckView).waiting, self.features is None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="servers", name="loading servers")
    def _load(self, service: StoreService, waiting: timedelta, need_features: bool) -> None:
        features = service.store_info().features if need_features else self.features
        assert features is not None
        servers = service.list_game_servers()
        stuck = None
        if Feature.COMMAND_DELIVERY in features:
            stuck = service.list_stuck_deliveries(
                waiting_longer_than=waiting, player_unseen_for=StuckView.UNSEEN
            )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(ServersView(servers, stuck, features)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        view = event.view
        first = self.features is None
        self.features = view.features
        self.servers = {server.id: server for server in view.servers}
        now = host(self).now()
        table = self.query_one("#servers-table", DataTable)
        sync_rows(table, [(s.id, server_cells(s, now)) for s in view.servers])
        admin = Feature.GAME_SERVER_ADMIN in view.features
        self.set_class(not admin, "-no-admin")
        self.query_one("#servers-note", Static).update("" if admin else Text(NO_SERVER_ADMIN))
        count = len(view.servers)
        status = f"{count} game server{'s' if count != 1 else ''}" if count else "No game servers"
        if not count and admin:
            status += ": a adds one."
        self.query_one("#servers-status", Static).update(Text(status))
        self.query_one(StuckView).show(view.stuck, view.servers, now)
        if first:
            self.refresh_bindings()
        self._update_buttons()

    @on(StuckView.WaitingChanged)
    def _waiting_changed(self, event: StuckView.WaitingChanged) -> None:
        event.stop()
        self.reload()

    @on(StuckView.OpenCustomer)
    def _open_customer(self, event: StuckView.OpenCustomer) -> None:
        event.stop()
        open_customer = getattr(self.app, "open_customer", None)
        if open_customer is not None:
            open_customer(event.customer_id)

    # ------------------------------------------------------------ selection and keys

    def selected(self) -> GameServer | None:
        """The highlighted server, if any."""
        key = cursor_key(self.query_one("#servers-table", DataTable))
        return None if key is None else self.servers.get(key)

    @on(DataTable.RowHighlighted, "#servers-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        server = self.selected()
        self.query_one("#servers-token", Button).disabled = server is None
        self.query_one("#servers-disable", Button).disabled = server is None or not server.enabled

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The server actions only when the store lets us manage its servers."""
        if action in SERVER_ACTIONS:
            return self.features is not None and Feature.GAME_SERVER_ADMIN in self.features
        return True

    @on(Button.Pressed, "#servers-toolbar Button")
    def _toolbar_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "servers-add": self.action_add_server,
            "servers-token": self.action_new_token,
            "servers-disable": self.action_disable_server,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    # ------------------------------------------------------------ actions

    def action_switch_tab(self, tab_id: str) -> None:
        """Show a tab and put the cursor in its table."""
        self.query_one(TabbedContent).active = tab_id
        if tab_id == "stuck":
            self.query_one(StuckView).focus_table()
        else:
            self.query_one("#servers-table", DataTable).focus()

    def action_reload(self) -> None:
        """``r``: reload now."""
        self.reload()

    def action_back(self) -> None:
        """``escape``: back to the search."""
        self.dismiss(None)

    def _admin(self) -> bool:
        if self.check_action("add_server", ()):
            return True
        self.notify(NO_SERVER_ADMIN, severity="warning", markup=False)
        return False

    def action_add_server(self) -> None:
        """``a``: the add dialog; reload afterwards."""
        if self._admin():
            self.app.push_screen(AddServerModal(), self._after_dialog)

    def action_new_token(self) -> None:
        """``n``: a new token for the highlighted server (the dialog asks first)."""
        server = self.selected()
        if not self._admin():
            return
        if server is None:
            self.notify("No game server is highlighted.", severity="warning", markup=False)
            return
        self.app.push_screen(ServerTokenModal(server), self._after_dialog)

    def _after_dialog(self, server: GameServer | None) -> None:
        if server is not None:
            self.reload()

    def action_disable_server(self) -> None:
        """``d``: ask, then refuse the highlighted server's polls from now on."""
        server = self.selected()
        if not self._admin():
            return
        if server is None or not server.enabled:
            self.notify("Highlight an enabled game server first.", severity="warning")
            return
        question = Text.assemble(
            "Disable ", server_label(server), "?\nIts polls are refused from now on (403)."
        )
        self.app.push_screen(
            ConfirmModal("Disable game server", question, yes="Disable", destructive=True),
            partial(self._disable_answered, server),
        )

    def _disable_answered(self, server: GameServer, yes: bool | None) -> None:
        if yes:
            self._disable(host(self).service, server)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action", name="disabling server")
    def _disable(self, service: StoreService, server: GameServer) -> None:
        try:
            service.disable_game_server(server.id)
        except AlreadyDone as error:
            self.post_message(self.Changed(str(error), info=True))
        except StoreError as error:
            self.post_message(self.Refused(error))
        else:
            self.post_message(self.Changed(f"Disabled {server.name} (#{server.id})"))

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        self.notify(event.text, title="Nothing to do" if event.info else "", markup=False)
        self.reload()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.notify(str(event.error), title="Refused", severity="error", markup=False)
