"""The screens' Header and Footer: variants that do not leak, and a footer that fits.

Textual's Header watches ``app.title`` and each FooterKey binds ``compact`` to its
Footer; those watchers outlive the widgets, so every visited screen stayed in memory
(Textual issue #6666). ``ScreenHeader`` and ``RecomposingFooter`` are drop-in
replacements; their leak fixes can go once Textual fixes the issue. ``ScreenFooter``
(the base of ``RecomposingFooter``) turns compact on an 80-column terminal.
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from textual.dom import NoScreen
from textual.events import Mount, Resize
from textual.widget import Widget
from textual.widgets import Footer, Header
from textual.widgets._header import HeaderTitle


class ScreenHeader(Header):
    """A Header that watches only its own screen's title and sub-title, not the app's.

    Textual's Header also watches ``app.title`` / ``app.sub_title``; the app keeps such
    watchers until the value changes (Textual issue #6666), so every closed details
    screen stayed alive through its Header. The app's title is still shown (the
    screen's title falls back to it) as it was when the screen opened.
    """

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # Header._on_mount would watch the app
        Widget._on_mount(self, event)

        def set_title() -> None:
            with suppress(NoScreen):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)


class ScreenFooter(Footer):
    """A Footer that turns compact (one space between keys) on a terminal of
    ``COMPACT_FROM`` to ``COMPACT_BELOW`` columns, so ``f1 Help`` still fits at 80 beside a
    tab's own keys. Narrower, the keys overflow even when compact, and the compact
    footer's palette key leaves the last column to a letter of the overflowing keys: there
    the spacious footer cuts them cleanly."""

    COMPACT_FROM: ClassVar[int] = 70
    COMPACT_BELOW: ClassVar[int] = 100

    DEFAULT_CSS = """
    ScreenFooter.-compact FooterLabel {
        margin: 0 1 0 0;  /* a group's label ("Tabs") apart from the next key */
    }
    """

    def on_resize(self, event: Resize) -> None:
        """Compact at 70–99 columns; the spacious look otherwise."""
        self.compact = self.COMPACT_FROM <= event.size.width < self.COMPACT_BELOW


class RecomposingFooter(ScreenFooter):
    """A Footer that lets go of the keys it replaced when it recomposes.

    Each FooterKey binds ``compact`` to the Footer, and the Footer keeps that watcher
    until ``compact`` changes (Textual issue #6666). This screen lives as long as the
    app and its Footer recomposes on every return from a customer, so each visit left
    ~10 dead FooterKeys behind. Drop the watchers of detached keys after recomposing.
    """

    async def recompose(self) -> None:
        """Recompose, then forget the watchers of the keys just removed."""
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [
                (node, callback)
                for node, callback in watchers
                if node is self or (getattr(node, "is_attached", False) and not node._closing)
            ]
