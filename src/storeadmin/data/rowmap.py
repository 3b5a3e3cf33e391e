"""Reading the values of a result row by position, for the hot row mappers.

A SQLAlchemy ``Row``'s attribute access costs ~0.7 µs per field (a name lookup each
time); a row of 14 columns then costs more to read than to build its object from.
``picker`` resolves the names to positions once, so a mapper takes all its values in
one C call (``itemgetter`` over the row's tuple).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any


def picker(columns: Sequence[Any], names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """``row → (values of names…)`` for rows of a ``select(*columns)``.

    ``columns`` are the selected columns (their ``key``: the column name, or the label);
    ``names`` the ones wanted, in the order wanted. An unknown name raises KeyError here,
    when the picker is made, not when a row is read.
    """
    position = {column.key: index for index, column in enumerate(columns)}
    getter = itemgetter(*(position[name] for name in names))
    if len(names) == 1:
        return lambda row: (getter(tuple(row)),)
    return lambda row: getter(tuple(row))
