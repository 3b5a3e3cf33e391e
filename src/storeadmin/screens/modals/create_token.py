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
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from storeadmin.core import validation
from storeadmin.core.models import CreatedToken, Customer, CustomerToken, Feature
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import TOKENS_KEYS
from storeadmin.screens.modals.action import Checked, FieldHint, when_hint
from storeadmin.screens.modals.base import ServiceCall, customer_label
from storeadmin.screens.modals.secret import SecretOnceModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.host import features, host, store_kind
from storeadmin.widgets.text_field import TextField

COPY_HINT = "Copy it now: it will not be shown again. Only its hash is stored."


class CreateTokenModal(SecretOnceModal[CustomerToken]):
    """Label and optional expiry; then the secret, once. Dismisses with the new token."""

    BINDINGS: ClassVar[list[BindingType]] = TOKENS_KEYS.bindings("CreateTokenModal")

    CONFIRM_LABEL: ClassVar[str] = "Create"
    BUSY_LABEL: ClassVar[str] = "Creating…"

    def __init__(self, customer: Customer) -> None:
        super().__init__()
        self.customer = customer
        self._token: CustomerToken | None = None
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
            with Vertical(id="token-form", classes="before-secret"):
                yield Static(Text(line), id="token-no-fields", markup=False)
            yield self.secret_box()
            return
        with Vertical(id="token-form", classes="before-secret"):
            yield Label("Label: what the token is for (optional)", classes="field-label")
            yield TextField(
                id="label",
                placeholder="e.g. discord bot",
                validators=[Checked(validation.validate_label)],
            )
            yield FieldHint(id="label-hint")
            yield Label("Expires (optional): 30d, 1y, 2026-12-31", classes="field-label")
            yield TextField(
                id="expires_at",
                placeholder="empty: never",
                validators=[Checked(self.parse_when)],
                valid_empty=True,
            )
            yield FieldHint("never expires", id="expires_at-hint")
        yield self.secret_box()

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
        """Show the secret, once; closing dismisses with the token (never the secret)."""
        if not isinstance(result, CreatedToken):
            self.dismiss(None)
            return
        token = self._token = result.token
        expiry = (
            f"expires {when_hint(token.expires_at, host(self).now())}"
            if token.expires_at
            else "never expires"
        )
        heading = Text.assemble(
            ("Token created", "bold"),
            f"  prefix {token.prefix} · ",
            plain(token.label or "no label", max_length=40),
            f" · {expiry}",
        )
        self.reveal(heading, result.secret, COPY_HINT)

    def revealed_result(self) -> CustomerToken | None:
        """The token, without its secret."""
        return self._token
