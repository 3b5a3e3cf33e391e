"""Which columns a table shows at its width, and how wide each is.

A table declares its columns as :class:`ColumnSpec`: a priority (1 = what identifies
and decides: always shown), how far the column may shrink, and how far its content
may widen it. :func:`fit_columns` picks the columns, in priority order, that fit at
their smallest, then gives each its natural width and shrinks the ones with the most
room to spare until the row fits. What a narrow terminal leaves out is one key away
in the row's detail view.

Pure functions over numbers and Rich ``Text``: no widget here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text

CELL_PADDING = 1
"""The DataTable's padding on each side of a cell."""

Overflow = Literal["ellipsis", "crop"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its label, key, priority and how it may be sized."""

    label: str
    key: str = ""
    """Column key (defaults to the label, lower-cased)."""
    priority: int = 1
    """1: always shown; higher numbers go first when the table is narrow."""
    min_width: int | None = None
    """Narrowest it may be cut to (None: never cut below its content)."""
    max_width: int | None = None
    """Widest its content may make it (longer cells are cut)."""
    overflow: Overflow = "ellipsis"
    """How a cut cell ends: ``Whale…`` or, for ``2026-11-25 12:00`` cut at 10, the date."""
    short_label: str = ""
    """The label when the column is cut narrower than its label."""

    @property
    def column_key(self) -> str:
        """The key the table uses for this column."""
        return self.key or self.label.lower()

    def label_at(self, width: int) -> str:
        """The label that fits ``width`` (the short one when the full one does not)."""
        if self.short_label and Text(self.label).cell_len > width:
            return self.short_label
        return self.label


def date_column(
    label: str, *, priority: int = 1, key: str = "", short_label: str = ""
) -> ColumnSpec:
    """A ``YYYY-MM-DD HH:MM`` column: when space is short it shows just the date."""
    return ColumnSpec(
        label,
        key=key,
        priority=priority,
        min_width=10,
        overflow="crop",
        short_label=short_label,
    )


def cell_width(cell: Text | str) -> int:
    """Terminal cells taken by ``cell``."""
    return cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len


def natural_width(spec: ColumnSpec, content: int) -> int:
    """The width a column wants: its label or widest cell, capped at ``max_width``."""
    width = max(Text(spec.label).cell_len, content)
    return width if spec.max_width is None else min(width, max(spec.max_width, 1))


def fit_columns(
    specs: Sequence[ColumnSpec], content: Sequence[int], available: int | None
) -> list[tuple[int, int]]:
    """(column index, width) of the columns shown in ``available`` cells, in spec order.

    ``content`` is each column's widest cell. With no ``available`` width (the table is
    not laid out yet) every column is shown at its natural width.
    """
    natural = [natural_width(spec, width) for spec, width in zip(specs, content, strict=True)]
    smallest = [
        width if spec.min_width is None else min(width, spec.min_width)
        for spec, width in zip(specs, natural, strict=True)
    ]
    if available is None or available <= 0:
        return list(enumerate(natural))
    # A lesser column is let in only while a cut name keeps twice its smallest width.
    basis = [
        min(width, 2 * spec.min_width)
        if spec.min_width is not None and spec.overflow == "ellipsis"
        else least
        for spec, width, least in zip(specs, natural, smallest, strict=True)
    ]
    pad = 2 * CELL_PADDING
    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(specs)), key=lambda i: (specs[i].priority, i)):
        cost = basis[index] + pad
        if specs[index].priority <= 1 or used + cost <= available:
            chosen.add(index)
            used += cost
    shown = sorted(chosen)
    widths = {index: natural[index] for index in shown}
    excess = sum(widths.values()) + pad * len(shown) - available
    while excess > 0:
        # Cut the column with the most to spare, one cell at a time (ties: the rightmost).
        slack, index = max((widths[i] - smallest[i], i) for i in shown)
        if slack <= 0:
            break  # even the essential columns do not fit: the table scrolls
        widths[index] -= 1
        excess -= 1
    # A cropped column cut part-way (``2026-11-25 1``) is cut to its smallest (the date);
    # the cells it frees go back to cut columns, left to right.
    spare = 0
    for index in shown:
        if specs[index].overflow == "crop" and smallest[index] < widths[index] < natural[index]:
            spare += widths[index] - smallest[index]
            widths[index] = smallest[index]
    for index in shown:
        grow = min(spare, natural[index] - widths[index])
        if grow > 0 and specs[index].overflow != "crop":
            widths[index] += grow
            spare -= grow
    return [(index, widths[index]) for index in shown]


def fitted_cell(cell: Text | str, spec: ColumnSpec) -> Text:
    """``cell`` as a one-line Text that ends the way its column says when cut."""
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    text.no_wrap = True
    text.overflow = spec.overflow
    return text
