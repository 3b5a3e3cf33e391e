"""Turn values from the store into safe, plain Rich ``Text`` for widgets.

Nothing from data is ever parsed as markup: names such as ``[@click=app.quit]x[/]``
show literally, and control or escape characters become visible placeholders.
"""

from __future__ import annotations

from rich.text import Text

from storeadmin.core.text import display_safe


def plain(value: object, *, style: str = "", max_length: int | None = None) -> Text:
    """A Text cell that shows ``value`` literally and safely."""
    return Text(display_safe(str(value), max_length=max_length), style=style, no_wrap=True)


def badge(label: str, style: str) -> Text:
    """A short coloured label such as BANNED (our own text, not data)."""
    return Text(f" {label} ", style=style)


def joined(*parts: Text, separator: str = " ") -> Text:
    """Parts side by side."""
    return Text(separator).join(part for part in parts if part.plain)
