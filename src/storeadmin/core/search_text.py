"""What a search input and a customer name are compared as, for every store.

* :func:`search_key` folds a name so that case, accents and separators do not matter
  (``Müller`` = ``muller``, ``Vorta_rust`` = ``vorta rust`` = ``vortarust``). Stores keep
  it beside the name (the SQL store's ``customers.search_key``) and fold the input the
  same way, so a prefix or substring of the key is a prefix or substring search.
* :func:`canonical_query` reads what a pasted link or mention stands for.
* :func:`rank_near` orders *near matches* (a typo): candidates come from each store's
  trigram index; rapidfuzz scores them here, so every store ranks and cuts alike.

rapidfuzz: maintained, MIT, C++ with wheels for every platform, already a dependency
(the assign dialog's product matching), and ~1 µs per comparison, so ranking a few
hundred candidates costs well under a millisecond. It is imported on the first near
match: its 40 modules hold ~3.5 MB that a session finding every name never needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

SEARCH_KEY_LENGTH = 200
"""Longest key kept (the column's width)."""

NEAR_MIN_CHARS = 3
"""Shorter inputs get no near matches (a trigram needs 3 characters; 2 letters are
close to almost everything)."""

NEAR_MIN_SCORE = 75.0
"""Lowest rapidfuzz ``WRatio`` (0–100) of a near match: one typo in a 5-letter name
scores 80, an unrelated name of common syllables 50–70."""

# Letters that are not a base letter plus an accent in Unicode, so NFKD leaves them.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cc", "Cf", "Cs", "Co", "Cn", "Pc", "Pd"})
"""Accents and other combining marks, controls, invisible format characters, and the
separators inside names: underscores (connector punctuation) and dashes."""
_SEPARATORS = frozenset(".·'’")
"""Other punctuation that only separates (``Mr.Bean``, ``O'Neil``); the rest (``%``,
``"``, ``[``…) stays part of the key, so such names are found by what was typed."""


def search_key(text: str) -> str:
    """``text`` casefolded, without accents, spaces, separators or invisible characters.

    Letters, digits, symbols (``★``) and other punctuation stay; a name made only of
    separators (``___``) keeps its casefolded form, so it can still be found. Idempotent.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch
        for ch in decomposed
        if (category := unicodedata.category(ch)) not in _DROPPED_CATEGORIES
        and category[0] != "Z"
        and ch not in _SEPARATORS
    )
    key = unicodedata.normalize("NFC", kept).translate(_LETTERS)
    if not key:
        key = "".join(ch for ch in text.casefold() if ch.isprintable() and not ch.isspace())
    return key[:SEARCH_KEY_LENGTH]


_NAMEMC = re.compile(
    r"^(?:https?://)?(?:[a-z]{2}\.|www\.)?namemc\.com/profile/"
    r"([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})(?:\.[0-9]+)?/?$",
    re.I,
)
_DISCORD_MENTION = re.compile(r"^<@!?([0-9]{15,20})>$")


def canonical_query(text: str) -> str:
    """What a pasted link or mention stands for: a NameMC profile link (the link the app
    shows for a Minecraft customer) is its UUID, a Discord mention ``<@id>`` / ``<@!id>``
    its ID (looked up as a metadata value); any other input is returned as it is (Steam
    profile links are read by the ID parser)."""
    for pattern in (_NAMEMC, _DISCORD_MENTION):
        match = pattern.match(text)
        if match is not None:
            return match.group(1)
    return text


def wants_near_matches(key: str) -> bool:
    """Whether a search key that found nothing should be answered with near matches:
    3 characters or more, and not only digits (an ID that matched nothing is no name)."""
    return len(key) >= NEAR_MIN_CHARS and not key.isdigit()


T = TypeVar("T")


def near_score(key: str, candidate_key: str) -> float:
    """How close ``candidate_key`` is to the input ``key`` (rapidfuzz ``WRatio``, 0–100)."""
    from rapidfuzz import fuzz

    return float(fuzz.WRatio(key, candidate_key, processor=None))


def rank_near(key: str, candidates: Iterable[tuple[T, str]]) -> list[T]:
    """The candidates (item, search key) that are near ``key``, closest first.

    Ties go to the shorter key, then to the earlier candidate (stores pass them by id),
    so every store orders the same set the same way.
    """
    from rapidfuzz import fuzz

    scored: list[tuple[float, int, int, T]] = []
    for position, (item, candidate_key) in enumerate(candidates):
        score = fuzz.WRatio(key, candidate_key, processor=None, score_cutoff=NEAR_MIN_SCORE)
        if score:
            scored.append((-score, len(candidate_key), position, item))
    scored.sort(key=lambda entry: entry[:3])
    return [item for *_rank, item in scored]
