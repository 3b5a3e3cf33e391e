"""The customer mirror: sync (resumable), search from it, API fallback, freshness."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import httpx
import pytest

from paynow.fake import FakePayNow
from storeadmin.core.errors import Unavailable
from storeadmin.core.models import MatchKind
from storeadmin.paynow import PayNowStore
from storeadmin.paynow.mirror import Mirror
from storeadmin.paynow.sync import sync_mirror


def _seed(fake: FakePayNow, n: int = 7) -> list[dict]:
    rows = [
        fake.add_customer(
            f"Player{i:02d}",
            steam_id=str(76561197960287930 + i),
            metadata={"DiscordID": f"8035111022467891{i}"},
        )
        for i in range(n)
    ]
    fake.add_customer(
        "Zed Minecraft", steam_id=None, minecraft_uuid="069a79f444e94726a5befca90e38aaf5"
    )
    return rows


def test_sync_then_search_from_the_mirror(store: PayNowStore, fake: FakePayNow) -> None:
    rows = _seed(fake)
    fake.add_order(rows[0]["id"])
    store.ban_customer(rows[1]["id"], reason="x")
    result = sync_mirror(store.client, store.mirror, page_limit=3)
    assert result.customers == 8
    before = len(fake.requests)
    by_name = store.search_customers("player0")
    assert [r.username for r in by_name.items][:2] == ["Player00", "Player01"]
    assert by_name.items[0].matched_by is MatchKind.NAME_PREFIX
    assert by_name.items[0].net_spent.amount == 999
    assert by_name.items[1].banned
    inner = store.search_customers("layer03")
    assert [(r.username, r.matched_by) for r in inner.items] == [
        ("Player03", MatchKind.NAME_SUBSTRING)
    ]
    assert [r.username for r in store.search_customers("03").items] == ["Player03"]
    by_steam = store.search_customers(f"[U:1:{22202 + 2}]")
    assert [r.id for r in by_steam.items] == [rows[2]["id"]]
    assert by_steam.items[0].matched_by is MatchKind.EXTERNAL_ID
    by_uuid = store.search_customers("069A79F4-44E9-4726-A5BE-FCA90E38AAF5")
    assert by_uuid.items[0].username == "Zed Minecraft"
    by_discord = store.search_customers("80351110224678913")
    assert [r.id for r in by_discord.items] == [rows[3]["id"]]
    assert by_discord.items[0].matched_by is MatchKind.METADATA
    newest = store.search_customers("", limit=3)
    assert len(newest.items) == 3
    assert newest.next_cursor
    assert len(store.search_customers("", limit=3, cursor=newest.next_cursor).items) == 3
    # None of that asked PayNow (the ban sync happened before `before`).
    assert fake.requests[before:] == []
    assert "8 customers, synced" in store.store_info().extra["mirror"]


def test_search_falls_back_to_the_api(store: PayNowStore, fake: FakePayNow) -> None:
    rows = _seed(fake, 2)
    order = fake.add_order(rows[1]["id"])
    sync_mirror(store.client, store.mirror)
    late = fake.add_customer("Latecomer", steam_id="76561197960299999")
    found = store.search_customers("76561197960299999")
    assert [r.id for r in found.items] == [late["id"]]
    by_order = store.search_customers(order["id"])
    assert [(r.id, r.matched_by) for r in by_order.items] == [(rows[1]["id"], MatchKind.ORDER_ID)]
    assert store.search_customers("latecomer").items[0].id == late["id"]


def test_search_without_mirror_uses_lookup_and_search(store: PayNowStore, fake: FakePayNow) -> None:
    rows = _seed(fake, 3)
    found = store.search_customers("https://steamcommunity.com/profiles/76561197960287931")
    assert [r.id for r in found.items] == [rows[1]["id"]]
    names = store.search_customers("Player", limit=2)
    assert len(names.items) == 2
    assert names.next_cursor is not None
    rest = store.search_customers("Player", limit=2, cursor=names.next_cursor)
    assert {r.id for r in names.items + rest.items} == {r["id"] for r in rows}
    assert any("/customers/lookup" in r for r in fake.requests)


def test_interrupted_sync_resumes(store: PayNowStore, fake: FakePayNow) -> None:
    _seed(fake, 7)
    seen: list[int] = []
    fake_calls = {"n": 0}
    original = fake.handler

    def flaky(request: httpx.Request) -> httpx.Response:
        """The second page of customers fails three times: the run stops after page one."""
        if request.url.path.endswith("/customers") and request.url.params.get("after"):
            fake_calls["n"] += 1
            if fake_calls["n"] <= 3:
                return httpx.Response(503, json={"status": 503, "code": "x", "message": "down"})
        return original(request)

    store._client._http._transport.inner = httpx.MockTransport(flaky)
    with pytest.raises(Unavailable):
        sync_mirror(store.client, store.mirror, progress=seen.append, page_limit=3)
    assert seen == [3]
    assert "partial: 3" in store.store_info().extra["mirror"]
    result = sync_mirror(store.client, store.mirror, progress=seen.append, page_limit=3)
    assert result.resumed
    assert result.customers == 8
    assert store.mirror.count() == 8


def test_customers_deleted_upstream_leave_the_mirror(store: PayNowStore, fake: FakePayNow) -> None:
    rows = _seed(fake, 3)
    sync_mirror(store.client, store.mirror)
    del fake.customers[rows[0]["id"]]
    result = sync_mirror(store.client, store.mirror)
    assert result.removed == 1
    assert store.mirror.count() == 3


def test_mirror_names_match_without_case_accents_or_separators(
    store: PayNowStore, fake: FakePayNow
) -> None:
    fake.add_customer("Jürgen_Müller", steam_id="76561197960287999")
    fake.add_customer("Vorta_rust", steam_id="76561197960288000")
    sync_mirror(store.client, store.mirror, page_limit=10)
    before = len(fake.requests)
    assert [r.username for r in store.search_customers("jurgen muller").items] == ["Jürgen_Müller"]
    found = store.search_customers("Muller")
    assert [(r.username, r.matched_by) for r in found.items] == [
        ("Jürgen_Müller", MatchKind.NAME_SUBSTRING)
    ]
    assert [r.username for r in store.search_customers("vorta rust").items] == ["Vorta_rust"]
    assert fake.requests[before:] == []


def test_a_typo_nobody_matches_gets_the_mirrors_near_matches(
    store: PayNowStore, fake: FakePayNow
) -> None:
    _seed(fake)
    sync_mirror(store.client, store.mirror, page_limit=10)
    near = store.search_customers("Plyer03")
    assert near.items[0].username == "Player03"
    assert {r.matched_by for r in near.items} == {MatchKind.NAME_NEAR}
    # Paging continues in the near matches, none twice.
    first = store.search_customers("Plyer03", limit=2)
    assert first.next_cursor is not None
    rest = store.search_customers("Plyer03", limit=50, cursor=first.next_cursor)
    names = [r.username for r in (*first.items, *rest.items)]
    assert names == [r.username for r in near.items]
    assert store.search_customers("xq").items == ()  # too short for near matches


def test_a_mirror_of_the_old_schema_gets_search_keys(store: PayNowStore, fake: FakePayNow) -> None:
    fake.add_customer("Jürgen_Müller", steam_id="76561197960287999")
    sync_mirror(store.client, store.mirror, page_limit=10)
    path = store.mirror.path
    with sqlite3.connect(path) as db:  # what version 1 stored: the casefolded name
        db.execute("UPDATE customers SET name_lower = 'jürgen_müller'")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        db.execute("INSERT INTO names (names) VALUES ('rebuild')")
    reopened = Mirror(path)
    rows, _more = reopened.search("jurgenmul", limit=5, offset=0, now=datetime.now(UTC))
    assert [r.username for r in rows] == ["Jürgen_Müller"]
