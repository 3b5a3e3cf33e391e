"""Revoke an active inventory item: confirmation, a required reason, a red button.

The store revokes compare-and-set and queues the product's removal commands in the
same transaction, so a double press or two admins revoke once; the loser is told
"already revoked".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from storeadmin.core import validation
from storeadmin.core.errors import AlreadyDone
from storeadmin.core.models import Customer, InventoryItem, ItemState
from storeadmin.core.service import StoreService
from storeadmin.core.timefmt import format_local
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint
from storeadmin.screens.modals.base import ServiceCall, customer_label
from storeadmin.widgets.cells import plain
from storeadmin.widgets.text_field import TextField

NOT_ACTIVE = "Only an active item can be revoked; this one is {state}."


class RevokeModal(ActionModal[InventoryItem]):
    """Names the product and the customer; dismisses with the revoked item."""

    DEFAULT_CSS = """
    RevokeModal > #dialog {
        border: round $error;
    }
    RevokeModal #revoke-facts {
        height: auto;
        margin-bottom: 1;
    }
    """

    CONFIRM_LABEL: ClassVar[str] = "Revoke"
    CONFIRM_VARIANT: ClassVar[str] = "error"
    BUSY_LABEL: ClassVar[str] = "Revoking…"

    def __init__(self, customer: Customer, item: InventoryItem) -> None:
        super().__init__()
        self.customer = customer
        self.item = item

    def title_text(self) -> Text:
        """``Revoke · VIP Rank``."""
        return Text.assemble("Revoke · ", plain(self.item.product_name, max_length=50))

    def compose_body(self) -> ComposeResult:
        """What is revoked from whom, and the reason."""
        item = self.item
        expires = format_local(item.expires_at) if item.expires_at else "never"
        yield Static(
            Text.assemble(
                "Revoke ",
                plain(item.product_name, max_length=50, style="bold"),
                " from ",
                customer_label(self.customer),
                "?\n",
                (f"Item #{item.id}, granted {format_local(item.granted_at)}, ", "dim"),
                (f"expires {expires}. ", "dim"),
                ("Its removal commands are queued for its game servers.", "dim"),
            ),
            id="revoke-facts",
            markup=False,
        )
        yield Label("Reason (required, kept in the audit log)", classes="field-label")
        yield TextField(
            id="reason",
            placeholder="e.g. refunded by support",
            validators=[Checked(validation.validate_reason)],
            validate_on=["changed", "submitted"],
            disabled=not item.can_revoke,
        )
        yield FieldHint(id="reason-hint")

    def can_confirm(self) -> bool:
        """Only active items: the caller checks, and so does the dialog."""
        return self.item.can_revoke

    def on_mount(self) -> None:
        """Say why the dialog cannot act on an item that is not active."""
        super().on_mount()
        if not self.item.can_revoke:
            self.show_error(NOT_ACTIVE.format(state=self.item.state.value))

    @on(Input.Changed, "#reason")
    def _reason_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check("reason", validation.validate_reason)

    def prepare(self) -> ServiceCall | None:
        """The revoke call with this dialog's request_id, once the reason is given."""
        reason = self.check("reason", validation.validate_reason)
        if reason is None:
            return None
        item_id, request_id = self.item.id, self.request_id

        def revoke(service: StoreService) -> InventoryItem:
            return service.revoke_item(item_id, reason=reason, request_id=request_id)

        return revoke

    def current_state(self, service: StoreService, error: AlreadyDone) -> object:
        """Someone revoked it first: the item as revoked (the caller reloads the tab)."""
        return replace(self.item, state=ItemState.REVOKED)

    def success_message(self, result: Any) -> str | None:
        """``Revoked VIP Rank from Alice``."""
        return f"Revoked {self.item.product_name} from {self.customer.username}"
