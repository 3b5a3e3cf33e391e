"""The first page of an input that can only be an ID, and the ID lookups of any first
page: the one statement of ``search.by_id``, read into the search's matches and page.

``id_input`` / ``id_page`` answer an ID on a ``DriverRead`` (``data.driver_read``) when
the metadata keys are cached; ``search.customers`` uses ``find_ids`` for the lookups of
every other first page, on its own connection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storeadmin.core.models import CustomerSummary, MatchKind, Page
from storeadmin.data.driver_read import DriverRead, Runner
from storeadmin.data.search.by_id import IdMatches, find_by_id, has_lookups
from storeadmin.data.search.metadata_keys import MetadataKeys
from storeadmin.data.search.results import Hit, page_with_figures
from storeadmin.data.search.sql import EXACT_RANK, MAX_METADATA_KEYS
from storeadmin.data.search.terms import (
    canonical_query,
    external_candidates,
    looks_like_id,
    parse_id_forms,
)

KIND_OF_RANK = {rank: kind for kind, rank in EXACT_RANK.items()}

MAX_VALUE_CHARS = 1024
"""Longer than any stored metadata value: such an input matches no value."""


def find_ids(runner: Runner, text: str, keys: list[str] | None, want: int) -> IdMatches | None:
    """The exact and metadata matches of ``text`` (``search.by_id``), None when it asks
    for no lookup at all."""
    forms = parse_id_forms(text)
    externals = external_candidates(text)
    if keys is not None and len(keys) > MAX_METADATA_KEYS:
        keys = None  # too many to list: the lookup ignores keys
    kinds = tuple(kind for kind, _ in forms)
    if not has_lookups(kinds, externals, None if keys is None else len(keys)):
        return None
    return find_by_id(
        runner,
        number=forms[0][1] if forms else None,
        kinds=kinds,
        externals=externals,
        text=text,
        keys=keys,
        want=want,
    )


def exact_of(found: IdMatches) -> list[tuple[int, int, MatchKind, Any]]:
    return [(rank, cid, KIND_OF_RANK[rank], row) for rank, cid, row in found.exact]


def id_input(
    query: str, cursor: str | None, keys_cache: MetadataKeys
) -> tuple[str, list[str]] | None:
    """What ``id_page`` answers: (the input, the metadata keys to look it up under) for
    the first page of an input that can only be an ID, while the keys are cached
    (reading them is no prepared statement); else None."""
    if cursor is not None:
        return None
    text = canonical_query(query.strip())
    keys = keys_cache.peek() if looks_like_id(text) else None
    if keys is None:
        return None
    return text, keys if len(text) <= MAX_VALUE_CHARS else []


def id_page(
    reader: DriverRead,
    wanted: tuple[str, list[str]],
    *,
    limit: int,
    now: datetime,
    currency: str,
) -> Page[CustomerSummary] | None:
    """The first page of ``id_input``'s input when its ID lookups matched: one prepared
    statement, figures included. None when they matched nothing: the name phases then
    search (``search_customers``)."""
    text, keys = wanted
    found = find_ids(reader, text, keys, limit + 1)
    if found is None or not (found.exact or found.meta):
        return None
    return page_of_ids(text, exact_of(found), found, limit, now, currency)


def page_of_ids(
    text: str,
    exact: list[tuple[int, int, MatchKind, Any]],
    found: IdMatches,
    limit: int,
    now: datetime,
    currency: str,
) -> Page[CustomerSummary]:
    """An ID-shaped input's page: its exact then metadata matches, figures already read."""
    hits = [Hit(row, kind, {"p": "exact", "r": rank, "c": cid}) for rank, cid, kind, row in exact]
    hits += [Hit(row, MatchKind.METADATA, {"p": "meta", "c": row.id}) for row in found.meta]
    spent, subscribers = found.spent, found.subscribers
    return page_with_figures(text, hits[: limit + 1], limit, now, currency, spent, subscribers)
