"""Declarative key tables: one per screen, the source of its bindings, palette and help.

A :class:`KeyTable` lists the screen's :class:`Key` entries (what is bound, on which
node, how the footer names it, what the palette offers) and its :class:`HelpRow`
lines (how the help screen explains them, which may group several keys on one row).
``BINDINGS``, the palette providers and ``?`` are all built from the tables in
:mod:`storeadmin.screens.key_tables`; ``tests/ui/test_key_tables.py`` fails when a
screen's bindings, palette or help disagree with its table.

This module imports nothing from storeadmin: widgets may use it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.binding import Binding, BindingType

_KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "question_mark": "?",
    "slash": "/",
    "up": "Up",
    "down": "Down",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
}


def key_display(key: str) -> str:
    """How the help names one Textual key: ``ctrl+n`` → ``Ctrl+N``, ``escape`` → ``Esc``."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key.removeprefix("ctrl+").upper()
    if len(key) == 2 and key[0] == "f" and key[1].isdigit():
        return key.upper()
    return key


@dataclass(frozen=True)
class PaletteEntry:
    """One command palette entry: ``title`` runs ``action`` on the screen."""

    title: str
    action: str
    help: str
    name_key: bool = True
    """Append the key to the help (``… (e)``), so the palette teaches the key."""


@dataclass(frozen=True)
class Key:
    """One key of a screen: its binding, and what the palette offers for it."""

    name: str
    """Unique in its table; help rows refer to keys by it."""
    keys: str
    """Textual key spec (``"escape,n"``)."""
    action: str
    """The action the binding runs."""
    label: str = ""
    """The footer's word for it."""
    tooltip: str = ""
    """The footer tooltip: what it does, in a few words."""
    where: str = "screen"
    """The node the binding belongs to: ``screen`` or a widget / dialog class name."""
    show: bool = True
    """Shown in the footer."""
    priority: bool = False
    binding_id: str | None = None
    """Remappable id (``App.set_keymap``)."""
    group: Binding.Group | None = None
    bound: bool = True
    """False for a key Textual or a generic widget binds itself (documented here only)."""
    palette: tuple[PaletteEntry, ...] = ()
    """Palette entries for the same action (the key is named in their help)."""
    in_help: bool = True
    """False for a key another table's help row already explains (a dialog's Esc)."""

    def binding(self) -> Binding:
        """The Textual binding."""
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.show,
            priority=self.priority,
            tooltip=self.tooltip,
            id=self.binding_id,
            group=self.group,
        )

    @property
    def first_key(self) -> str:
        """The first key of the spec, as the help names it."""
        return key_display(self.keys.split(",")[0])


@dataclass(frozen=True)
class HelpRow:
    """One row of the help screen: the keys it explains, then the explanation."""

    refs: tuple[str, ...]
    """Names of the keys explained (checked against the table)."""
    text: tuple[str, ...]
    """The explanation; further lines are continuation rows with an empty key cell."""
    keys: str | None = None
    """The key cell when it is not the refs' keys joined by ``sep`` (e.g. ``type``)."""
    note: str = ""
    """Appended to the key cell: ``(in search)``."""
    sep: str = "  "

    def key_text(self, table: KeyTable) -> str:
        """The key cell, derived from the referenced keys unless given."""
        if self.keys is not None:
            text = self.keys
        else:
            text = self.sep.join(table[name].first_key for name in self.refs)
        return f"{text} {self.note}" if self.note else text

    def lines(self, table: KeyTable) -> list[tuple[str, str]]:
        """(key cell, text) pairs: the first line, then continuations."""
        first, *more = self.text
        return [(self.key_text(table), first), *(("", line) for line in more)]


@dataclass(frozen=True)
class KeyTable:
    """The keys of one screen (and the widgets on it), and how the help explains them."""

    title: str
    """The help section's title."""
    keys: tuple[Key, ...]
    help: tuple[HelpRow, ...] = field(default=())
    palette_order: tuple[str, ...] = ()
    """Names of the keys with palette entries, in palette order (default: table order).

    The footer follows the table's order; the palette groups by task instead.
    """

    def __getitem__(self, name: str) -> Key:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)

    def bindings(self, where: str = "screen") -> list[BindingType]:
        """``BINDINGS`` of the node ``where``, in table order."""
        return [key.binding() for key in self.keys if key.where == where and key.bound]

    def palette(self) -> tuple[PaletteEntry, ...]:
        """Every palette entry, in ``palette_order`` (or table order)."""
        keys = [self[name] for name in self.palette_order] if self.palette_order else self.keys
        return tuple(
            PaletteEntry(entry.title, entry.action, f"{entry.help} ({key.keys})", name_key=False)
            if entry.name_key
            else entry
            for key in keys
            for entry in key.palette
        )

    def help_lines(self) -> list[tuple[str, str]]:
        """The help section's (key, text) rows."""
        return [line for row in self.help for line in row.lines(self)]
