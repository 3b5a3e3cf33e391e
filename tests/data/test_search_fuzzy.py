"""Loose name search: case, accents and separators do not matter, and a typo that finds
nothing is answered with near matches (rapidfuzz-ranked, labelled as such), on the SQL
store (SQLite and PostgreSQL) and the memory store alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from storeadmin.core.models import MatchKind
from storeadmin.core.search_text import canonical_query, rank_near, search_key
from storeadmin.core.service import StoreService
from storeadmin.data import SqlStoreService, migrate
from storeadmin.data.schema import CustomerRow
from storeadmin.data.search import customers as search_module
from support import factories
from support.memory_store import copy_of, open_memory_store

NAMES = {
    "Müller": "76561198000000101",
    "Vorta_rust": "76561198000000102",
    "Zoë-Quinn": "76561198000000103",
    "DragonSlayer": "76561198000000104",
    "Snowfox": "76561198000000105",
}


@pytest.fixture
def seeded(service: SqlStoreService) -> dict[str, str]:
    """Customer id by name."""
    return {
        name: factories.customer(service.engine, name, external_id=external)
        for name, external in NAMES.items()
    }


@pytest.fixture(params=["sql", "memory"])
def store(
    request: pytest.FixtureRequest, service: SqlStoreService, seeded: dict[str, str]
) -> Iterator[StoreService]:
    """The seeded SQL store, or a memory store copied from it."""
    if request.param == "sql":
        yield service
    else:
        yield open_memory_store(copy_of(service, f"fuzzy-{id(request)}"), actor="test")


def _found(store: StoreService, query: str) -> list[tuple[str, MatchKind]]:
    return [(row.username, row.matched_by) for row in store.search_customers(query).items]


def test_search_key_folds_case_accents_and_separators() -> None:
    assert search_key("Müller") == search_key("MULLER") == "muller"
    assert search_key("Vorta_rust") == search_key("vorta rust") == search_key("Vorta-Rust")
    assert search_key("Søren Ødegård") == "sorenodegard"
    assert search_key("Straße") == "strasse"
    assert search_key("Mr.Bean") == "mrbean"
    # Other punctuation stays (LIKE wildcards, markup), and so do symbols.
    assert search_key("100%_legit") == "100%legit"
    assert search_key("★Bob★") == "★bob★"
    # A name of separators only keeps them, so it can still be found.
    assert search_key("___") == "___"
    assert search_key(search_key("Zoë-Quinn")) == search_key("Zoë-Quinn")


def test_canonical_query_reads_links_and_mentions() -> None:
    uuid = "069a79f4-44e9-4726-a5be-fca90e38aaf5"
    assert canonical_query(f"https://namemc.com/profile/{uuid}") == uuid
    assert canonical_query("<@!123456789012345678>") == "123456789012345678"
    assert canonical_query("Alice") == "Alice"


def test_rank_near_orders_closest_first_and_cuts_the_unrelated() -> None:
    candidates = [("a", "mulberry42"), ("b", "muller"), ("c", "zork"), ("d", "mullers")]
    assert rank_near("mullre", candidates) == ["b", "d"]


@pytest.mark.parametrize(
    ("query", "name", "kind"),
    [
        ("Muller", "Müller", MatchKind.NAME_PREFIX),
        ("müller", "Müller", MatchKind.NAME_PREFIX),
        ("vorta rust", "Vorta_rust", MatchKind.NAME_PREFIX),
        ("VORTA-R", "Vorta_rust", MatchKind.NAME_PREFIX),
        ("rta ru", "Vorta_rust", MatchKind.NAME_SUBSTRING),
        ("zoe quinn", "Zoë-Quinn", MatchKind.NAME_PREFIX),
        ("equi", "Zoë-Quinn", MatchKind.NAME_SUBSTRING),
    ],
)
def test_accents_and_separators_do_not_matter(
    store: StoreService, query: str, name: str, kind: MatchKind
) -> None:
    assert _found(store, query) == [(name, kind)]


@pytest.mark.parametrize(
    ("typo", "name"),
    [("mullre", "Müller"), ("dragnslayer", "DragonSlayer"), ("vortarsut", "Vorta_rust")],
)
def test_a_typo_is_answered_with_near_matches(store: StoreService, typo: str, name: str) -> None:
    found = _found(store, typo)
    assert found[0] == (name, MatchKind.NAME_NEAR)
    assert {kind for _, kind in found} == {MatchKind.NAME_NEAR}
    assert not MatchKind.NAME_NEAR.is_exact


def test_no_near_matches_when_something_matched(store: StoreService) -> None:
    # "snow" is a prefix of Snowfox: no near matches are added to a real answer.
    assert _found(store, "snow") == [("Snowfox", MatchKind.NAME_PREFIX)]


@pytest.mark.parametrize("query", ["zq", "qqqqqq", "76561198000000999", "1234", "%%%"])
def test_no_near_matches_for_short_unrelated_or_numeric_input(
    store: StoreService, query: str
) -> None:
    assert _found(store, query) == []


def test_near_matches_page_without_repeats(service: SqlStoreService) -> None:
    for number in range(7):
        factories.customer(service.engine, f"Kestrel{number}", external_id=f"k{number}")
    seen: list[str] = []
    cursor = None
    while True:
        page = service.search_customers("kestlre", limit=3, cursor=cursor)
        assert {row.matched_by for row in page.items} == {MatchKind.NAME_NEAR}
        seen += [row.username for row in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == [f"Kestrel{n}" for n in range(7)]


def test_sqlite_near_candidates_are_bounded(
    service: SqlStoreService, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the rarest trigrams within the posting budget are read (SQLite)."""
    if service.engine.dialect.name != "sqlite":
        pytest.skip("the trigram vocabulary is SQLite's FTS5")
    for number in range(40):
        factories.customer(service.engine, f"Ullman{number}", external_id=f"u{number}")
    monkeypatch.setattr(search_module, "NEAR_POSTINGS", 5)
    # "ull" is in 41 keys, over the budget: the rare "mul"/"lle"… still find Müller.
    assert _found(service, "mullre")[0] == ("Müller", MatchKind.NAME_NEAR)


def test_a_rename_updates_the_search_key(service: SqlStoreService, seeded: dict[str, str]) -> None:
    cid = seeded["Snowfox"]
    customer = service.get_customer(cid).customer
    service.edit_customer(cid, expected_version=customer.version, username="Ærøskøbing_Fan")
    assert _found(service, "aeroskobing fan") == [("Ærøskøbing_Fan", MatchKind.NAME_PREFIX)]
    assert _found(service, "skobing") == [("Ærøskøbing_Fan", MatchKind.NAME_SUBSTRING)]
    assert _found(service, "snowfox") == []


def test_0004_backfills_search_keys_of_existing_customers(service: SqlStoreService) -> None:
    """A store at 0003 upgrades: every existing name gets its key, in several batches,
    and the trigram search (FTS5 / pg_trgm) serves the new column at once."""
    engine = service.engine
    migrate.downgrade(engine, "0003")
    rows = [
        {
            "username": f"Båtman_{number}" if number % 2 else f"Plain{number}",
            "name_key": f"båtman_{number}" if number % 2 else f"plain{number}",
            "external": f"x{number}",
        }
        for number in range(10_007)  # two full batches of 5,000 and a short one
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (username, name_key, platform, external_id, "
                "first_seen, version) VALUES (:username, :name_key, 'other', :external, "
                "'2026-01-01 00:00:00', 1)"
            ),
            rows,
        )
    migrate.upgrade(engine, backup=False)
    assert migrate.schema_status(engine).current == migrate.head_revision()
    with engine.connect() as connection:
        keys = {
            str(name): key
            for name, key in connection.execute(
                select(CustomerRow.username, CustomerRow.search_key)
            )
        }
    assert len(keys) == 10_007
    assert all(key == search_key(name) for name, key in keys.items())
    assert _found(service, "batman 10005") == [("Båtman_10005", MatchKind.NAME_PREFIX)]
    assert _found(service, "tman10005") == [("Båtman_10005", MatchKind.NAME_SUBSTRING)]
