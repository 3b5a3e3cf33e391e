"""The name phases' plan shapes give the same answers whatever path they take.

PostgreSQL's substring search walks id windows while a fragment is common and falls
back to the trigram index when it is rare; the prefix search reads an open range and
stops at the prefix's end in Python; metadata matches are left out of the name phases
by id. Small windows here make every path run on a small store, on both backends.
"""

from __future__ import annotations

import pytest

from storeadmin.core.models import MatchKind, MetadataField
from storeadmin.data import SqlStoreService
from storeadmin.data.search import customers as search_module
from support import factories


@pytest.fixture
def names(service: SqlStoreService) -> dict[str, list[str]]:
    """60 customers: every third one has "zork" inside its name, one has "qix" inside."""
    engine = service.engine
    made: dict[str, list[str]] = {"zork": [], "qix": [], "all": []}
    for number in range(60):
        name = (
            f"p{number:02d}"
            + ("zork" if number % 3 == 0 else "ab")
            + ("qix" if number == 47 else "")
        )
        cid = str(factories.customer(engine, name, external_id=str(76561198000100000 + number)))
        made["all"].append(cid)
        if "zork" in name:
            made["zork"].append(cid)
        if "qix" in name:
            made["qix"].append(cid)
    return made


def _every(service: SqlStoreService, query: str, limit: int) -> list[tuple[str, MatchKind]]:
    found: list[tuple[str, MatchKind]] = []
    cursor = None
    while True:
        page = service.search_customers(query, limit=limit, cursor=cursor)
        found += [(row.id, row.matched_by) for row in page.items]
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


@pytest.mark.parametrize("window", [2, 5, 4_000])
@pytest.mark.parametrize("limit", [3, 7, 50])
def test_substring_pages_are_complete_and_ordered_on_every_path(
    service: SqlStoreService,
    names: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    window: int,
    limit: int,
) -> None:
    monkeypatch.setattr(search_module, "SUBSTRING_WINDOW", window)
    common = _every(service, "zork", limit)
    assert [cid for cid, _ in common] == sorted(names["zork"], key=int)
    assert {kind for _, kind in common} == {MatchKind.NAME_SUBSTRING}
    rare = _every(service, "qix", limit)
    assert [cid for cid, _ in rare] == names["qix"]


def test_prefix_stops_at_the_end_of_the_prefix(
    service: SqlStoreService, names: dict[str, list[str]]
) -> None:
    found = _every(service, "p1", 4)
    expected = [cid for cid, n in zip(names["all"], range(60), strict=True) if 10 <= n < 20]
    assert [cid for cid, _ in found] == expected
    assert {kind for _, kind in found} == {MatchKind.NAME_PREFIX}


def test_a_metadata_match_is_listed_once_not_again_as_a_name(
    service: SqlStoreService, names: dict[str, list[str]]
) -> None:
    """A customer whose metadata value is the query and whose name contains it."""
    target = names["zork"][3]
    version = service.get_customer(target).customer.version
    service.replace_metadata(target, [MetadataField("Nick", "zork")], expected_version=version)
    found = _every(service, "zork", 5)
    assert found[0] == (target, MatchKind.METADATA)
    assert [cid for cid, _ in found].count(target) == 1
    assert len(found) == len(names["zork"])
