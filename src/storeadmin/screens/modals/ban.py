"""Ban a customer (a reason, an optional end) and lift a ban.

Both writes are compare-and-set in the store: banning a customer someone just banned,
or lifting a ban someone just lifted, is ``AlreadyDone``; the dialog then says so and
dismisses with the customer as it is now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from storeadmin.core import validation
from storeadmin.core.errors import AlreadyDone
from storeadmin.core.models import Customer
from storeadmin.core.service import StoreService
from storeadmin.core.timefmt import format_local
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint
from storeadmin.screens.modals.base import ServiceCall, customer_label
from storeadmin.widgets.cells import plain
from storeadmin.widgets.text_field import TextField

NO_END = "no end date: the ban lasts until it is lifted"
"""Hint of an empty "until" field."""


class _CustomerAction(ActionModal[Customer]):
    """A write on one customer that dismisses with the customer as it is afterwards."""

    def __init__(self, customer: Customer) -> None:
        super().__init__()
        self.customer = customer

    def current_state(self, service: StoreService, error: AlreadyDone) -> object:
        """The customer as it is now (someone else got there first)."""
        return service.get_customer(self.customer.id).customer


class BanModal(_CustomerAction):
    """Reason (required) and optional end; dismisses with the banned Customer."""

    DEFAULT_CSS = """
    BanModal > #dialog {
        border: round $error;
    }
    BanModal #ban-warning {
        color: $text-muted;
        margin-bottom: 1;
    }
    """

    CONFIRM_LABEL: ClassVar[str] = "Ban"
    CONFIRM_VARIANT: ClassVar[str] = "error"
    BUSY_LABEL: ClassVar[str] = "Banning…"

    def title_text(self) -> Text:
        """``Ban · Alice (#12)``."""
        return Text.assemble("Ban · ", customer_label(self.customer))

    def compose_body(self) -> ComposeResult:
        """What a ban does, the reason and the end."""
        yield Static(
            Text("A ban blocks purchases and manual grants; what they own is kept."),
            id="ban-warning",
            markup=False,
        )
        yield Label("Reason (required, kept in the audit log)", classes="field-label")
        yield TextField(
            id="reason",
            placeholder="e.g. chargeback fraud",
            validators=[Checked(validation.validate_reason)],
            validate_on=["changed", "submitted"],
        )
        yield FieldHint(id="reason-hint")
        yield Label("Until (optional): 7d, 30d, 2w, 2026-12-31", classes="field-label")
        yield TextField(
            id="until",
            placeholder="empty: until lifted",
            validators=[Checked(self.parse_when)],
            valid_empty=True,
        )
        yield FieldHint(NO_END, id="until-hint")

    @on(Input.Changed, "#reason")
    def _reason_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check("reason", validation.validate_reason)

    @on(Input.Changed, "#until")
    def _until_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_until()

    def _check_until(self) -> tuple[bool, datetime | None]:
        """(ok, end): the parsed end (None: no end), shown live in the hint."""
        return self.check_optional_when("until", empty=NO_END, prefix="until")

    def prepare(self) -> ServiceCall | None:
        """Check the reason and the end; the ban call with this dialog's request_id."""
        reason = self.check("reason", validation.validate_reason)
        until_ok, until = self._check_until()
        if reason is None or not until_ok:
            self.show_error("Fix the fields marked in red first.")
            return None
        customer_id, request_id = self.customer.id, self.request_id

        def ban(service: StoreService) -> Customer:
            return service.ban_customer(
                customer_id, reason=reason, until=until, request_id=request_id
            )

        return ban

    def success_message(self, result: Any) -> str | None:
        """``Banned Alice (#12)``."""
        return f"Banned {self.customer.username} (#{self.customer.id})"


class UnbanModal(_CustomerAction):
    """Names the customer and the ban in force; dismisses with the unbanned Customer."""

    DEFAULT_CSS = """
    UnbanModal #unban-facts {
        height: auto;
    }
    """

    CONFIRM_LABEL: ClassVar[str] = "Unban"
    BUSY_LABEL: ClassVar[str] = "Unbanning…"

    def title_text(self) -> Text:
        """``Lift the ban · Alice (#12)``."""
        return Text.assemble("Lift the ban · ", customer_label(self.customer))

    def compose_body(self) -> ComposeResult:
        """The ban being lifted: reason, who and when, end."""
        yield Static(self._facts(), id="unban-facts", markup=False)

    def _facts(self) -> Text:
        ban = self.customer.ban
        if ban is None:
            return Text("This customer is not banned.", style="dim")
        until = format_local(ban.expires_at) if ban.expires_at else "until lifted"
        return Text.assemble(
            "Lift the ban on ",
            plain(self.customer.username, max_length=40),
            "?\n\n",
            ("Reason   ", "dim"),
            plain(ban.reason, max_length=200),
            "\n",
            ("Banned   ", "dim"),
            f"{format_local(ban.banned_at)} by ",
            plain(ban.banned_by, max_length=30),
            "\n",
            ("Ends     ", "dim"),
            until,
        )

    def on_mount(self) -> None:
        """Focus the confirm button: Enter unbans, escape cancels."""
        super().on_mount()
        self.confirm_button.focus()

    def prepare(self) -> ServiceCall | None:
        """The unban call with this dialog's request_id."""
        customer_id, request_id = self.customer.id, self.request_id

        def unban(service: StoreService) -> Customer:
            return service.unban_customer(customer_id, request_id=request_id)

        return unban

    def success_message(self, result: Any) -> str | None:
        """``Lifted the ban on Alice (#12)``."""
        return f"Lifted the ban on {self.customer.username} (#{self.customer.id})"
