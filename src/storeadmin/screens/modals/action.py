"""Action dialogs: the write worker, busy state, errors and field hints.

An :class:`ActionModal` reads its form on the UI thread (:meth:`ActionModal.prepare`
returns the service call to make), runs that call in one thread worker of group
``action`` and dismisses with the result. A refusal (any ``StoreError``) is shown
inside the modal and the form stays filled; ``AlreadyDone`` is an information, not
an error: the modal dismisses with the current state. The confirm button is
disabled while the worker runs, and ``request_id`` is made once per modal, so a
double press (or a retry after a lost reply) can never apply twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Static
from textual.worker import Worker

from storeadmin.core import validation
from storeadmin.core.errors import AlreadyDone, Invalid, StoreError
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.core.timefmt import format_local, relative
from storeadmin.screens.key_tables import DIALOG_KEYS
from storeadmin.screens.modals.base import Dialog, ServiceCall
from storeadmin.widgets.host import host

T = TypeVar("T")
V = TypeVar("V")


def when_hint(moment: datetime, now: datetime) -> str:
    """``2026-12-02 12:00 (in 7 days)``: an absolute local time and how far off it is."""
    return f"{format_local(moment)} ({relative(moment, now)})"


class Checked(Validator):
    """An Input validator around a core parser: its ``ValueError`` text is the message."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self.parse = parse
        """Raises ValueError with a message the admin can act on."""

    def validate(self, value: str) -> ValidationResult:
        """Success when ``parse`` accepts ``value``."""
        try:
            self.parse(value)
        except ValueError as error:
            return self.failure(str(error), value)
        return self.success()


class FieldHint(Static):
    """The line under a field: what will be saved (dim) or what is wrong (red)."""

    DEFAULT_CSS = """
    FieldHint {
        height: auto;
        color: $text-muted;
        padding: 0 0 0 1;
    }
    FieldHint.-problem {
        color: $text-error;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(Text(text), id=id, markup=False)

    def show_ok(self, text: str) -> None:
        """A neutral hint (our words plus safe data)."""
        self.remove_class("-problem")
        self.update(Text(display_safe(text, max_length=300)))

    def show_problem(self, text: str) -> None:
        """What is wrong with the field."""
        self.add_class("-problem")
        self.update(Text(display_safe(text, max_length=300)))


class ActionModal(Dialog[T]):
    """A dialog that performs one write; subclasses supply the form and the call."""

    BINDINGS: ClassVar[list[BindingType]] = DIALOG_KEYS.bindings("ActionModal")

    CONFIRM_LABEL: ClassVar[str] = "Save"
    """Label of the confirm button."""
    CONFIRM_VARIANT: ClassVar[str] = "primary"
    """``primary``, or ``error`` for destructive actions (ban, revoke)."""
    BUSY_LABEL: ClassVar[str] = "Saving…"
    """Label of the confirm button while the write runs."""

    busy: reactive[bool] = reactive(False)
    """True while the write worker runs: the confirm button is disabled."""

    @dataclass
    class Done(Message):
        """The write finished (or had already happened): dismiss with ``result``."""

        result: object
        info: str | None = None
        """Set when nothing was changed because it was already done."""

    @dataclass
    class Refused(Message):
        """The store refused the write; nothing was changed."""

        error: StoreError

    def __init__(self) -> None:
        super().__init__()
        self.request_id = uuid.uuid4().hex
        """Idempotency key of this dialog's action: the store applies it at most once."""
        self._error_about_fields = False
        """True while the error line is about fields marked invalid (it goes once they are fixed)."""

    # ------------------------------------------------------------ subclass hooks

    def prepare(self) -> ServiceCall | None:
        """Read the form (UI thread); the call to make, or None after showing a problem."""
        raise NotImplementedError

    def current_state(self, service: StoreService, error: AlreadyDone) -> object:
        """Worker thread, after AlreadyDone: what to dismiss with (the state as it is now)."""
        return None

    def success_message(self, result: Any) -> str | None:
        """A short notification after success (None: no notification)."""
        return None

    def finish(self, result: Any) -> None:
        """After the write (or AlreadyDone): dismiss with ``result``."""
        self.dismiss(result)

    # ------------------------------------------------------------ buttons

    def compose_buttons(self) -> ComposeResult:
        """Cancel and the confirm button."""
        yield Button("Cancel", id="dialog-cancel", compact=True)
        yield Button(
            self.CONFIRM_LABEL,
            id="dialog-confirm",
            variant=self.CONFIRM_VARIANT,  # type: ignore[arg-type]  # a ClassVar[str] of the two literals
            compact=True,
        )

    @property
    def confirm_button(self) -> Button:
        """The confirm button."""
        return self.query_one("#dialog-confirm", Button)

    def watch_busy(self, busy: bool) -> None:
        """Disable the confirm button (and say so) while the write runs."""
        if not self.is_mounted:
            return
        button = self.confirm_button
        button.disabled = busy or not self.can_confirm()
        button.label = self.BUSY_LABEL if busy else self.CONFIRM_LABEL

    def can_confirm(self) -> bool:
        """False when the dialog cannot act at all (e.g. the item is no longer active)."""
        return True

    def on_mount(self) -> None:
        """Apply the initial button state."""
        self.confirm_button.disabled = not self.can_confirm()

    # ------------------------------------------------------------ fields

    def check(self, field_id: str, parse: Callable[[str], V]) -> V | None:
        """Parse the Input ``#field_id``; on a problem flag it, say why in ``#<id>-hint``, None.

        The hint is cleared on success; callers may then show what will be saved.
        """
        field = self.query_one(f"#{field_id}", Input)
        hint = self.query_one(f"#{field_id}-hint", FieldHint)
        try:
            value = parse(field.value)
        except ValueError as error:
            field.add_class("-invalid")
            hint.show_problem(str(error))
            return None
        field.remove_class("-invalid")
        hint.show_ok("")
        return value

    def parse_when(self, text: str) -> datetime:
        """A moment typed as ``7d``, ``30d``, a date or a datetime, after the app's now."""
        return validation.parse_when(text, now=host(self).now())

    def check_optional_when(
        self, field_id: str, *, empty: str, prefix: str
    ) -> tuple[bool, datetime | None]:
        """(ok, moment) of an optional date Input; the hint says ``empty`` or ``prefix <when>``."""
        hint = self.query_one(f"#{field_id}-hint", FieldHint)
        if not self.query_one(f"#{field_id}", Input).value.strip():
            hint.show_ok(empty)
            return True, None
        moment = self.check(field_id, self.parse_when)
        if moment is None:
            return False, None
        hint.show_ok(f"{prefix} {when_hint(moment, host(self).now())}")
        return True, moment

    def show_error(self, text: str) -> None:
        """The error line; remembered as about the fields when some are marked invalid."""
        super().show_error(text)
        self._error_about_fields = bool(self.query("Input.-invalid"))

    @on(Input.Changed)
    def _clear_fixed_error(self, event: Input.Changed) -> None:
        """Once no field is marked invalid, an error line about them goes away.

        Runs after the subclass's own handler (which re-checks the field), whatever it did
        with the event: ``stop()`` ends bubbling, not the dispatch along the class MRO."""
        if self._error_about_fields and not self.query("Input.-invalid"):
            self._error_about_fields = False
            self.clear_error()

    # ------------------------------------------------------------ confirm / cancel

    @on(Button.Pressed, "#dialog-confirm")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#dialog-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.field_submitted(event.input)

    def field_submitted(self, field: Input) -> None:
        """Enter in a field confirms the dialog (subclasses may move focus instead)."""
        self.action_confirm()

    def action_confirm(self) -> None:
        """Check the form and start the write (ignored while one runs)."""
        if self.busy or not self.can_confirm():
            return
        call = self.prepare()
        if call is None:
            return
        self.clear_error()
        self.busy = True
        self._perform(host(self).service, call)

    def action_cancel(self) -> None:
        """Close without changing anything (not while a write is under way)."""
        if self.busy:
            self.notify("Still saving: wait a moment.", severity="warning", timeout=3, markup=False)
            return
        self.dismiss(None)

    # ------------------------------------------------------------ the write

    @work(thread=True, exclusive=True, exit_on_error=False, group="action", name="saving")
    def _perform(self, service: StoreService, call: ServiceCall) -> None:
        """Worker: run the write; post the outcome (never touches widgets)."""
        try:
            result = call(service)
        except AlreadyDone as error:
            self.post_message(self.Done(self.current_state(service, error), info=str(error)))
        except StoreError as error:
            self.post_message(self.Refused(error))
        else:
            self.post_message(self.Done(result))

    @on(Done)
    def _done(self, event: Done) -> None:
        event.stop()
        self.busy = False
        if event.info is not None:
            self.notify(
                display_safe(event.info, max_length=200), title="Nothing to do", markup=False
            )
        else:
            message = self.success_message(event.result)
            if message:
                self.notify(display_safe(message, max_length=200), markup=False)
        self.finish(event.result)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        event.stop()
        self.busy = False
        error = event.error
        self.show_error(str(error))
        if isinstance(error, Invalid):
            self._mark_fields(error)

    def _mark_fields(self, error: Invalid) -> None:
        """Flag the inputs named by the refusal (ids match the service's field names)."""
        first: Input | None = None
        for field in error.fields:
            widget = self.query_one_optional(f"#{field}", Input)
            if widget is not None:
                widget.add_class("-invalid")
                first = first or widget
        if first is not None:
            self._error_about_fields = True
            first.focus()

    def worker_failed(self, worker: Worker[Any]) -> None:
        """A bug in the write (not a refusal): unlock the form; the App reports it."""
        if worker.group != "action":
            return
        self.busy = False
        name = type(worker.error).__name__ if worker.error is not None else "error"
        self.show_error(f"Unexpected error ({name}): the change may not have been saved.")
