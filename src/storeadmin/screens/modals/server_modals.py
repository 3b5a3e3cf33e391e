"""Game server dialogs: add a server (name and game), and a new token shown once.

The token dialog asks first (the old token stops working at once), then shows the
secret once, as the new-customer-token dialog does (``modals.secret``): Copy (``c``),
Done, and Esc asks first while the secret was not copied. It dismisses with the server
only; the secret is never logged, notified or kept."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Button, Input, Label, Select, Static

from storeadmin.core import validation
from storeadmin.core.models import CreatedServerToken, GameServer
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import SERVERS_KEYS
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint
from storeadmin.screens.modals.base import ServiceCall
from storeadmin.screens.modals.secret import SecretOnceModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.text_field import TextField

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
        yield TextField(
            id="name", placeholder="e.g. Rust EU #2", validators=[Checked(_server_name)]
        )
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


class ServerTokenModal(SecretOnceModal[GameServer]):
    """Asks, issues a new token, shows the secret once; dismisses with the server."""

    UNCOPIED_TITLE: ClassVar[str] = "Close without copying?"
    UNCOPIED_QUESTION: ClassVar[str] = (
        "The token will not be shown again; without it the server cannot poll. "
        "You can always issue another one."
    )
    UNCOPIED_BACK: ClassVar[str] = "Back to the token"

    BINDINGS: ClassVar[list[BindingType]] = SERVERS_KEYS.bindings("ServerTokenModal")

    CONFIRM_LABEL: ClassVar[str] = "Issue token"
    CONFIRM_VARIANT: ClassVar[str] = "error"
    BUSY_LABEL: ClassVar[str] = "Issuing…"

    def __init__(self, server: GameServer) -> None:
        super().__init__()
        self.server = server
        self._issued_for: GameServer | None = None

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
            classes="before-secret",
            markup=False,
        )
        yield self.secret_box()

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
        self._issued_for = result.server
        heading = Text("Token issued", style="bold")
        self.reveal(heading, result.secret, SECRET_HINT, focus="secret-copy")

    def revealed_result(self) -> GameServer | None:
        """The server the token was issued for (never the secret)."""
        return self._issued_for
