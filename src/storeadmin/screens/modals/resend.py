"""Resend a command: the same command again as a new attempt, marked as a rerun.

It goes to the attempt's own server unless the admin picks another enabled one from
a small list (loaded in a worker when the dialog opens). The earlier attempt is left
as it is: cancel it separately if it must not run too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Label, Select, Static
from textual.worker import Worker, get_current_worker

from storeadmin.core.models import CommandAttempt, GameServer
from storeadmin.core.service import StoreService
from storeadmin.screens.modals.action import ActionModal, FieldHint
from storeadmin.screens.modals.base import ServiceCall
from storeadmin.widgets.cells import plain
from storeadmin.widgets.host import host

OWN_SERVER = "__own__"
"""The picker's value for "the attempt's own server"."""


class ResendModal(ActionModal[CommandAttempt]):
    """Names the command; a picker of enabled servers; dismisses with the new attempt."""

    DEFAULT_CSS = """
    ResendModal #resend-command {
        height: auto;
        margin-bottom: 1;
    }
    """

    CONFIRM_LABEL: ClassVar[str] = "Resend"
    BUSY_LABEL: ClassVar[str] = "Queueing…"

    @dataclass
    class ServersLoaded(Message):
        """The enabled servers arrived."""

        servers: tuple[GameServer, ...]

    def __init__(self, attempt: CommandAttempt) -> None:
        super().__init__()
        self.attempt = attempt

    def title_text(self) -> Text:
        """Our words."""
        return Text("Resend command")

    def compose_body(self) -> ComposeResult:
        """The command and the server picker."""
        attempt = self.attempt
        yield Static(
            Text.assemble(
                ("Queue this command again as a new attempt (marked rerun):\n", "dim"),
                plain(attempt.command, max_length=300),
            ),
            id="resend-command",
            markup=False,
        )
        yield Label("Game server", classes="field-label")
        yield Select(
            [(Text.assemble("its own: ", plain(attempt.server_name, max_length=40)), OWN_SERVER)],
            value=OWN_SERVER,
            allow_blank=False,
            id="resend-server",
        )
        yield FieldHint("the earlier attempt is left as it is", id="resend-server-hint")

    def on_mount(self) -> None:
        """Load the other enabled servers for the picker."""
        super().on_mount()
        self.query_one("#resend-server", Select).focus()
        self._load_servers(host(self).service)

    @work(thread=True, exclusive=True, exit_on_error=False, group="servers", name="loading servers")
    def _load_servers(self, service: StoreService) -> None:
        servers = service.list_game_servers()
        if not get_current_worker().is_cancelled:
            self.post_message(self.ServersLoaded(servers))

    @on(ServersLoaded)
    def _servers_loaded(self, event: ServersLoaded) -> None:
        event.stop()
        others = [s for s in event.servers if s.enabled and s.id != self.attempt.server_id]
        options: list[tuple[Text, str]] = [
            (Text.assemble("its own: ", plain(self.attempt.server_name, max_length=40)), OWN_SERVER)
        ]
        options += [
            (Text.assemble(plain(s.name, max_length=40), (f"  {s.game}", "dim")), s.id)
            for s in others
        ]
        picker = self.query_one("#resend-server", Select)
        picker.set_options(options)
        picker.value = OWN_SERVER
        if not others:
            hint = self.query_one("#resend-server-hint", FieldHint)
            hint.show_ok("no other enabled server; the earlier attempt is left as it is")

    def prepare(self) -> ServiceCall | None:
        """The resend call, to the picked server (None: its own)."""
        value = self.query_one("#resend-server", Select).value
        server_id = None if value in (OWN_SERVER, Select.NULL) else str(value)
        attempt_id = self.attempt.id

        def resend(service: StoreService) -> CommandAttempt:
            return service.resend_command(attempt_id, server_id=server_id)

        return resend

    def success_message(self, result: Any) -> str | None:
        """``Queued again on Rust EU #1 (attempt #42)``."""
        return f"Queued again on {result.server_name} (attempt #{result.id})"

    def worker_failed(self, worker: Worker[Any]) -> None:
        """A failed server list leaves the own server to pick; a failed write as usual."""
        if worker.group == "servers":
            self.query_one("#resend-server-hint", FieldHint).show_problem(
                "could not load the other servers: resend to its own server, or close"
            )
            return
        super().worker_failed(worker)
