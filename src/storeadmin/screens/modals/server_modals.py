"""Game server dialogs: add a server (name and game), and a new token shown once.

The token dialog follows the create-token dialog: it asks first (the old token stops
working at once), then shows the secret in a read-only field with Copy (``c``). The
secret is never logged, notified or kept: the dialog dismisses with the server only,
and closing before the secret was copied asks first, since it is never shown again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from storeadmin.core import validation
from storeadmin.core.models import CreatedServerToken, GameServer
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import SERVERS_KEYS
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint
from storeadmin.screens.modals.base import ServiceCall
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.widgets.cells import plain

GAMES = ("rust", "minecraft", "fivem", "redm", "gmod", "other")
"""The games a server can be for (the CLI's ``servers add --game`` choices)."""

SECRET_HINT = (
    "Put it in the plugin's config now: it will not be shown again. Only its hash is "
    "stored; the server's previous token has stopped working."
)


def server_label(server: GameServer) -> Text:
    """``Rust EU #1 (#3)``: the name as plain text."""
    return Text.assemble(plain(server.name, max_length=40), (f" (#{server.id})", "dim"))


def _server_name(text: str) -> str:
    """A non-empty server name (the store checks it again)."""
    name = validation.validate_label(text)
    if not name:
        raise ValueError("a game server needs a name")
    return name


class AddServerModal(ActionModal[GameServer]):
    """Name and game of a new server; dismisses with the server (no token yet)."""

    CONFIRM_LABEL: ClassVar[str] = "Add"
    BUSY_LABEL: ClassVar[str] = "Adding…"

    def title_text(self) -> Text:
        """Our words."""
        return Text("Add a game server")

    def compose_body(self) -> ComposeResult:
        """Name and game."""
        yield Label("Name", classes="field-label")
        yield Input(id="name", placeholder="e.g. Rust EU #2", validators=[Checked(_server_name)])
        yield FieldHint(id="name-hint")
        yield Label("Game", classes="field-label")
        yield Select([(game, game) for game in GAMES], value="rust", allow_blank=False, id="game")
        yield FieldHint("then give it a token with n", id="game-hint")

    def on_mount(self) -> None:
        """The name first."""
        super().on_mount()
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check("name", _server_name)

    def prepare(self) -> ServiceCall | None:
        """The add call, once the name is valid."""
        name = self.check("name", _server_name)
        if name is None:
            self.show_error("Fix the fields marked in red first.")
            return None
        game = str(self.query_one("#game", Select).value)

        def add(service: StoreService) -> GameServer:
            return service.add_game_server(name, game=game)

        return add

    def success_message(self, result: Any) -> str | None:
        """``Added game server Rust EU #2 (#3)``."""
        return f"Added game server {result.name} (#{result.id})"


class ServerTokenModal(ActionModal[GameServer]):
    """Asks, issues a new token, shows the secret once; dismisses with the server."""

    DEFAULT_CSS = """
    ServerTokenModal #token-secret {
        display: none;
        height: auto;
    }
    ServerTokenModal.-secret #token-secret {
        display: block;
    }
    ServerTokenModal.-secret #token-question, ServerTokenModal.-secret #dialog-buttons {
        display: none;
    }
    ServerTokenModal #secret {
        height: 3;
        margin: 1 0;
    }
    ServerTokenModal #secret-hint {
        color: $text-warning;
    }
    ServerTokenModal #secret-buttons {
        height: auto;
        align-horizontal: right;
    }
    ServerTokenModal #secret-buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = SERVERS_KEYS.bindings("ServerTokenModal")

    CONFIRM_LABEL: ClassVar[str] = "Issue token"
    CONFIRM_VARIANT: ClassVar[str] = "error"
    BUSY_LABEL: ClassVar[str] = "Issuing…"

    def __init__(self, server: GameServer) -> None:
        super().__init__()
        self.server = server
        self._created: CreatedServerToken | None = None
        self._copied = False

    def title_text(self) -> Text:
        """``New token · Rust EU #1 (#3)``."""
        return Text.assemble("New token · ", server_label(self.server))

    def compose_body(self) -> ComposeResult:
        """The question, and the (empty) place where the secret will show."""
        yield Static(
            Text(
                "Issue a new token for this server? Its current token, if any, "
                "stops working at once: the plugin must get the new one."
            ),
            id="token-question",
            markup=False,
        )
        yield Vertical(id="token-secret")

    def on_mount(self) -> None:
        """Focus Cancel: a stray Enter must not replace a working token."""
        super().on_mount()
        self.query_one("#dialog-cancel", Button).focus()

    def prepare(self) -> ServiceCall | None:
        """The issue call."""
        server_id = self.server.id

        def issue(service: StoreService) -> CreatedServerToken:
            return service.issue_server_token(server_id)

        return issue

    def finish(self, result: Any) -> None:
        """Show the secret, once."""
        if not isinstance(result, CreatedServerToken):
            self.dismiss(None)
            return
        self._created = result
        self.query_one("#token-secret", Vertical).mount(
            Static(Text("Token issued", style="bold"), markup=False),
            TextArea(result.secret, read_only=True, soft_wrap=True, id="secret"),
            Static(Text(SECRET_HINT), id="secret-hint", markup=False),
            Horizontal(
                Button("Copy (c)", id="secret-copy", compact=True),
                Button("Done", id="secret-done", variant="primary", compact=True),
                id="secret-buttons",
            ),
        )
        self.add_class("-secret")
        self.call_after_refresh(lambda: self.query_one("#secret-copy", Button).focus())

    def action_copy_secret(self) -> None:
        """Copy the secret to the clipboard (terminals with OSC 52 support)."""
        if self._created is None:
            return
        self.app.copy_to_clipboard(self._created.secret)
        self._copied = True
        self.notify("Copied to the clipboard (if your terminal allows it).", timeout=3)

    @on(Button.Pressed, "#secret-copy")
    def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_copy_secret()

    @on(Button.Pressed, "#secret-done")
    def _done_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._leave_secret()

    def action_cancel(self) -> None:
        """Escape: after issuing, leave the secret view (asking first if not copied)."""
        if self._created is not None:
            self._leave_secret()
        else:
            super().action_cancel()

    def _leave_secret(self) -> None:
        if self._copied:
            self._close_secret(True)
            return
        self.app.push_screen(
            ConfirmModal(
                "Close without copying?",
                "The token will not be shown again; without it the server cannot "
                "poll. You can always issue another one.",
                yes="Close",
                no="Back to the token",
            ),
            self._close_secret,
        )

    def _close_secret(self, yes: bool | None) -> None:
        if not yes or self._created is None:
            return
        created, self._created = self._created, None
        self.dismiss(created.server)
