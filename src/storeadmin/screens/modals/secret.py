"""An action dialog whose result carries a secret that is shown once.

The customer-token and server-token dialogs both end the same way: the form (the
``.before-secret`` widgets and the button row) gives way to the secret in a read-only
field the admin can select or copy (``c``). Done closes; Esc closes too, but asks first
while the secret was not copied, since it is never shown again. The secret is never
logged, notified or kept: the dialog drops it on close and dismisses with what
:meth:`SecretOnceModal.revealed_result` returns, never with the secret itself.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from storeadmin.screens.modals.action import ActionModal, T
from storeadmin.screens.modals.confirm import ConfirmModal


class SecretOnceModal(ActionModal[T]):
    """The shared second half of the new-token dialogs: the secret, once."""

    DEFAULT_CSS = """
    SecretOnceModal #secret-box {
        display: none;
        height: auto;
    }
    SecretOnceModal.-secret #secret-box {
        display: block;
    }
    SecretOnceModal.-secret .before-secret, SecretOnceModal.-secret #dialog-buttons {
        display: none;
    }
    SecretOnceModal #secret {
        height: 3;
        margin: 1 0;
    }
    SecretOnceModal #secret-hint {
        color: $text-warning;
    }
    SecretOnceModal #secret-buttons {
        height: auto;
        align-horizontal: right;
    }
    SecretOnceModal #secret-buttons Button {
        margin-left: 2;
    }
    """

    UNCOPIED_TITLE: ClassVar[str] = "Secret not copied"
    UNCOPIED_QUESTION: ClassVar[str] = (
        "The secret has not been copied and will not be shown again. Close anyway?"
    )
    UNCOPIED_BACK: ClassVar[str] = "Back"

    def __init__(self) -> None:
        super().__init__()
        self._secret: str | None = None
        """The secret while it is on screen; dropped when the dialog closes."""
        self._copied = False
        """True once the secret was copied (``c``): Esc then closes without asking."""

    @staticmethod
    def secret_box() -> Vertical:
        """The (empty) place where the secret will show; subclasses yield it last."""
        return Vertical(id="secret-box")

    def revealed_result(self) -> T | None:
        """What the dialog dismisses with once the secret is closed (never the secret)."""
        raise NotImplementedError

    def reveal(
        self,
        heading: Text,
        secret: str,
        hint: str,
        *,
        focus: Literal["secret-copy", "secret-done"] = "secret-done",
    ) -> None:
        """Replace the form with the secret, its warning and Copy / Done."""
        self._secret = secret
        self.query_one("#secret-box", Vertical).mount(
            Static(heading, markup=False),
            TextArea(secret, read_only=True, soft_wrap=True, id="secret"),
            Static(Text(hint), id="secret-hint", markup=False),
            Horizontal(
                Button("Copy (c)", id="secret-copy", compact=True),
                Button("Done", id="secret-done", variant="primary", compact=True),
                id="secret-buttons",
            ),
        )
        self.add_class("-secret")
        self.call_after_refresh(lambda: self.query_one(f"#{focus}", Button).focus())

    def action_copy_secret(self) -> None:
        """Copy the secret to the clipboard (terminals with OSC 52 support)."""
        if self._secret is None:
            return
        self.app.copy_to_clipboard(self._secret)
        self._copied = True
        self.notify("Copied to the clipboard (if your terminal allows it).", timeout=3)

    @on(Button.Pressed, "#secret-copy")
    def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_copy_secret()

    @on(Button.Pressed, "#secret-done")
    def _done_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._close_secret(True)

    def action_cancel(self) -> None:
        """Esc: before the secret, cancel the form; with it, close (asking if not copied)."""
        if self._secret is None:
            super().action_cancel()
        elif self._copied:
            self._close_secret(True)
        else:
            self.app.push_screen(
                ConfirmModal(
                    self.UNCOPIED_TITLE,
                    Text(self.UNCOPIED_QUESTION),
                    yes="Close",
                    no=self.UNCOPIED_BACK,
                ),
                self._close_secret,
            )

    def _close_secret(self, close: bool | None) -> None:
        if not close or self._secret is None:
            return
        self._secret = None
        self.dismiss(self.revealed_result())
