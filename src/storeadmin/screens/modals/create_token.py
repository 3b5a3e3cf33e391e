"""Create a customer token: label and optional expiry, then the secret, once.

The secret is shown in a read-only field the admin can select or copy (``c``), and is
dropped when the dialog closes: the store keeps only its hash, and the secret is never
logged, notified or audited. The dialog dismisses with the token, never the secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, TextArea

from storeadmin.core import validation
from storeadmin.core.models import CreatedToken, Customer, CustomerToken, Feature
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import TOKENS_KEYS
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint, when_hint
from storeadmin.screens.modals.base import ServiceCall, customer_label
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.host import features, host, store_kind

COPY_HINT = "Copy it now: it will not be shown again. Only its hash is stored."


class CreateTokenModal(ActionModal[CustomerToken]):
    """Label and optional expiry; then the secret, once. Dismisses with the new token."""

    DEFAULT_CSS = """
    CreateTokenModal #token-secret {
        display: none;
        height: auto;
    }
    CreateTokenModal.-secret #token-secret {
        display: block;
    }
    CreateTokenModal.-secret #token-form, CreateTokenModal.-secret #dialog-buttons {
        display: none;
    }
    CreateTokenModal #secret {
        height: 3;
        margin: 1 0;
    }
    CreateTokenModal #copy-hint {
        color: $text-warning;
    }
    CreateTokenModal #secret-buttons {
        height: auto;
        align-horizontal: right;
    }
    CreateTokenModal #secret-buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = TOKENS_KEYS.bindings("CreateTokenModal")

    CONFIRM_LABEL: ClassVar[str] = "Create"
    BUSY_LABEL: ClassVar[str] = "Creating…"

    def __init__(self, customer: Customer) -> None:
        super().__init__()
        self.customer = customer
        self._created: CreatedToken | None = None
        self._copied = False
        """True once the secret was copied (``c``): Esc then closes without asking."""
        self.with_fields = True
        """False on a store without ``TOKEN_LABELS``: no label or expiry to ask for."""

    def title_text(self) -> Text:
        """``New token · Alice (#12)``."""
        return Text.assemble("New token · ", customer_label(self.customer))

    def compose_body(self) -> ComposeResult:
        """The form, and the (empty) place where the secret will show."""
        self.with_fields = Feature.TOKEN_LABELS in features(self)
        if not self.with_fields:
            line = (
                f"{store_kind(self)} tokens have no labels or expiry: "
                "Create makes one that lasts until all are invalidated."
            )
            with Vertical(id="token-form"):
                yield Static(Text(line), id="token-no-fields", markup=False)
            yield Vertical(id="token-secret")
            return
        with Vertical(id="token-form"):
            yield Label("Label: what the token is for (optional)", classes="field-label")
            yield Input(
                id="label",
                placeholder="e.g. discord bot",
                validators=[Checked(validation.validate_label)],
            )
            yield FieldHint(id="label-hint")
            yield Label("Expires (optional): 30d, 1y, 2026-12-31", classes="field-label")
            yield Input(
                id="expires_at",
                placeholder="empty: never",
                validators=[Checked(self.parse_when)],
                valid_empty=True,
            )
            yield FieldHint("never expires", id="expires_at-hint")
        yield Vertical(id="token-secret")

    def on_mount(self) -> None:
        """Without fields, Enter creates: the Create button has the focus."""
        super().on_mount()
        if not self.with_fields:
            self.confirm_button.focus()

    @on(Input.Changed, "#label")
    def _label_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check("label", validation.validate_label)

    @on(Input.Changed, "#expires_at")
    def _expiry_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_expiry()

    def _check_expiry(self) -> tuple[bool, datetime | None]:
        """(ok, expiry): the parsed expiry (None: never), shown live in the hint."""
        return self.check_optional_when("expires_at", empty="never expires", prefix="expires")

    def prepare(self) -> ServiceCall | None:
        """The create call, once label and expiry are valid."""
        customer_id = self.customer.id
        if not self.with_fields:
            return lambda service: service.create_token(customer_id, label="")
        label = self.check("label", validation.validate_label)
        expiry_ok, expires = self._check_expiry()
        if label is None or not expiry_ok:
            self.show_error("Fix the fields marked in red first.")
            return None

        def create(service: StoreService) -> CreatedToken:
            return service.create_token(customer_id, label=label, expires_at=expires)

        return create

    def finish(self, result: Any) -> None:
        """Show the secret, once; Done dismisses with the token (never the secret)."""
        if not isinstance(result, CreatedToken):
            self.dismiss(None)
            return
        self._created = result
        token = result.token
        expiry = (
            f"expires {when_hint(token.expires_at, host(self).now())}"
            if (token.expires_at)
            else "never expires"
        )
        box = self.query_one("#token-secret", Vertical)
        box.mount(
            Static(
                Text.assemble(
                    ("Token created", "bold"),
                    f"  prefix {token.prefix} · ",
                    plain(token.label or "no label", max_length=40),
                    f" · {expiry}",
                ),
                markup=False,
            ),
            TextArea(result.secret, read_only=True, soft_wrap=True, id="secret"),
            Static(Text(COPY_HINT), id="copy-hint", markup=False),
            Horizontal(
                Button("Copy (c)", id="secret-copy", compact=True),
                Button("Done", id="secret-done", variant="primary", compact=True),
                id="secret-buttons",
            ),
        )
        self.add_class("-secret")
        self.call_after_refresh(lambda: self.query_one("#secret-done", Button).focus())

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
        self._close_secret()

    def action_cancel(self) -> None:
        """Escape: after creation it closes the secret view (the token exists), asking
        first while the secret was not copied; Done closes without asking."""
        if self._created is None:
            super().action_cancel()
        elif self._copied:
            self._close_secret()
        else:
            question = Text(
                "The secret has not been copied and will not be shown again. Close anyway?"
            )
            self.app.push_screen(
                ConfirmModal("Secret not copied", question, yes="Close", no="Back"),
                self._close_answered,
            )

    def _close_answered(self, close: bool | None) -> None:
        if close:
            self._close_secret()

    def _close_secret(self) -> None:
        created, self._created = self._created, None
        self.dismiss(created.token if created is not None else None)
