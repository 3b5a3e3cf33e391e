"""Edit a customer's name and platform ID, checked as you type, saved version-guarded.

The external ID is validated per platform on every keystroke with the same parser the
store uses (``canonical_external_id``), and the hint shows the canonical form that will
be saved. Saving passes the version the form was filled from: if someone else saved
in between, the store refuses ("changed by bob at … — reload") and nothing is
overwritten; an ID another customer has is refused naming that customer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from storeadmin.core import identifiers, validation
from storeadmin.core.models import Customer, Platform
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint
from storeadmin.screens.modals.base import ServiceCall, customer_label
from storeadmin.widgets.text_field import TextField

PLATFORM_LABELS = {
    Platform.STEAM: "Steam (SteamID64)",
    Platform.MINECRAFT: "Minecraft (UUID)",
    Platform.XBOX: "Xbox (XUID)",
    Platform.OTHER: "Other",
}
"""Choices of the platform select, in this order."""


class EditCustomerModal(ActionModal[Customer]):
    """Username, platform and external ID; dismisses with the updated Customer."""

    DEFAULT_CSS = """
    EditCustomerModal > #dialog {
        max-width: 84;
    }
    """

    CONFIRM_LABEL: ClassVar[str] = "Save"

    def __init__(self, customer: Customer) -> None:
        super().__init__()
        self.customer = customer
        """The customer as read; its ``version`` guards the save."""
        self.platform = customer.platform
        """The platform chosen in the select (validators run before the select exists)."""

    def title_text(self) -> Text:
        """``Edit customer · Alice (#12)``."""
        return Text.assemble("Edit customer · ", customer_label(self.customer))

    def compose_body(self) -> ComposeResult:
        """Name, platform, external ID, each with a hint line."""
        customer = self.customer
        yield Label("Username", classes="field-label")
        # Inputs render their value as is: show stored data made safe, never raw.
        yield TextField(
            display_safe(customer.username),
            id="username",
            validators=[Checked(validation.validate_username)],
            max_length=validation.MAX_USERNAME + 16,
        )
        yield FieldHint(id="username-hint")
        yield Label("Platform", classes="field-label")
        yield Select(
            [(label, platform.value) for platform, label in PLATFORM_LABELS.items()],
            value=customer.platform.value,
            allow_blank=False,
            id="platform",
        )
        yield Label("External ID", classes="field-label")
        yield TextField(
            display_safe(customer.external_id),
            id="external_id",
            validators=[Checked(self._canonical)],
        )
        yield FieldHint(id="external_id-hint")

    def on_mount(self) -> None:
        """Show the hints for the values as loaded."""
        super().on_mount()
        self._check_username()
        self._check_external_id()

    # ------------------------------------------------------------ live checks

    def _canonical(self, text: str) -> str:
        """The canonical ID for the chosen platform (ValueError says what is wrong)."""
        return identifiers.canonical_external_id(self.platform, text)

    @on(Input.Changed, "#username")
    def _username_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_username()

    @on(Input.Changed, "#external_id")
    def _external_id_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_external_id()

    @on(Select.Changed, "#platform")
    def _platform_changed(self, event: Select.Changed) -> None:
        event.stop()
        # allow_blank=False: the value is always a platform, never Select.NULL.
        if event.value is not Select.NULL:
            self.platform = Platform(str(event.value))
        self._check_external_id()

    def _check_username(self) -> str | None:
        """Validate the name; the cleaned name, or None after showing the problem."""
        field = self.query_one("#username", Input)
        field.validate(field.value)
        cleaned = self.check("username", validation.validate_username)
        if cleaned is not None and cleaned != field.value:
            self.query_one("#username-hint", FieldHint).show_ok(f"will be saved as {cleaned!r}")
        return cleaned

    def _check_external_id(self) -> str | None:
        """Validate the ID for the platform; the canonical ID, or None after showing why not."""
        field = self.query_one("#external_id", Input)
        field.validate(field.value)  # the platform may have changed: re-flag the input
        canonical = self.check("external_id", self._canonical)
        if canonical is None:
            return None
        hint = self.query_one("#external_id-hint", FieldHint)
        if canonical == self.customer.external_id and self.platform is self.customer.platform:
            hint.show_ok("unchanged")
        else:
            hint.show_ok(f"will be saved as {canonical}")
        return canonical

    # ------------------------------------------------------------ save

    def prepare(self) -> ServiceCall | None:
        """Refuse locally what the store would refuse; else the version-guarded edit."""
        username = self._check_username()
        external_id = self._check_external_id()
        if username is None or external_id is None:
            self.show_error("Fix the fields marked in red first.")
            return None
        customer = self.customer
        platform = self.platform
        # A field left as shown keeps the stored value, even when the shown form had
        # control characters made visible: never rewrite data the admin did not touch.
        shown_name = self.query_one("#username", Input).value == display_safe(customer.username)
        shown_id = self.query_one("#external_id", Input).value == display_safe(customer.external_id)
        new_name = None if shown_name else username
        new_id = None if shown_id and platform is customer.platform else external_id

        def edit(service: StoreService) -> Customer:
            return service.edit_customer(
                customer.id,
                expected_version=customer.version,
                username=new_name,
                platform=platform,
                external_id=new_id,
            )

        return edit

    def success_message(self, result: Any) -> str | None:
        """``Saved Alice (#12)``."""
        if not isinstance(result, Customer):
            return None
        if result.version == self.customer.version:
            return "Nothing changed."
        return f"Saved {result.username} (#{result.id})"
