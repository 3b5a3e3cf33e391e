"""Stop Textual keeping every removed widget's drawn lines alive (Textual issue #6665).

Textual 8.2.8's ``StylesCache.get_inner_outer`` is an instance method under
``functools.lru_cache(1024)``: ``self`` is part of every key, so the cache holds up to
1,024 ``StylesCache`` objects, and with each one the ``Strip``s its widget last drew
(with seven small caches per Strip), long after the widget is gone. Opening and leaving
a customer ten times kept ~7,700 lines and ~25 MB that way.

The colours are the whole input of the method, so one cache keyed on them alone gives
the same styles and holds no widget. ``install()`` swaps it in, once, before the first
widget draws; a test fails when Textual fixes the bug and this module can go.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style

TEXTUAL_GET_INNER_OUTER = StylesCache.__dict__["get_inner_outer"]
"""Textual's own method, kept for the test that notices when Textual fixes it."""


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """Inner and outer background styles, as Textual's own method builds them."""
    return (
        Style(background=base_background + background),
        Style(background=base_background),
    )


def install() -> None:
    """Make ``StylesCache.get_inner_outer`` cache by colours only (idempotent)."""
    StylesCache.get_inner_outer = staticmethod(_inner_outer)  # type: ignore[method-assign,assignment]
