"""An input that can only be an ID is answered by one statement (``search.by_id``) with
the same results, kinds, order, figures and paging as the phases one by one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from storeadmin.core.models import CustomerSummary, MatchKind
from storeadmin.data import SqlStoreService
from storeadmin.data.search import customers as search_module
from storeadmin.data.search import id_search as id_search_module
from support import factories

STEAM64 = "76561197960287930"


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The statements run inside the block (BEGIN and COMMIT left out)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        statement = str(args[2]).lstrip().upper()
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _all(service: SqlStoreService, query: str, limit: int) -> list[CustomerSummary]:
    found: list[CustomerSummary] = []
    cursor = None
    while True:
        page = service.search_customers(query, limit=limit, cursor=cursor)
        assert len(page.items) <= limit
        found += page.items
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def test_an_id_search_is_one_statement(service: SqlStoreService) -> None:
    engine = service.engine
    pid = factories.product(engine)
    steam = factories.customer(engine, "Gabe", external_id=STEAM64)
    factories.order(engine, steam, pid)
    fan = factories.customer(engine, "Fan", external_id="f1")
    factories.metadata(engine, fan, DiscordID=STEAM64)
    service.search_customers(STEAM64)  # reads the metadata keys (cached from then on)
    with _statements(engine) as seen:
        page = service.search_customers(STEAM64)
    assert [(r.id, r.matched_by) for r in page.items] == [
        (steam, MatchKind.EXTERNAL_ID),
        (fan, MatchKind.METADATA),
    ]
    assert len(seen) == 1, seen


@pytest.mark.parametrize("max_keys", [200, 1])
@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_exact_then_metadata_matches_page_on_as_before(
    service: SqlStoreService, monkeypatch: pytest.MonkeyPatch, limit: int, max_keys: int
) -> None:
    # max_keys 1: more keys than that, so the metadata lookup ignores keys.
    monkeypatch.setattr(search_module, "MAX_METADATA_KEYS", max_keys)
    monkeypatch.setattr(id_search_module, "MAX_METADATA_KEYS", max_keys)
    engine = service.engine
    owners = [factories.customer(engine, f"m{n}", external_id=f"m{n}") for n in range(3)]
    steam = factories.customer(engine, "Gabe", external_id=STEAM64)
    factories.metadata(engine, steam, DiscordID=STEAM64)  # exact already: listed once
    for n, cid in enumerate(owners):
        factories.metadata(engine, cid, **{"DiscordID" if n % 2 else "note": STEAM64})
    factories.customer(engine, f"{STEAM64}x", external_id="n1")  # a name: not reached
    expected = [(steam, MatchKind.EXTERNAL_ID)] + [(cid, MatchKind.METADATA) for cid in owners]
    assert [(r.id, r.matched_by) for r in _all(service, STEAM64, limit)] == expected


def test_id_kinds_and_figures_as_the_header_shows(service: SqlStoreService) -> None:
    engine = service.engine
    pid = factories.product(engine)
    made = []
    for n in range(8):
        cid = factories.customer(engine, f"C{n}", external_id=str(76561198000000100 + n))
        for status in ("completed", "refunded", "chargeback", "created")[: n % 5]:
            factories.order(engine, cid, pid, status=status, total=1000 + n, fees=10, refunded=n)
        if n % 3 == 0:
            factories.subscription(engine, cid, pid, status="active")
        made.append(cid)
    for n, cid in enumerate(made):
        [hit] = service.search_customers(str(76561198000000100 + n)).items
        stats = service.get_customer(cid).stats
        assert (hit.id, hit.matched_by) == (cid, MatchKind.EXTERNAL_ID)
        assert hit.net_spent == stats.total_spent_net
        assert hit.active_subscriber == (stats.active_subscriptions > 0)
    [hit] = service.search_customers(f"#{made[3]}").items
    assert (hit.id, hit.matched_by) == (made[3], MatchKind.CUSTOMER_ID)


def test_an_id_nothing_has_still_finds_names(service: SqlStoreService) -> None:
    engine = service.engine
    named = factories.customer(engine, f"{STEAM64}fan", external_id="x1")
    with _statements(engine) as seen:
        [hit] = service.search_customers(STEAM64).items
    assert (hit.id, hit.matched_by) == (named, MatchKind.NAME_PREFIX)
    # The one statement found no ID: the name phases ran without looking the ID up again.
    assert sum("EXTERNAL_ID IN" in statement for statement in seen) == 1, seen


def test_a_name_search_looks_ids_up_in_one_statement(service: SqlStoreService) -> None:
    engine = service.engine
    zed = factories.customer(engine, "zed", external_id="x1")
    named = factories.customer(engine, "zedd", external_id="zed")  # an external ID "zed"
    noted = factories.customer(engine, "Other", external_id="x3")
    factories.metadata(engine, noted, note="zed")
    service.search_customers("zed")  # reads the metadata keys (cached from then on)
    with _statements(engine) as seen:
        page = service.search_customers("zed")
    assert [(r.id, r.matched_by) for r in page.items] == [
        (named, MatchKind.EXTERNAL_ID),
        (noted, MatchKind.METADATA),
        (zed, MatchKind.NAME_PREFIX),
    ]
    lookups = [s for s in seen if "EXTERNAL_ID IN" in s or "CUSTOMER_METADATA" in s]
    assert len(lookups) == 1, lookups
