"""IDs and versions at the SQL boundary.

The protocol's IDs and versions are opaque strings; the SQL store's are BIGINTs. An
incoming ID that is not one (a hosted store's flake beyond range, garbage) is simply
not found, so it never reaches SQL as a type error. Ints are accepted too, for callers
still passing them.
"""

from __future__ import annotations

from collections.abc import Iterable

from storeadmin.core.errors import Conflict, NotFound

BIGINT_MAX = 2**63 - 1
_SHOWN = 24
"""How much of a bad ID an error message repeats."""


def shown(value: object) -> str:
    """A display-safe, cut-short form of an ID for an error message."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def parse_int(value: object) -> int | None:
    """The BIGINT a value names (ASCII decimal digits in range), else None."""
    text = str(value)
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= BIGINT_MAX else None


def sql_id(value: str | int, what: str) -> int:
    """The integer key of an incoming ID, or ``NotFound("no {what} with ID …")``."""
    number = parse_int(value)
    if number is None:
        raise NotFound(f"no {what} with ID {shown(value)}")
    return number


def sql_ids(values: Iterable[str | int], what: str) -> list[int]:
    """``sql_id`` of each value, in order."""
    return [sql_id(value, what) for value in values]


def sql_version(value: str | int) -> int:
    """The version counter an ``expected_version`` names; Conflict when it is not one."""
    number = parse_int(value)
    if number is None:
        raise Conflict(
            f"the version {shown(value)!r} is not one this store issued — reload and try again"
        )
    return number


def out_id(value: int | None) -> str | None:
    """An ID as the protocol hands it out (None stays None)."""
    return None if value is None else str(value)


def out_ids(values: Iterable[int] | None) -> tuple[str, ...]:
    """A tuple of IDs as the protocol hands them out."""
    return tuple(str(value) for value in values or ())
