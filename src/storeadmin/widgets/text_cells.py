"""One-line ``Text`` cells rendered the way a DataTable renders them, without its layers.

A DataTable renders each cell as ``Styled(Padding(cell))`` through
``console.render_lines`` twice nested: generic Rich machinery that costs ~60 µs a cell,
and a search page's frame draws ~300 of them (the largest part of a keystroke's UI
time). For a ``Text`` in a one-line row the same segments come from wrapping the text
once, padding the line and applying the two styles; ``tests/ui/test_text_cells.py``
holds this to segment-for-segment equality with the DataTable's own rendering.

Most cells are simpler still: one style, no spans, no tab, and narrower than the column
(the table fits its columns to them). Their segments are known without wrapping
(``_simple_body``): the text, then the spaces that fill the column, in the order Rich's
justification puts them.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, JustifyMethod, OverflowMethod
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

DEFAULT_JUSTIFY: JustifyMethod = "default"
DEFAULT_OVERFLOW: OverflowMethod = "fold"
"""Rich's defaults (``rich.text``) when neither the text nor the options say."""


def render_text_line(
    console: Console,
    text: Text,
    width: int,
    padding: int,
    pre_style: Style,
    post_style: Style,
) -> list[Segment] | None:
    """The segments of ``text`` as a one-line cell ``width`` wide, ``padding`` spaces on
    each side, under ``pre_style`` and ``post_style``; None when the cell is too narrow
    for its padding (the caller renders it the general way)."""
    inner = width - 2 * padding
    if inner < 1:
        return None
    body = _simple_body(console, text, inner)
    if body is None:
        body = _wrapped_body(console, text, inner)
    space = Segment(" " * padding) if padding else None
    line = [space, *body, space] if space is not None else body
    return list(Segment.apply_style(line, pre_style, post_style))


def _simple_body(console: Console, text: Text, inner: int) -> list[Segment] | None:
    """The body of a one-style, span-free, tab-free line that fits in ``inner`` cells, as
    ``_wrapped_body`` makes it; None for any other text."""
    plain = text.plain
    if text.spans or "\t" in plain or "\n" in plain:
        return None
    justify = text.justify or DEFAULT_JUSTIFY
    if justify == "right":
        plain = plain.rstrip()
    elif justify not in ("default", "left"):
        return None
    fill = inner - cell_len(plain)
    if fill < 0:
        return None
    style = console.get_style(text.style) if text.style else Style.null()
    if justify == "right":
        return [Segment(" " * fill + plain, style)]
    if justify == "left":
        return [Segment(plain + " " * fill, style)]
    if not plain:
        style = Style.null()  # a style over no characters is no span: Rich drops it
    return [Segment(plain, style), Segment(" " * fill)] if fill else [Segment(plain, style)]


def _wrapped_body(console: Console, text: Text, inner: int) -> list[Segment]:
    """The body of any one-line cell: wrapped, justified and padded the way Rich does."""
    tab_size = console.tab_size if text.tab_size is None else text.tab_size
    lines = text.wrap(
        console,
        inner,
        justify=text.justify or DEFAULT_JUSTIFY,
        overflow=text.overflow or DEFAULT_OVERFLOW,
        tab_size=tab_size or 8,
        no_wrap=True,
    )
    # Joined as Text.__rich_console__ joins its lines: that turns a line's own style
    # (``plain(..., style="dim")``) into a span, which is how it gets rendered.
    first = Text("\n").join(lines[:1])
    return Segment.adjust_line_length(list(first.render(console, end="")), inner, pad=True)
