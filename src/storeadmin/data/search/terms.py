"""Reading the search input: which ID lookups it asks for, and safe SQL search terms.

Pure functions, no database: ``#123`` means a customer (the app shows a customer as
``Name (#123)``, so that form opens that customer everywhere), ``c123`` too, ``order 123``
/ ``o123`` an order, ``sub 123`` / ``s123`` a subscription and bare digits any of them;
the links the app itself shows (a Steam or NameMC profile) and a Discord mention
(``<@123…>``) are read as the ID inside (``core.search_text.canonical_query``); names become a prefix range, an escaped LIKE
pattern or a quoted FTS5 string, so user input is never SQL or search syntax.
"""

from __future__ import annotations

import re

from storeadmin.core.identifiers import identifier_candidates
from storeadmin.core.models import MatchKind
from storeadmin.core.search_text import canonical_query

__all__ = [
    "canonical_query",
    "escape_like",
    "external_candidates",
    "fts_phrase",
    "looks_like_id",
    "parse_id_forms",
    "prefix_upper_bound",
]

_MAX_ID = 2**63 - 1
_ID_FORMS = (
    (
        re.compile(r"^[0-9]+$"),
        (MatchKind.CUSTOMER_ID, MatchKind.ORDER_ID, MatchKind.SUBSCRIPTION_ID),
    ),
    (re.compile(r"^(?:#|c|cust|customer)\s*#?\s*([0-9]+)$", re.I), (MatchKind.CUSTOMER_ID,)),
    (re.compile(r"^(?:o|order)\s*#?\s*([0-9]+)$", re.I), (MatchKind.ORDER_ID,)),
    (re.compile(r"^(?:s|sub|subscription)\s*#?\s*([0-9]+)$", re.I), (MatchKind.SUBSCRIPTION_ID,)),
)


def parse_id_forms(text: str) -> list[tuple[MatchKind, int]]:
    """The (kind, id) lookups that ``text`` asks for: ``123`` is any kind, ``#123`` a customer."""
    for pattern, kinds in _ID_FORMS:
        match = pattern.match(text)
        if match is None:
            continue
        digits = match.group(1) if match.groups() else match.group(0)
        number = int(digits)
        if number < 1 or number > _MAX_ID:
            return []
        return [(kind, number) for kind in kinds]
    return []


_ID_ONLY = re.compile(
    r"^(?:"
    r"[0-9]{16,20}"  # XUID (16), SteamID64 (17), Discord snowflake (17-20)
    r"|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # UUID
    r"|STEAM_[01]:[01]:[0-9]{1,10}|\[?U:1:[0-9]{1,10}\]?"  # SteamID2 / SteamID3
    r"|(?:https?://)?(?:www\.)?steamcommunity\.com/\S*"
    # Prefixed IDs, the word set apart ("order 12", "sub #3"): "order66" may be a name.
    r"|(?:#|(?:order|sub|subscription|cust|customer)(?:\s+#?|\s*#)\s*)[0-9]+"
    r")$",
    re.I,
)


def looks_like_id(text: str) -> bool:
    """Whether ``text`` can only be an ID, never a name someone would type.

    Bare short digits, one-letter prefixes (``c12``, ``o12``) and glued words
    (``order66``) stay ambiguous: such usernames exist, so those inputs search names.
    """
    return _ID_ONLY.match(text) is not None


def external_candidates(text: str) -> list[str]:
    """Every canonical external ID ``text`` could be, plus the text itself."""
    values: list[str] = []
    try:
        values = [value for _platform, value in identifier_candidates(text)]
    except (NotImplementedError, ValueError):
        # The parser is optional for search: no candidates just means no ID match.
        values = []
    values.append(text)
    return [v for v in dict.fromkeys(values) if 0 < len(v) <= 100]


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (code point order)."""
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        if last < 0x10FFFF:
            nxt = last + 1
            if 0xD800 <= nxt <= 0xDFFF:  # surrogates cannot be stored as UTF-8
                nxt = 0xE000
            return "".join(chars) + chr(nxt)
    return None


def escape_like(text: str) -> str:
    """``text`` with LIKE wildcards escaped for ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(text: str) -> str:
    """``text`` as one quoted FTS5 string (double quotes doubled), taken literally."""
    return '"' + text.replace('"', '""') + '"'
