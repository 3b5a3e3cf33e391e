"""Validation of what admins type: names, reasons, labels, metadata rows, dates.

Every function returns the cleaned value or raises ``ValueError`` (one field) /
:class:`~storeadmin.core.errors.InvalidRows` (metadata rows) with a message the
admin can act on. Control characters are refused at input time (reliability.md
§4 d), in addition to being neutralised at display time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

from storeadmin.core.errors import InvalidRows
from storeadmin.core.identifiers import parse_discord_id
from storeadmin.core.models import MetadataField

MAX_USERNAME = 64
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 1024
MAX_METADATA_FIELDS = 200
"""Fields one customer may keep. Real stores keep a handful (Discord and forum IDs, a
note); 200 is far beyond that and keeps the Metadata form, search's key list and each
audit entry small (10,000 keys froze the form for minutes and made 500 KB audit rows)."""
MAX_METADATA_TOTAL = 64 * 1024
"""Characters (keys plus values) one customer's metadata may hold in all."""
MAX_REASON = 500
MAX_LABEL = 100
MAX_ADMIN = 100
"""The audit columns (``actor``, ``updated_by``, …) hold 100 characters on every backend."""

DISCORD_ID_KEY = "DiscordID"
"""Metadata key whose value must be a Discord user ID (compared case-insensitively)."""

# C0 (incl. \t \n \r), DEL, C1, Arabic letter mark, LRM/RLM, line/paragraph
# separators, bidi embeddings/overrides/isolates and the BOM.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_METADATA_KEY = re.compile(r"[A-Za-z0-9_.-]+")
_UNDECODABLE = re.compile("[\ud800-\udfff]")
"""Lone surrogates: what Python makes of bytes that are not UTF-8 (``surrogateescape``)."""
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")
"""Letters that render as nothing (Hangul fillers, braille blank, Khmer invisible vowels)."""

NOT_UTF8 = "holds bytes that are not valid UTF-8 (check the terminal's encoding); retype it"


def has_control_chars(text: str) -> bool:
    """True if ``text`` holds a control character, line break or bidi control."""
    return _CONTROL.search(text) is not None


def has_undecodable(text: str) -> bool:
    """True if ``text`` holds a lone surrogate, i.e. came from bytes that are not UTF-8."""
    return _UNDECODABLE.search(text) is not None


def has_visible_chars(text: str) -> bool:
    """True if some character of ``text`` shows: not a space, format character (U+200B…)
    or filler letter (U+3164…)."""
    return any(
        ch not in _BLANK_LOOKING and unicodedata.category(ch) not in ("Zs", "Cf", "Cc", "Mn")
        for ch in text
    )


def _no_controls(text: str, what: str) -> None:
    """Refuse control characters and undecodable bytes in ``text``, naming the field."""
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text")
    if has_undecodable(text):
        raise ValueError(f"{what} {NOT_UTF8}")
    if has_control_chars(text):
        raise ValueError(f"{what} contains a line break or control character; remove it")


def validate_username(text: str) -> str:
    """A customer name: trimmed, 1–64 characters, no control characters."""
    _no_controls(text, "the name")
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("the name is empty")
    if not has_visible_chars(cleaned):
        raise ValueError("the name has no visible characters (only zero-width or filler ones)")
    if len(cleaned) > MAX_USERNAME:
        raise ValueError(f"the name is {len(cleaned)} characters; at most {MAX_USERNAME}")
    return cleaned


def validate_admin(text: str) -> str:
    """The acting admin's name recorded in audit rows: trimmed, 1–100 visible characters,
    no controls, bidi controls or undecodable bytes. The same on every backend."""
    _no_controls(text, "the admin name")
    cleaned = text.strip()
    if not cleaned or not has_visible_chars(cleaned):
        raise ValueError("the admin name is empty")
    if len(cleaned) > MAX_ADMIN:
        raise ValueError(f"the admin name is {len(cleaned)} characters; at most {MAX_ADMIN}")
    return cleaned


def validate_reason(text: str, *, required: bool = True) -> str:
    """A ban/revoke/cancel reason: trimmed, ≤ 500 characters, no control characters."""
    _no_controls(text, "the reason")
    cleaned = text.strip()
    if required and not cleaned:
        raise ValueError("a reason is required")
    if len(cleaned) > MAX_REASON:
        raise ValueError(f"the reason is {len(cleaned)} characters; at most {MAX_REASON}")
    return cleaned


def validate_label(text: str) -> str:
    """A token label: trimmed, ≤ 100 characters, no control characters; may be empty."""
    _no_controls(text, "the label")
    cleaned = text.strip()
    if len(cleaned) > MAX_LABEL:
        raise ValueError(f"the label is {len(cleaned)} characters; at most {MAX_LABEL}")
    return cleaned


def _row_problem(key: str, value: str, now: datetime | None) -> str | None:
    """What is wrong with one stripped, non-blank metadata row free of controls, if anything."""
    if not key:
        return "a value needs a key"
    if len(key) > MAX_METADATA_KEY:
        return f"the key is {len(key)} characters; at most {MAX_METADATA_KEY}"
    if not _METADATA_KEY.fullmatch(key):
        return "a key may only use letters A-Z, digits, '_', '.' and '-'"
    if len(value) > MAX_METADATA_VALUE:
        return f"the value is {len(value)} characters; at most {MAX_METADATA_VALUE}"
    if key.casefold() == DISCORD_ID_KEY.casefold():
        try:
            parse_discord_id(value, now=now)
        except ValueError as exc:
            return f"{DISCORD_ID_KEY}: {exc}"
    if not value:
        return "a key needs a value (clear the key too to remove the field)"
    return None


def _limit_problems(
    kept: Sequence[MetadataField],
    positions: Sequence[int],
    previous: Sequence[MetadataField],
) -> dict[int, str]:
    """The row (position in the form) where the map goes past a per-customer limit.

    A map already past a limit (written before there was one) may be saved as long as it
    does not grow on that measure, so it can be cleaned up a field at a time.
    """
    max_fields = max(MAX_METADATA_FIELDS, len(previous))
    max_total = max(MAX_METADATA_TOTAL, sum(len(f.key) + len(f.value) for f in previous))
    if len(kept) > max_fields:
        return {
            positions[max_fields]: (
                f"at most {MAX_METADATA_FIELDS} fields per customer: this would make "
                f"{len(kept)}; remove some"
            )
        }
    total = 0
    for field, position in zip(kept, positions, strict=True):
        total += len(field.key) + len(field.value)
        if total > max_total:
            whole = sum(len(f.key) + len(f.value) for f in kept)
            return {
                position: (
                    f"at most {MAX_METADATA_TOTAL:,} characters of metadata per customer: "
                    f"this would make {whole:,}; shorten or remove some"
                )
            }
    return {}


def validate_metadata(
    rows: Sequence[MetadataField],
    *,
    now: datetime | None = None,
    previous: Sequence[MetadataField] | None = None,
) -> tuple[MetadataField, ...]:
    """Clean the metadata form: drop blank rows, refuse bad ones (all reported at once).

    With ``previous`` (the stored map), the per-customer limits are checked too
    (``MAX_METADATA_FIELDS``, ``MAX_METADATA_TOTAL``; see :func:`_limit_problems`).

    Raises :class:`InvalidRows` mapping the position of each bad row in ``rows``
    (0-based) to its problem; messages name other rows 1-based, as shown.
    """
    problems: dict[int, str] = {}
    kept: list[MetadataField] = []
    positions: list[int] = []
    first_by_key: dict[str, int] = {}
    for index, row in enumerate(rows):
        # Controls are checked on the raw text: strip() would quietly eat a newline.
        if has_undecodable(row.key) or has_undecodable(row.value):
            problems[index] = f"the row {NOT_UTF8}"
            continue
        if has_control_chars(row.key):
            problems[index] = "the key contains a line break or control character"
            continue
        if has_control_chars(row.value):
            problems[index] = "the value contains a line break or control character"
            continue
        key, value = row.key.strip(), row.value.strip()
        if not key and not value:
            continue  # a cleared row means "remove this field"
        problem = _row_problem(key, value, now)
        if key and len(key) <= MAX_METADATA_KEY and _METADATA_KEY.fullmatch(key):
            # A well-formed key claims its name even if its value is bad, so the
            # later duplicate is reported now rather than after the first fix.
            folded = key.casefold()
            first = first_by_key.setdefault(folded, index)
            if first != index and problem is None:
                problem = f"duplicate key {key!r} (already used in row {first + 1})"
        if problem is not None:
            problems[index] = problem
        else:
            kept.append(MetadataField(key, value))
            positions.append(index)
    if not problems and previous is not None:
        problems = _limit_problems(kept, positions, previous)
    if problems:
        raise InvalidRows(problems, labels=_row_labels(rows, problems))
    return tuple(kept)


def _row_labels(rows: Sequence[MetadataField], problems: Mapping[int, str]) -> dict[int, str]:
    """How a message names each refused row: by its key when it has a printable one
    (``key 'Tier'``: the CLI's map has no row numbers), else left to ``row N``."""
    labels: dict[int, str] = {}
    for index in problems:
        key = rows[index].key.strip()
        if key and not has_control_chars(key) and not has_undecodable(key):
            shown = key if len(key) <= MAX_METADATA_KEY else key[: MAX_METADATA_KEY - 1] + "…"
            labels[index] = f"key {shown!r}"
    return labels


MAX_YEARS_AHEAD = 10
"""How far ahead a ban end, token expiry or item expiry may be. Beyond that an admin
means "no end" (leave the date out); far-future values such as 9999-12-31 also have no
local time east of UTC and broke every colleague's screen."""


def latest_allowed(now: datetime) -> datetime:
    """The furthest moment a date typed by an admin may name: ``MAX_YEARS_AHEAD`` from now."""
    return now + timedelta(days=365 * MAX_YEARS_AHEAD + MAX_YEARS_AHEAD // 4)


def too_far_message(now: datetime) -> str:
    """What to tell an admin whose date is beyond :func:`latest_allowed`."""
    limit = latest_allowed(now).astimezone(UTC)
    return (
        f"that is more than {MAX_YEARS_AHEAD} years ahead (latest {limit:%Y-%m-%d}); "
        "leave the date out for no end"
    )


def check_not_too_far(when: datetime, *, now: datetime) -> None:
    """Refuse (ValueError) a moment beyond :func:`latest_allowed`."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if when > latest_allowed(now):
        raise ValueError(too_far_message(now))


_WHEN_HINT = "use e.g. 7d, 12h, 2w, 90m, 1y, 2026-12-31 or 2026-12-31T18:00"
_RELATIVE = re.compile(
    r"([0-9]{1,6}) ?(m|mins?|minutes?|h|hours?|d|days?|w|weeks?|mo|months?|y|years?)",
    re.IGNORECASE,
)
_UNIT_DELTA = {
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "hour": timedelta(hours=1),
    "d": timedelta(days=1),
    "day": timedelta(days=1),
    "w": timedelta(weeks=1),
    "week": timedelta(weeks=1),
    "mo": timedelta(days=30),
    "month": timedelta(days=30),
    "y": timedelta(days=365),
    "year": timedelta(days=365),
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.+\-Z]+", re.IGNORECASE)


def _unit(word: str) -> timedelta:
    """The length of one unit named ``word`` (``days`` → 1 day)."""
    word = word.lower()
    if word.startswith("minute"):
        return _UNIT_DELTA["m"]
    if word in _UNIT_DELTA:
        return _UNIT_DELTA[word]
    return _UNIT_DELTA[word.rstrip("s")]


def parse_when(text: str, *, now: datetime) -> datetime:
    """A future moment (UTC) from ``7d``/``12h``/``2w``/``90m``/``1y``, an ISO date or datetime.

    An ISO date means the end of that day (23:59:59 UTC); an ISO datetime without
    an offset is taken as UTC. Refuses anything not after ``now``.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if not isinstance(text, str) or has_control_chars(text):
        raise ValueError(f"not a date or duration: {_WHEN_HINT}")
    cleaned = text.strip()
    if not cleaned or not cleaned.isascii():
        raise ValueError(f"not a date or duration: {_WHEN_HINT}")
    result: datetime
    relative = _RELATIVE.fullmatch(cleaned)
    try:
        if relative is not None:
            result = now + int(relative.group(1)) * _unit(relative.group(2))
        elif _ISO_DATE.fullmatch(cleaned):
            day = datetime.strptime(cleaned, "%Y-%m-%d").date()
            result = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
        elif _ISO_DATETIME.fullmatch(cleaned):
            parsed = datetime.fromisoformat(cleaned.upper().replace(" ", "T"))
            result = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
        else:
            raise ValueError(f"not a date or duration: {_WHEN_HINT}")
    except OverflowError:
        raise ValueError(too_far_message(now)) from None
    except ValueError as exc:
        if str(exc).startswith("not a date"):
            raise
        raise ValueError(f"not a valid date ({exc}): {_WHEN_HINT}") from None
    if result <= now:
        raise ValueError("that is in the past")
    check_not_too_far(result, now=now)
    return result.astimezone(UTC)
