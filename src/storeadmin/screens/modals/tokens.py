"""Manage a customer's access tokens: list, create (secret shown once), revoke.

The list loads in worker group ``tokens``; revocations run in group ``action``. A new
token is made in :class:`~storeadmin.screens.modals.create_token.CreateTokenModal`,
which shows the secret once. Revoke all asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Button, DataTable, Static
from textual.worker import Worker, get_current_worker

from storeadmin.core.errors import AlreadyDone, StoreError
from storeadmin.core.models import Customer, CustomerToken, Feature, TokenState
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.screens.key_tables import TOKENS_KEYS
from storeadmin.screens.modals.base import Dialog, ServiceCall, customer_label
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.create_token import CreateTokenModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.detail_format import when
from storeadmin.widgets.host import features, host, store_kind

STATE_STYLES = {TokenState.ACTIVE: "green", TokenState.EXPIRED: "yellow", TokenState.REVOKED: "red"}
COLUMNS = ("ID", "Label", "Prefix", "Created", "Last used", "Expires", "State")
"""ID first: `storeadmin customers tokens ID revoke TOKEN_ID` takes it."""


class TokensModal(Dialog[bool]):
    """The customer's tokens with Create / Revoke / Revoke all; dismisses True if changed."""

    DEFAULT_CSS = """
    TokensModal > #dialog {
        max-width: 110;
    }
    TokensModal #tokens-table {
        height: auto;
        max-height: 14;
    }
    TokensModal #tokens-status {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = TOKENS_KEYS.bindings("TokensModal")

    @dataclass
    class Loaded(Message):
        """The token list arrived."""

        tokens: tuple[CustomerToken, ...]

    @dataclass
    class Finished(Message):
        """A revocation finished; ``info`` is set when nothing needed doing."""

        message: str
        info: bool = False

    @dataclass
    class Refused(Message):
        """The store refused a revocation."""

        error: StoreError

    def __init__(self, customer: Customer) -> None:
        super().__init__()
        self.customer = customer
        self.tokens: tuple[CustomerToken, ...] = ()
        """The tokens as last loaded, newest first."""
        self.changed = False
        """True once a token was created or revoked (the caller reloads its history)."""
        self.busy = False
        self.can_list = True
        """False on a store without ``LIST_TOKENS`` (PayNow): no table, one line instead."""
        self.can_revoke_one = True
        """False on a store without ``REVOKE_ONE_TOKEN``: no single-revoke action."""

    def title_text(self) -> Text:
        """``Tokens · Alice (#12)``."""
        return Text.assemble("Tokens · ", customer_label(self.customer))

    def compose_body(self) -> ComposeResult:
        """The token table and a status line; only the line when tokens cannot be listed."""
        can = features(self)
        self.can_list = Feature.LIST_TOKENS in can
        self.can_revoke_one = self.can_list and Feature.REVOKE_ONE_TOKEN in can
        if self.can_list:
            yield DataTable(id="tokens-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="tokens-status", markup=False)
        else:
            line = f"{store_kind(self)} cannot list a customer's tokens: create one, or invalidate all."
            yield Static(Text(line), id="tokens-status", markup=False)

    def compose_buttons(self) -> ComposeResult:
        """Create, revoke (where the store can revoke one), revoke all, close."""
        yield Button("New token (n)", id="tokens-create", compact=True)
        if self.can_revoke_one:
            yield Button("Revoke (x)", id="tokens-revoke", variant="error", compact=True)
        yield Button("Revoke all (X)", id="tokens-revoke-all", compact=True)
        yield Button("Close", id="tokens-close", compact=True)

    def on_mount(self) -> None:
        """Columns, then the first load (nothing to load when tokens cannot be listed)."""
        if not self.can_list:
            self._update_buttons()
            return
        table = self.query_one(DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label.lower())
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No single revoke (key, footer) on a store that cannot revoke one token."""
        if action == "revoke" and not self.can_revoke_one:
            return False
        return super().check_action(action, parameters)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """(Re)load the token list (where the store can list it)."""
        if not self.can_list:
            self._update_buttons()
            return
        self.query_one(DataTable).loading = True
        self._load(host(self).service)

    @work(thread=True, exclusive=True, exit_on_error=False, group="tokens", name="loading tokens")
    def _load(self, service: StoreService) -> None:
        tokens = service.list_tokens(self.customer.id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(tokens))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        self.tokens = event.tokens
        now = host(self).now()
        table = self.query_one(DataTable)
        table.loading = False
        table.clear()
        for token in event.tokens:
            state = token.state(now)
            table.add_row(
                plain(token.id),
                plain(token.label or "—", max_length=40),
                plain(token.prefix, max_length=16),
                when(token.created_at),
                when(token.last_used_at, missing="never"),
                when(token.expires_at, missing="never"),
                Text(state.value, style=STATE_STYLES[state]),
                key=str(token.id),
            )
        active = sum(1 for t in event.tokens if t.state(now) is TokenState.ACTIVE)
        status = (
            f"{len(event.tokens)} token{'s' if len(event.tokens) != 1 else ''}, {active} active"
            if event.tokens
            else "No tokens yet: n creates one."
        )
        self.query_one("#tokens-status", Static).update(Text(status))
        self._update_buttons()

    def selected(self) -> CustomerToken | None:
        """The highlighted token, if any."""
        if not self.can_list:
            return None
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((t for t in self.tokens if str(t.id) == key), None)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._update_buttons()

    def _update_buttons(self) -> None:
        token = self.selected()
        now = host(self).now()
        can_revoke = token is not None and token.state(now) is not TokenState.REVOKED
        for button in self.query("#tokens-revoke").results(Button):
            button.disabled = self.busy or not can_revoke
        # Unlisted tokens may exist: invalidating all is always offered there.
        any_left = not self.can_list or any(t.revoked_at is None for t in self.tokens)
        self.query_one("#tokens-revoke-all", Button).disabled = self.busy or not any_left

    # ------------------------------------------------------------ actions

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "tokens-create": self.action_create,
            "tokens-revoke": self.action_revoke,
            "tokens-revoke-all": self.action_revoke_all,
            "tokens-close": self.action_close,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_create(self) -> None:
        """Open the create dialog; reload afterwards."""
        self.app.push_screen(CreateTokenModal(self.customer), self._created)

    def _created(self, token: CustomerToken | None) -> None:
        if token is not None:
            self.changed = True
            self.reload()

    def action_revoke(self) -> None:
        """Revoke the highlighted token (not revoked yet)."""
        token = self.selected()
        if not self.can_revoke_one or self.busy or token is None or token.revoked_at is not None:
            return
        label = display_safe(token.label or token.prefix, max_length=40)
        question = Text.assemble(
            f"Revoke token {label} of ",
            customer_label(self.customer),
            "?\nAnything using it stops working at once.",
        )
        self.app.push_screen(
            ConfirmModal("Revoke token", question, yes="Revoke", destructive=True),
            partial(self._revoke_answered, token.id, label),
        )

    def _revoke_answered(self, token_id: str, label: str, yes: bool | None) -> None:
        if not yes:
            return
        customer_id = self.customer.id
        self._run(
            lambda service: service.revoke_token(customer_id, token_id),
            lambda _: f"Revoked token {label}",
        )

    def action_revoke_all(self) -> None:
        """Ask, then revoke every token not yet revoked."""
        left = [t for t in self.tokens if t.revoked_at is None]
        if self.busy or (self.can_list and not left):
            return
        counted = (
            f"all {len(left)} token{'s' if len(left) != 1 else ''}"
            if self.can_list
            else "every token"
        )
        question = Text.assemble(
            f"Revoke {counted} of ",
            customer_label(self.customer),
            "?\nAnything using them stops working at once.",
        )
        self.app.push_screen(
            ConfirmModal("Revoke all tokens", question, yes="Revoke all", destructive=True),
            self._revoke_all_answered,
        )

    def _revoke_all_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        customer_id = self.customer.id
        self._run(
            lambda service: service.revoke_all_tokens(customer_id),
            lambda count: f"Revoked {count} token{'s' if count != 1 else ''}",
        )

    def _run(self, call: ServiceCall, describe: Callable[[Any], str]) -> None:
        self.busy = True
        self.clear_error()
        self._update_buttons()
        self._revoke(host(self).service, call, describe)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action", name="revoking tokens")
    def _revoke(
        self, service: StoreService, call: ServiceCall, describe: Callable[[Any], str]
    ) -> None:
        try:
            result = call(service)
        except AlreadyDone as error:
            self.post_message(self.Finished(str(error), info=True))
        except StoreError as error:
            self.post_message(self.Refused(error))
        else:
            self.post_message(self.Finished(describe(result)))

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        event.stop()
        self.busy = False
        self.changed = self.changed or not event.info
        self.notify(event.message, title="Nothing to do" if event.info else "", markup=False)
        self.reload()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        event.stop()
        self.busy = False
        self.show_error(str(event.error))
        self._update_buttons()

    def worker_failed(self, worker: Worker[Any]) -> None:
        """A failed load or write: say so here (the App reports it too)."""
        self.busy = False
        for table in self.query(DataTable):
            table.loading = False
        name = type(worker.error).__name__ if worker.error is not None else "error"
        if isinstance(worker.error, StoreError):
            self.show_error(f"Could not load tokens: {worker.error}")
        else:
            self.show_error(f"Unexpected error ({name}).")
        self._update_buttons()

    def action_close(self) -> None:
        """Close; True tells the caller something changed."""
        self.dismiss(self.changed)
