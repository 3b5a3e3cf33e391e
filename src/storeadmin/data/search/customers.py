"""Customer search: dispatch on the shape of the input, every branch an index lookup.

Results come in phases, each with its own total order and excluding what earlier
phases returned, so keyset paging across phases never repeats or skips a row:

1. ``exact`` — customer ID, any accepted form of an external ID, order ID and
   subscription ID (``c123``, ``#123`` / ``o123`` / ``order 123``, ``s123`` / ``sub 123``
   narrow plain digits to one kind). A handful of rows, ordered by (kind, customer id).
2. ``meta`` — a metadata value equal to the input under any key (a Discord ID),
   by customer id, through ``ix_customer_metadata_key_value`` (one seek per key).
3. ``prefix`` — ``search_key`` (the username without case, accents or separators:
   ``core.search_text.search_key``, applied to the input too) in ``[p, p_next)``, by
   (search_key, id), through ``ix_customers_search_key``.
4. ``substring`` — only for 3 characters or more: SQLite's FTS5 trigram table
   ``customers_fts``; PostgreSQL id windows and the pg_trgm GIN index, each step the
   cheapest by measured costs (``search.substring_pg``); by id, prefix matches excluded.
5. ``near`` — only when every phase before found nothing (a typo), for 3 characters or
   more that are not all digits: candidates from the trigram index, bounded (SQLite:
   the input's rarest trigrams up to ``NEAR_POSTINGS`` index entries, the ``NEAR_POOL``
   customers sharing the most; PostgreSQL: pg_trgm word similarity of at least
   ``NEAR_WORD_SIMILARITY`` through the GIN index, the ``NEAR_POOL`` most similar), then ranked and cut by rapidfuzz
   (``core.search_text.rank_near``), closest first, labelled ``MatchKind.NAME_NEAR``.

An input that can only be an ID (``search_terms.looks_like_id``: a SteamID64, a UUID,
a snowflake, ``#123``…) that the exact or metadata phase matched skips the name phases.
A first page looks up the exact and metadata matches in one prepared statement
(``search.by_id``, with their figures): for an ID that matched, that is the whole page.
An empty input lists the newest customers (by id, descending: ids grow with time and
the primary key serves the order, where ``first_seen`` has no index). Net spent and
"active subscriber" come afterwards, for the rows of the page only, in one statement.

Cost: each phase is one statement that returns customer rows; the statements are built
once per shape with ``bindparam()`` (SQLAlchemy's compiled cache then serves them) and
the distinct metadata keys are cached by the service (``MetadataKeys``). Every value
reaches SQL as a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storeadmin.core.errors import Invalid
from storeadmin.core.models import CustomerSummary, MatchKind, Page
from storeadmin.core.search_text import rank_near, search_key, wants_near_matches
from storeadmin.data.base import Reader, connection_of
from storeadmin.data.dialect import is_sqlite
from storeadmin.data.paging import decode_cursor, int_key
from storeadmin.data.search.by_id import IdMatches
from storeadmin.data.search.id_search import (
    KIND_OF_RANK,
    MAX_VALUE_CHARS,
    exact_of,
    find_ids,
    page_of_ids,
)
from storeadmin.data.search.metadata_keys import MetadataKeys
from storeadmin.data.search.results import CURSOR_KIND, Hit, page_of
from storeadmin.data.search.sql import (
    MAX_METADATA_KEYS,
    exact_sql,
    meta_sql,
    metadata_keys,
    near_sqlite_sql,
    near_threshold_sql,
    near_trigram_sql,
    newest_sql,
    prefix_sql,
    substring_sqlite_sql,
    trigram_counts_sql,
)
from storeadmin.data.search.substring_pg import substring_rows
from storeadmin.data.search.terms import (
    canonical_query,
    escape_like,
    external_candidates,
    fts_phrase,
    looks_like_id,
    parse_id_forms,
    prefix_upper_bound,
)

SUBSTRING_MIN_CHARS = 3
"""Below this, substring search would scan (a trigram index needs 3 characters)."""

MAX_EXCLUDED_IDS = 500
"""Up to this many earlier matches are left out of the name phases as a list of ids."""

SUBSTRING_WINDOW = 4_000
"""PostgreSQL substring search first filters this many customers in id order, to
measure how common the fragment is (``search.substring_pg``)."""

MAX_WINDOW = 64_000
"""PostgreSQL: the most customers one id window of the substring walk reads."""

NEAR_POOL = 200
"""Near-match candidates read from the index and ranked by rapidfuzz."""

NEAR_POSTINGS = 10_000
"""SQLite: trigram index entries read for near-match candidates, at most (per trigram,
and in total but for the rarest): ~4 ms p50 at 100k customers, whatever the store size."""

NEAR_WORD_SIMILARITY = 0.5
"""PostgreSQL: the lowest pg_trgm word similarity of a near-match candidate."""

NEAR_MAX_TRIGRAMS = 24
"""The input's first trigrams looked at for near matches (a longer input is no typo)."""

_NAME_PHASES = ("prefix", "substring", "near")

# ------------------------------------------------------------------ phases


@dataclass(slots=True)
class _Search:
    """What every phase needs: the input, its folded form and the earlier phases' matches."""

    session: Reader
    text: str
    key: str
    keys_cache: MetadataKeys | None
    exact: list[tuple[int, int, MatchKind, Any]] = field(default_factory=list)
    """(rank, customer id, kind, row) of the exact matches, sorted."""
    meta_keys: list[str] | None = None
    _meta_rows: list[Any] | None = None

    def meta_matches(self) -> list[Any]:
        """Rows of the customers whose metadata matched (read once per search)."""
        if self._meta_rows is None:
            self._meta_rows = _meta_rows(self)
        return self._meta_rows

    @property
    def exact_ids(self) -> list[int]:
        """Customer ids of the exact phase."""
        return [cid for _, cid, _, _ in self.exact]

    def searchable_keys(self) -> list[str]:
        """Metadata keys to look the input up under; empty when no value can match."""
        if len(self.text) > MAX_VALUE_CHARS:
            return []
        if self.meta_keys is None:
            cache_ = self.keys_cache
            self.meta_keys = cache_.get(self.session) if cache_ else metadata_keys(self.session)
        return self.meta_keys

    def exclusion(self) -> tuple[str, dict[str, Any]]:
        """How the name phases leave out the exact and metadata matches, and the parameters.

        Metadata matches are found once, as ids, so the name statements carry a short
        ``NOT IN`` list instead of a correlated metadata lookup per row.
        """
        meta_ids = [int(row.id) for row in self.meta_matches()]
        ids = list(dict.fromkeys([*self.exact_ids, *meta_ids]))
        if len(meta_ids) > MAX_EXCLUDED_IDS:
            return "meta", {"excluded_ids": self.exact_ids or [0], "text": self.text}
        if ids:
            return "ids", {"excluded_ids": ids}
        return "none", {}


def _meta_rows(search: _Search) -> list[Any]:
    """Customers with a metadata value equal to the input, by id, exact matches left out
    (at most one more than ``MAX_EXCLUDED_IDS``: read once, for both the metadata phase
    and the name phases' exclusion)."""
    keys = search.searchable_keys()
    if not keys:
        return []
    params: dict[str, Any] = {"text": search.text, "after_id": 0, "want": MAX_EXCLUDED_IDS + 1}
    meta = "any"
    if len(keys) <= MAX_METADATA_KEYS:
        meta, params["keys"] = "keyed", keys
    if search.exact:
        params["exact_ids"] = search.exact_ids
    return list(search.session.execute(meta_sql(meta, bool(search.exact)), params))


def _find_exact(search: _Search) -> list[tuple[int, int, MatchKind, Any]]:
    """Every exact match with its row, in one round trip."""
    forms = parse_id_forms(search.text)
    kinds = tuple(kind for kind, _ in forms)
    params: dict[str, Any] = {"externals": external_candidates(search.text)}
    if forms:
        params["number"] = forms[0][1]
    best: dict[int, tuple[int, Any]] = {}
    for row in search.session.execute(exact_sql(kinds), params):
        cid, rank = int(row.id), int(row.rank)
        if cid not in best or rank < best[cid][0]:
            best[cid] = (rank, row)
    return sorted(
        ((rank, cid, KIND_OF_RANK[rank], row) for cid, (rank, row) in best.items()),
        key=lambda e: (e[0], e[1]),
    )


def _exact_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[Hit]:
    entries = search.exact
    if after is not None:
        mark = (int_key(after.get("r")), int_key(after.get("c")))
        entries = [e for e in entries if (e[0], e[1]) > mark]
    return [
        Hit(row, kind, {"p": "exact", "r": rank, "c": cid})
        for rank, cid, kind, row in entries[:want]
    ]


def _meta_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[Hit]:
    rows = search.meta_matches()
    if len(rows) > MAX_EXCLUDED_IDS:  # more than were read: page through them in SQL
        keys = search.searchable_keys()
        params: dict[str, Any] = {
            "text": search.text,
            "after_id": 0 if after is None else int_key(after.get("c")),
            "want": want,
        }
        meta = "any"
        if len(keys) <= MAX_METADATA_KEYS:
            meta, params["keys"] = "keyed", keys
        if search.exact:
            params["exact_ids"] = search.exact_ids
        rows = list(search.session.execute(meta_sql(meta, bool(search.exact)), params))
    elif after is not None:
        mark = int_key(after.get("c"))
        rows = [row for row in rows if int(row.id) > mark]
    return [Hit(row, MatchKind.METADATA, {"p": "meta", "c": int(row.id)}) for row in rows[:want]]


def _bounds(key: str) -> tuple[bool, dict[str, Any]]:
    upper = prefix_upper_bound(key)
    if upper is None:
        return False, {"low": key}
    return True, {"low": key, "high": upper}


def _prefix_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[Hit]:
    exclude, params = search.exclusion()
    params.update(low=search.key, want=want)
    if after is not None:
        name_key = after.get("n")
        params["after_name"] = name_key if isinstance(name_key, str) else ""
        params["after_id"] = int_key(after.get("c"))
    high = prefix_upper_bound(search.key)
    hits: list[Hit] = []
    for row in search.session.execute(prefix_sql(after is not None, exclude), params):
        if high is not None and row.search_key >= high:
            break  # rows come in name order: the rest are past the prefix too
        hits.append(
            Hit(row, MatchKind.NAME_PREFIX, {"p": "prefix", "n": row.search_key, "c": row.id})
        )
    return hits


def _substring_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[Hit]:
    bounded, params = _bounds(search.key)
    exclude, more = search.exclusion()
    params.update(more, want=want, after_id=0 if after is None else int_key(after.get("c")))
    session = search.session
    if is_sqlite(session):
        params["phrase"] = fts_phrase(search.key)
        rows = list(session.execute(substring_sqlite_sql(bounded, exclude), params))
    else:
        params["pattern"] = f"%{escape_like(search.key)}%"
        rows = substring_rows(
            session,
            params,
            bounded,
            exclude,
            want,
            first_window=SUBSTRING_WINDOW,
            max_window=MAX_WINDOW,
        )
    return [Hit(row, MatchKind.NAME_SUBSTRING, {"p": "substring", "c": row.id}) for row in rows]


def _near_candidates(search: _Search) -> list[Any]:
    """Up to ``NEAR_POOL`` customers whose search keys share trigrams with the input."""
    key, session = search.key, search.session
    if not is_sqlite(session):
        # pg_trgm's default (0.6) drops one typo in a 6-letter name (4 of 7 trigrams).
        session.execute(near_threshold_sql(), {"threshold": str(NEAR_WORD_SIMILARITY)})
        return list(session.execute(near_trigram_sql(), {"key": key, "pool": NEAR_POOL}))
    trigrams = list(dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2)))
    trigrams = trigrams[:NEAR_MAX_TRIGRAMS]
    counts = {
        str(term): int(doc)
        for term, doc in session.execute(trigram_counts_sql(), {"terms": trigrams})
    }
    chosen: list[str] = []
    total = 0
    for term in sorted((t for t in trigrams if counts.get(t)), key=lambda t: counts[t]):
        if chosen and total + counts[term] > NEAR_POSTINGS:
            break
        chosen.append(term)
        total += counts[term]
    if not chosen:
        return []
    params: dict[str, Any] = {f"t{n}": fts_phrase(term) for n, term in enumerate(chosen)}
    params.update(budget=NEAR_POSTINGS, pool=NEAR_POOL)
    return list(session.execute(near_sqlite_sql(len(chosen)), params))


def _near_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[Hit]:
    ranked = rank_near(
        search.key, [(row, row.search_key or "") for row in _near_candidates(search)]
    )
    offset = 0 if after is None else int_key(after.get("o"))
    return [
        Hit(row, MatchKind.NAME_NEAR, {"p": "near", "o": offset + number + 1})
        for number, row in enumerate(ranked[offset : offset + want])
    ]


def _newest_hits(search: _Search, after: dict[str, Any] | None, want: int) -> list[Hit]:
    params: dict[str, Any] = {"want": want}
    if after is not None:
        params["after_id"] = int_key(after.get("c"))
    return [
        Hit(row, MatchKind.NEWEST, {"p": "newest", "c": row.id})
        for row in search.session.execute(newest_sql(after is not None), params)
    ]


_PHASES: dict[str, Callable[[_Search, dict[str, Any] | None, int], list[Hit]]] = {
    "exact": _exact_hits,
    "meta": _meta_hits,
    "prefix": _prefix_hits,
    "substring": _substring_hits,
    "near": _near_hits,
    "newest": _newest_hits,
}


# ------------------------------------------------------------------ entry point


def phases_for(key: str) -> list[str]:
    """The phases an input runs through, in order."""
    if not key:
        return ["newest"]
    phases = ["exact", "meta", "prefix"]
    if len(key) >= SUBSTRING_MIN_CHARS:
        phases.append("substring")
    if wants_near_matches(key):
        phases.append("near")
    return phases


def search_customers(
    session: Reader,
    query: str,
    *,
    limit: int,
    cursor: str | None,
    now: datetime,
    currency: str,
    keys_cache: MetadataKeys | None = None,
) -> Page[CustomerSummary]:
    """One page of search results (see the module docstring for the phases)."""
    text = canonical_query(query.strip())
    search = _Search(session=session, text=text, key=search_key(text), keys_cache=keys_cache)
    phases = phases_for(search.key)
    start, after = phases[0], None
    if cursor:
        payload = decode_cursor(CURSOR_KIND, cursor)
        if payload.get("q") != text or payload.get("p") not in phases:
            raise Invalid({"cursor": "this page cursor belongs to another search"})
        start, after = payload["p"], payload
    id_shaped = looks_like_id(text)
    if search.key and cursor is None:
        # The exact and metadata phases in one statement (``search.by_id``); a page of
        # only those, with its figures, when the input can only be an ID.
        ids = _lookup_ids(search, limit + 1)
        if ids is not None and id_shaped and (ids.exact or ids.meta):
            return page_of_ids(search.text, search.exact, ids, limit, now, currency)
    elif search.key:
        search.exact = _find_exact(search)
    # An ID-shaped input the ID phases matched is not a name: skip the name phases.
    # Later pages know it again: the exact phase reruns, and a cursor still in the
    # metadata phase means that phase matched.
    id_matched = bool(search.exact) or start == "meta"
    hits: list[Hit] = []
    for phase in phases[phases.index(start) :]:
        want = limit + 1 - len(hits)
        if want <= 0 or (phase in _NAME_PHASES and id_shaped and id_matched):
            break
        if phase == "near" and (hits or id_shaped or (after is not None and start != phase)):
            break  # near matches answer only an input that found nothing at all
        found = _PHASES[phase](search, after if phase == start else None, want)
        id_matched = id_matched or (phase == "meta" and bool(found))
        hits += found
    return page_of(session, text, hits, limit, now, currency)


def _lookup_ids(search: _Search, want: int) -> IdMatches | None:
    """Run the exact and metadata lookups in one statement and record what the phases
    need: the exact matches, and the metadata matches when fewer than ``want`` (then all
    of them; more are read again by the metadata phase). None when nothing was run."""
    found = find_ids(connection_of(search.session), search.text, search.searchable_keys(), want)
    if found is None:
        search.exact, search._meta_rows = [], []
        return None
    search.exact = exact_of(found)
    if len(found.meta) < want:
        search._meta_rows = list(found.meta)
    return found
