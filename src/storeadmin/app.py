"""The Textual app: routing, the injected store service, global keys and errors.

Cold start matters (performance.md §2.1): nothing here imports SQLAlchemy, an HTTP
client or a backend. The search screen paints first; the service is opened by calling
the injected factory in a thread worker (``storeadmin.stores`` decides which backend).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from storeadmin import worker_pool
from storeadmin.core.errors import StoreError
from storeadmin.core.text import display_safe, redact_credentials
from storeadmin.messages import ConnectFailed, ServiceConnected, WorkerFailed
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.screens.key_tables import APP_KEYS
from storeadmin.screens.open_commands import OpenCustomerCommands
from storeadmin.widgets import styles_cache_leak

if TYPE_CHECKING:
    from storeadmin.config import Settings
    from storeadmin.core.models import StoreInfo
    from storeadmin.core.service import StoreService

_HERE = Path(__file__).parent

THEME = "textual-dark"
"""Built-in dark theme: its colours stay distinct when SSH drops us to 256 colours."""

EXIT_INVALID = 2
"""Exit code for input the user can fix (the CLI's "invalid input")."""

EXIT_UNAVAILABLE = 4
"""Exit code when the store could not be opened (the CLI's "store unavailable")."""


class StoreAdminApp(App[None]):
    """storeadmin's terminal UI: customer search first, details on Enter."""

    # The default screen's CSS_PATH is not loaded by Textual (only pushed screens'),
    # so the search screen's stylesheet is loaded here with the app's.
    # Absolute, so subclasses defined elsewhere (tests, probes) still find them.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        _HERE / "app.tcss",
        _HERE / "screens" / "customer_search.tcss",
    ]
    TITLE = "storeadmin"

    BINDINGS: ClassVar[list[BindingType]] = APP_KEYS.bindings("App")
    COMMANDS: ClassVar = App.COMMANDS | {OpenCustomerCommands}
    """Textual's system commands, and opening a customer by ID from any screen."""

    def __init__(
        self,
        service_factory: Callable[[], StoreService],
        *,
        clock: Callable[[], datetime] | None = None,
        demo: bool = False,
        location_label: str | None = None,
        location_hint: str | None = None,
    ) -> None:
        styles_cache_leak.install()
        super().__init__()
        self._service_factory = service_factory
        self._clock = clock
        self._service: StoreService | None = None
        self.demo = demo
        """True when this run opens (and maybe first builds) the demo store."""
        self.location_label = location_label or "the store"
        """Password-free name of the store, shown while connecting."""
        self.location_hint = location_hint or "Check the store location and that it is reachable."
        """What to check when the store cannot be opened, in its backend's words."""
        self.connecting = True
        """True until the connect worker has succeeded or failed."""
        self.connect_error: str | None = None
        """The one-line reason the last connect attempt failed."""
        self.store_info: StoreInfo | None = None
        """What the open store said about itself when it connected (its ``features``)."""
        self._ui_thread = threading.get_ident()
        self.theme = THEME

    # ------------------------------------------------------------ contract

    @property
    def service(self) -> StoreService:
        """The open store; RuntimeError before the connect worker has finished."""
        if self._service is None:
            raise RuntimeError("the store is not connected yet")
        return self._service

    @property
    def is_connected(self) -> bool:
        """True once the service is open."""
        return self._service is not None

    def now(self) -> datetime:
        """The current time, timezone-aware UTC (injected in tests)."""
        if self._clock is None:
            return datetime.now(UTC)
        return self._clock()

    def open_customer(self, customer_id: str, tab: str = "inventory") -> None:
        """Show the details screen of a customer, on ``tab``."""
        # Imported on first use: the search screen must paint without it.
        from storeadmin.screens.customer_details import CustomerDetailsScreen

        self.push_screen(CustomerDetailsScreen(customer_id, initial_tab=tab))

    def report_error(self, error: BaseException, *, context: str) -> None:
        """A one-line error notification: our words, plus a StoreError's own message.

        Other exceptions are bugs: only their type is named, never their text, which
        could hold data or a connection string.
        """
        if threading.get_ident() != self._ui_thread:
            self.call_from_thread(self.report_error, error, context=context)
            return
        if isinstance(error, StoreError):
            title = _ERROR_TITLES.get(type(error).__name__, "Error")
            message = f"Error while {context}: {display_safe(str(error), max_length=300)}"
        else:
            title = "Unexpected error"
            message = f"unexpected error while {context}: {type(error).__name__}"
        self.notify(message, title=title, severity="error", timeout=8, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker of the App itself is reported like any other."""
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            self.report_error(worker.error, context=_worker_context(worker))

    @on(WorkerFailed)
    def _worker_failed(self, message: WorkerFailed) -> None:
        """A failed worker of a screen or widget (``widgets.reporting``), reported once, here."""
        worker = message.worker
        if worker.error is not None:
            self.report_error(worker.error, context=_worker_context(worker))

    # ------------------------------------------------------------ start-up

    def get_default_screen(self) -> Screen[Any]:
        """The search screen is the bottom of the stack; details screens go on top."""
        return CustomerSearchScreen()

    def on_mount(self) -> None:
        """Open the store only after the first paint."""
        self._ui_thread = threading.get_ident()
        worker_pool.install(asyncio.get_running_loop())
        self.call_after_refresh(self.connect)

    def connect(self) -> None:
        """(Re)start opening the store in a thread worker."""
        self.connecting = True
        self.connect_error = None
        self._connect()

    @work(thread=True, exclusive=True, exit_on_error=False, group="connect", name="connecting")
    def _connect(self) -> None:
        # Every failure is caught here: an exception escaping to Textual's crash
        # screen would print locals, which may include a connection string.
        factory = self._service_factory
        try:
            service = factory()
        except StoreError as error:
            self.post_message(ConnectFailed(display_safe(str(error), max_length=500)))
            return
        except Exception as error:
            self.post_message(
                ConnectFailed(f"unexpected error while opening the store: {type(error).__name__}")
            )
            return
        try:
            info = service.store_info()
        except Exception as error:
            service.close()
            reason = (
                display_safe(str(error), max_length=500)
                if isinstance(error, StoreError)
                else f"unexpected error while reading the store: {type(error).__name__}"
            )
            self.post_message(ConnectFailed(reason))
            return
        self.post_message(ServiceConnected(service, info))

    @on(ServiceConnected)
    def _connected(self, message: ServiceConnected) -> None:
        if self._service is not None and self._service is not message.service:
            self._service.close()
        self._service = message.service
        self.store_info = message.info
        self.connecting = False
        self.title = display_safe(message.info.name, max_length=60) or "storeadmin"
        # The service already redacts; redacting again costs nothing and is a backstop.
        self.sub_title = display_safe(redact_credentials(message.info.location), max_length=120)
        search = self._search_screen()
        if search is not None:
            search.service_ready(message.info)

    @on(ConnectFailed)
    def _connect_failed(self, message: ConnectFailed) -> None:
        from storeadmin.screens.startup import ConnectErrorScreen

        self.connecting = False
        self.connect_error = message.reason
        search = self._search_screen()
        if search is not None:
            search.service_failed(message.reason)
        self.push_screen(
            ConnectErrorScreen(message.reason, self.location_label, self.location_hint)
        )

    def _search_screen(self) -> CustomerSearchScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, CustomerSearchScreen):
                return screen
        return None

    def on_unmount(self) -> None:
        """Release the store's connections."""
        if self._service is not None:
            self._service.close()
            self._service = None

    # ------------------------------------------------------------ actions

    def action_help(self) -> None:
        """Show every key of every screen."""
        from storeadmin.screens.modals.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Quit; when a screen holds unsaved edits (``unsaved_changes()``), ask first."""
        from storeadmin.screens.modals.confirm import ConfirmModal

        if isinstance(self.screen, ConfirmModal) and self.screen.id == "quit-unsaved":
            return
        unsaved = [
            what
            for screen in self.screen_stack
            if callable(check := getattr(screen, "unsaved_changes", None)) and (what := check())
        ]
        if not unsaved:
            self.exit()
            return
        question = Text(f"{unsaved[0]} Quit and lose them?")
        modal = ConfirmModal("Unsaved changes", question, yes="Quit", destructive=True)
        modal.id = "quit-unsaved"
        self.push_screen(modal, self._quit_answered)

    def _quit_answered(self, quit_now: bool | None) -> None:
        if quit_now:
            self.exit()

    def action_quit_unavailable(self) -> None:
        """Quit with the "database unavailable" exit code."""
        self.exit(return_code=EXIT_UNAVAILABLE)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Palette entries on every screen: help, theme, quit."""
        yield SystemCommand("Help", "Every key of every screen", self.action_help)
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)
        yield SystemCommand("Quit", "Quit storeadmin", self.action_quit)


_ERROR_TITLES = {
    "NotFound": "Not found",
    "Invalid": "Refused",
    "InvalidRows": "Refused",
    "Conflict": "Changed by someone else",
    "AlreadyDone": "Already done",
    "Unavailable": "Store unavailable",
    "Unsupported": "Not possible on this store",
}


def _worker_context(worker: Worker[Any]) -> str:
    """What a worker was doing, in words: its name, e.g. ``loading orders``.

    Name workers with a phrase (``@work(name="loading orders")``); a method name
    such as ``_load_orders`` is turned into ``load orders``. The description is not
    used: by default it holds the call's arguments, which may be customer data.
    """
    words = worker.name.strip("_").replace("_", " ").strip()
    return display_safe(words or "working in the background", max_length=60)


def build_app(settings: Settings) -> StoreAdminApp:
    """The app for the configured store; the store is opened later, in a worker.

    Raises ``Invalid`` for a location that cannot be a store.
    """
    from storeadmin import stores

    location = stores.parse_location(settings.location)
    admin = settings.admin
    demo = settings.demo

    def open_store() -> StoreService:
        if demo:
            from storeadmin.demo import ensure_demo_store

            ensure_demo_store(location.text)
        return stores.open_store(location, actor=admin)

    return StoreAdminApp(
        open_store, demo=demo, location_label=location.label, location_hint=location.hint
    )


def run_app(settings: Settings) -> int:
    """Run the terminal UI on the configured store; returns the process exit code."""
    from storeadmin import stores

    try:
        app = build_app(settings)
        location = stores.parse_location(settings.location)
        stores.check_exists(location, created_on_first_use=settings.created_on_first_use)
    except StoreError as error:
        shown = display_safe(redact_credentials(str(error)), max_length=500)
        print(f"storeadmin: {shown}", file=sys.stderr)
        return EXIT_INVALID
    from textual.drivers.linux_driver import LinuxDriver

    if issubclass(app.driver_class, LinuxDriver):
        from storeadmin.terminal import SafeInputDriver

        app.driver_class = SafeInputDriver  # a 0xff byte on stdin must not kill the app
    crashed = watch_for_panic(app)
    app.run()
    return exit_code(app, crashed=bool(crashed))


def watch_for_panic(app: App[Any]) -> list[bool]:
    """A list that gets an entry when ``app`` panics. Textual's ``panic`` (e.g. from a
    failed input thread) leaves ``return_code`` unset, which used to read as success."""
    crashed: list[bool] = []
    original = app.panic

    def panic(*renderables: Any) -> None:
        crashed.append(True)
        original(*renderables)

    app.panic = panic  # type: ignore[method-assign]  # wraps this instance's panic to record the crash
    return crashed


def exit_code(app: App[Any], *, crashed: bool = False) -> int:
    """The process exit code of a finished app: its own, else 1 after a crash, else 0."""
    if app.return_code is not None:
        return app.return_code
    return 1 if crashed else 0
