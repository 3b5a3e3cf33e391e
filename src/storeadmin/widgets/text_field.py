"""Text fields whose editing keys keep their place among typed characters.

Textual inserts a printable key in the focused Input at once, but a bound editing key
(Backspace, Ctrl+U, Ctrl+W, Delete, arrows…) travels up to the App and back before its
action runs; the characters behind it in the same burst — fast typing over SSH, where a
read delivers several keys — are inserted first. ``Whalw`` Backspace ``e`` became
``Whale`` minus its last letter: ``Whal``. (Textual issue #6605; its fix, PR #6631, is
not released.) A :class:`TextField` runs its own non-priority bindings where the key
arrives, as the App would have, so a burst edits as if typed slowly. Priority bindings
were already tried before the key reached the field.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

EDITING_ACTIONS = frozenset(
    binding.action for binding in Input.BINDINGS if isinstance(binding, Binding)
) - {"submit"}
"""The actions run where their key arrives: Input's own editing and cursor keys. Keys a
subclass binds (Down to the results) and Enter's submit still go through the App, which
routes them by the focus of the moment: an earlier key of the burst may have moved it."""


class TextField(Input):
    """An ``Input`` that runs its own editing keys in the order they were typed."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable and await self._run_own_binding(event):
            return
        await super()._on_key(event)

    async def _run_own_binding(self, event: events.Key) -> bool:
        """Run this field's binding of ``event``'s key now; False when it has none."""
        if self.screen.focused is not self:  # an earlier key of the burst moved the focus
            return False
        for key in event.aliases:
            for binding in self._bindings.key_to_bindings.get(key, ()):
                if binding.priority or binding.action not in EDITING_ACTIONS:
                    continue
                if await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    self._restart_blink()
                    return True
        return False
