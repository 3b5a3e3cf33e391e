"""search_customers: each input shape finds what it should, through an index, page by page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storeadmin.core.errors import Invalid
from storeadmin.core.models import CustomerSummary, MatchKind, MetadataField
from storeadmin.data import SqlStoreService
from storeadmin.data.search import MetadataKeys
from storeadmin.data.search.terms import (
    escape_like,
    fts_phrase,
    looks_like_id,
    parse_id_forms,
    prefix_upper_bound,
)
from support import factories

STEAM64 = "76561197960287930"
STEAM2 = "STEAM_0:0:11101"
STEAM3 = "[U:1:22202]"
NOTCH = "069a79f4-44e9-4726-a5be-fca90e38aaf5"


def _all(service: SqlStoreService, query: str, limit: int = 50) -> list[CustomerSummary]:
    """Every result of a search, following cursors, asserting no page is oversized."""
    found: list[CustomerSummary] = []
    cursor = None
    for _ in range(1000):
        page = service.search_customers(query, limit=limit, cursor=cursor)
        assert len(page.items) <= limit
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found
    raise AssertionError("paging did not end")


def _ids(results: list[CustomerSummary]) -> list[int]:
    return [r.id for r in results]


# ------------------------------------------------------------------ pure helpers


def test_id_forms() -> None:
    assert parse_id_forms("123") == [
        (MatchKind.CUSTOMER_ID, 123),
        (MatchKind.ORDER_ID, 123),
        (MatchKind.SUBSCRIPTION_ID, 123),
    ]
    assert parse_id_forms("c123") == [(MatchKind.CUSTOMER_ID, 123)]
    # The app shows a customer as "Name (#5000)": that form opens that customer.
    assert parse_id_forms("#7") == [(MatchKind.CUSTOMER_ID, 7)]
    assert parse_id_forms("Order #7") == [(MatchKind.ORDER_ID, 7)]
    assert parse_id_forms("o7") == [(MatchKind.ORDER_ID, 7)]
    assert parse_id_forms("sub 9") == [(MatchKind.SUBSCRIPTION_ID, 9)]
    assert parse_id_forms("s9") == [(MatchKind.SUBSCRIPTION_ID, 9)]
    assert parse_id_forms("99999999999999999999") == []  # beyond BIGINT: no lookup
    assert parse_id_forms("٣") == []  # non-ASCII digits are not IDs
    assert parse_id_forms("alice") == []


def test_inputs_that_can_only_be_ids() -> None:
    for text in (
        STEAM64,
        STEAM2,
        STEAM3,
        NOTCH,
        NOTCH.replace("-", ""),
        "2533274790395904",  # XUID
        "175928847299117063",  # Discord snowflake
        "#12",
        "order 12",
        "Order #12",
        "sub 3",
        "customer 7",
        f"https://steamcommunity.com/profiles/{STEAM64}/",
        f"steamcommunity.com/profiles/{STEAM64}",
        "www.steamcommunity.com/id/someone",
    ):
        assert looks_like_id(text), text
    # Could be a name: bare short digits, one-letter and glued prefixes, words.
    for text in ("123456", "c12", "o12", "s12", "order66", "sub12", "Bob", "ab12cd"):
        assert not looks_like_id(text), text


def test_prefix_bound_and_escapes() -> None:
    assert prefix_upper_bound("ab") == "ac"
    assert prefix_upper_bound("a\U0010ffff") == "b"
    assert prefix_upper_bound("\ud7ff"[:0] + chr(0xD7FF)) == chr(0xE000)
    assert prefix_upper_bound("") is None
    assert escape_like("50%_off\\") == "50\\%\\_off\\\\"
    assert fts_phrase('say "hi"') == '"say ""hi"""'


# ------------------------------------------------------------------ kinds


def test_empty_query_lists_newest_first(service: SqlStoreService) -> None:
    ids = [factories.customer(service.engine, f"user{i}", external_id=f"x{i}") for i in range(5)]
    page = service.search_customers("   ", limit=3)
    assert _ids(list(page.items)) == ids[::-1][:3]
    assert {item.matched_by for item in page.items} == {MatchKind.NEWEST}
    assert not MatchKind.NEWEST.is_exact
    assert page.has_more
    assert _ids(_all(service, "", limit=2)) == ids[::-1]


def test_customer_order_and_subscription_ids(service: SqlStoreService) -> None:
    engine = service.engine
    pid = factories.product(engine)
    first = factories.customer(engine, "First", external_id="a1")
    second = factories.customer(engine, "Second", external_id="a2")
    third = factories.customer(engine, "Third", external_id="a3")
    # Make order and subscription ids differ from the customer ids they belong to.
    for _ in range(3):
        factories.order(engine, third, pid)
    oid = factories.order(engine, second, pid)
    sid = factories.subscription(engine, third, pid)
    for _ in range(4):
        factories.subscription(engine, first, pid)

    [hit] = service.search_customers(f"c{first}").items
    assert (hit.id, hit.matched_by) == (first, MatchKind.CUSTOMER_ID)
    [hit] = service.search_customers(f"#{first}").items
    assert (hit.id, hit.matched_by) == (first, MatchKind.CUSTOMER_ID)
    [hit] = service.search_customers(f"o{oid}").items
    assert (hit.id, hit.matched_by) == (second, MatchKind.ORDER_ID)
    [hit] = service.search_customers(f"order {oid}").items
    assert hit.id == second
    [hit] = service.search_customers(f"sub {sid}").items
    assert (hit.id, hit.matched_by) == (third, MatchKind.SUBSCRIPTION_ID)
    assert service.search_customers("c999").items == ()

    # Plain digits try every kind: customer id, then order, then subscription; each
    # customer once, under its best kind.
    assert (first, second, third) == ("1", "2", "3")
    assert [(r.id, r.matched_by) for r in service.search_customers("1").items] == [
        (first, MatchKind.CUSTOMER_ID),
        (third, MatchKind.ORDER_ID),  # order 1; subscription 1 is also third's
    ]
    assert [(r.id, r.matched_by) for r in service.search_customers("2").items] == [
        (second, MatchKind.CUSTOMER_ID),
        (third, MatchKind.ORDER_ID),
        (first, MatchKind.SUBSCRIPTION_ID),
    ]


def test_external_id_in_any_form(service: SqlStoreService) -> None:
    engine = service.engine
    steam = factories.customer(engine, "Gabe", external_id=STEAM64)
    notch = factories.customer(engine, "Notch", platform="minecraft", external_id=NOTCH)
    other = factories.customer(engine, "Other", platform="other", external_id="Custom-ID-7")
    for form in (
        STEAM64,
        STEAM2,
        STEAM3,
        f"https://steamcommunity.com/profiles/{STEAM64}/",
        f"https://steamcommunity.com/profiles/{STEAM64}/?l=english",  # as copied from a browser
        f"  {STEAM64}  ",
    ):
        results = service.search_customers(form).items
        assert results, form
        assert (results[0].id, results[0].matched_by) == (steam, MatchKind.EXTERNAL_ID), form
    for form in (NOTCH, NOTCH.replace("-", ""), NOTCH.upper()):
        results = service.search_customers(form).items
        assert (results[0].id, results[0].matched_by) == (notch, MatchKind.EXTERNAL_ID), form
    [hit] = service.search_customers("Custom-ID-7").items
    assert (hit.id, hit.matched_by) == (other, MatchKind.EXTERNAL_ID)


def test_metadata_value_matches_under_any_key(service: SqlStoreService) -> None:
    engine = service.engine
    snowflake = "175928847299117063"
    a = factories.customer(engine, "A", external_id="e1")
    b = factories.customer(engine, "B", external_id="e2")
    factories.customer(engine, "C", external_id="e3")
    factories.metadata(engine, a, DiscordID=snowflake)
    factories.metadata(engine, b, email="b@example.com", note=snowflake)
    results = service.search_customers(snowflake).items
    assert _ids(list(results)) == [a, b]
    assert {r.matched_by for r in results} == {MatchKind.METADATA}
    [hit] = service.search_customers("b@example.com").items
    assert hit.id == b
    assert service.search_customers("B@EXAMPLE.COM").items == ()  # values match exactly


def test_id_input_that_matched_skips_the_name_phases(service: SqlStoreService) -> None:
    engine = service.engine
    steam = factories.customer(engine, "Gabe", external_id=STEAM64)
    factories.customer(engine, f"{STEAM64}fan", external_id="x1")  # a name starting alike
    named = factories.customer(engine, "76561197960287931x", external_id="x2")
    pid = factories.product(engine)
    factories.order(engine, steam, pid)
    numbered = factories.customer(engine, "o1fan", external_id="x3")

    [hit] = service.search_customers(STEAM64).items  # the ID matched: no name results
    assert (hit.id, hit.matched_by) == (steam, MatchKind.EXTERNAL_ID)
    # Nothing has that ID: the same shape still finds names.
    [hit] = service.search_customers("76561197960287931").items
    assert (hit.id, hit.matched_by) == (named, MatchKind.NAME_PREFIX)
    # "o1" may be a name: the order match comes first, then the names.
    assert [(r.id, r.matched_by) for r in service.search_customers("o1").items] == [
        (steam, MatchKind.ORDER_ID),
        (numbered, MatchKind.NAME_PREFIX),
    ]
    [hit] = service.search_customers("order #1").items
    assert (hit.id, hit.matched_by) == (steam, MatchKind.ORDER_ID)


def test_id_input_pages_through_metadata_matches_only(service: SqlStoreService) -> None:
    engine = service.engine
    snowflake = "175928847299117063"
    owners = [factories.customer(engine, f"m{i}", external_id=f"m{i}") for i in range(3)]
    for cid in owners:
        factories.metadata(engine, cid, DiscordID=snowflake)
    factories.customer(engine, f"{snowflake}x", external_id="n1")
    for limit in (1, 2, 50):
        results = _all(service, snowflake, limit=limit)
        assert _ids(results) == owners, limit
        assert {r.matched_by for r in results} == {MatchKind.METADATA}


def test_metadata_keys_are_cached_and_dropped_by_a_metadata_write(
    service: SqlStoreService,
) -> None:
    engine = service.engine
    a = factories.customer(engine, "A", external_id="e1")
    b = factories.customer(engine, "B", external_id="e2")
    factories.metadata(engine, a, DiscordID="111")
    assert _ids(list(service.search_customers("111").items)) == [a]
    # A key written behind the service's back waits for the cache to expire...
    factories.metadata(engine, b, email="b@example.com")
    assert service.search_customers("b@example.com").items == ()
    # ...while the service's own metadata write is seen at once.
    service.replace_metadata(b, [MetadataField("note", "hello")])
    assert _ids(list(service.search_customers("hello").items)) == [b]


def test_metadata_keys_cache_expires(service: SqlStoreService) -> None:
    engine = service.engine
    a = factories.customer(engine, "A", external_id="e1")
    factories.metadata(engine, a, k1="v")
    clock = [0.0]
    keys = MetadataKeys(ttl=60.0, clock=lambda: clock[0])
    with service.read() as session:
        assert keys.get(session) == ["k1"]
    factories.metadata(engine, factories.customer(engine, "B", external_id="e2"), k2="v")
    with service.read() as session:
        clock[0] = 59.0
        assert keys.get(session) == ["k1"]
        clock[0] = 60.0
        assert keys.get(session) == ["k1", "k2"]
        keys.clear()
        assert keys.get(session) == ["k1", "k2"]


def test_name_prefix_is_case_insensitive_and_ordered(service: SqlStoreService) -> None:
    engine = service.engine
    names = ["dragonSlayer", "Dragon", "DRAGONFLY", "drag", "Wolf", "ÉCLAIR", "éclat"]
    ids = {n: factories.customer(engine, n, external_id=n) for n in names}
    results = service.search_customers("DrAg").items
    assert [r.username for r in results] == ["drag", "Dragon", "DRAGONFLY", "dragonSlayer"]
    assert {r.matched_by for r in results} == {MatchKind.NAME_PREFIX}
    assert {r.username for r in service.search_customers("écl").items} == {"ÉCLAIR", "éclat"}
    assert service.search_customers("wolf").items[0].id == ids["Wolf"]


def test_substring_after_prefix_without_repeats(service: SqlStoreService) -> None:
    engine = service.engine
    prefix = factories.customer(engine, "WolfPack", external_id="p1")
    inner = factories.customer(engine, "BigWolf", external_id="p2")
    inner2 = factories.customer(engine, "the_wolf_king", external_id="p3")
    factories.customer(engine, "Fox", external_id="p4")
    results = service.search_customers("wolf").items
    assert [(r.id, r.matched_by) for r in results] == [
        (prefix, MatchKind.NAME_PREFIX),
        (inner, MatchKind.NAME_SUBSTRING),
        (inner2, MatchKind.NAME_SUBSTRING),
    ]


def test_short_input_is_prefix_only(service: SqlStoreService) -> None:
    engine = service.engine
    factories.customer(engine, "Abba", external_id="s1")
    factories.customer(engine, "Kebab", external_id="s2")
    assert [r.username for r in service.search_customers("ab").items] == ["Abba"]
    assert [r.username for r in service.search_customers("b").items] == []
    assert [r.username for r in service.search_customers("bab").items] == ["Kebab"]


def test_like_wildcards_are_literal(service: SqlStoreService) -> None:
    engine = service.engine
    factories.customer(engine, "100%_legit", external_id="w1")
    factories.customer(engine, "100xylegit", external_id="w2")
    factories.customer(engine, "my%name", external_id="w3")
    factories.customer(engine, "myXname", external_id="w4")
    factories.customer(engine, 'say "hi" now', external_id="w5")
    factories.customer(engine, "back\\slash", external_id="w6")
    assert [r.username for r in service.search_customers("100%_").items] == ["100%_legit"]
    # Underscores separate (``vorta rust`` finds ``Vorta_rust``): "%_le" is "%le".
    assert [r.username for r in service.search_customers("%_le").items] == ["100%_legit"]
    assert [r.username for r in service.search_customers("y%n").items] == ["my%name"]
    assert [r.username for r in service.search_customers('"hi"').items] == ['say "hi" now']
    assert [r.username for r in service.search_customers("k\\s").items] == ["back\\slash"]
    assert service.search_customers("%%%").items == ()
    assert service.search_customers("___").items == ()


def test_paging_across_phases_has_no_repeats_or_gaps(service: SqlStoreService) -> None:
    engine = service.engine
    ids: set[int] = set()
    exact = factories.customer(engine, "zed", external_id="wolf")  # external id equals input
    meta = factories.customer(engine, "zara", external_id="m1")
    factories.metadata(engine, meta, note="wolf")
    ids |= {exact, meta}
    both = factories.customer(engine, "wolfmeta", external_id="m2")  # prefix AND metadata
    factories.metadata(engine, both, tag="wolf")
    ids.add(both)
    for i in range(23):
        ids.add(factories.customer(engine, f"Wolf{i:02d}", external_id=f"pre{i}"))
    for i in range(17):
        ids.add(factories.customer(engine, f"x{i:02d}wolf", external_id=f"sub{i}"))
    for i in range(5):
        factories.customer(engine, f"fox{i}", external_id=f"no{i}")

    for limit in (1, 4, 7, 50):
        results = _all(service, "wolf", limit=limit)
        assert len(results) == len(set(_ids(results))), limit
        assert set(_ids(results)) == ids, limit
        kinds = [r.matched_by for r in results]
        assert kinds[0] is MatchKind.EXTERNAL_ID
        assert kinds[1:3] == [MatchKind.METADATA, MatchKind.METADATA]
        assert kinds[3:26] == [MatchKind.NAME_PREFIX] * 23
        assert kinds[26:] == [MatchKind.NAME_SUBSTRING] * 17


def test_cursor_of_another_search_is_refused(service: SqlStoreService) -> None:
    for i in range(3):
        factories.customer(service.engine, f"ann{i}", external_id=f"id{i}")
    page = service.search_customers("ann", limit=1)
    assert page.next_cursor
    with pytest.raises(Invalid):
        service.search_customers("bob", limit=1, cursor=page.next_cursor)
    with pytest.raises(Invalid):
        service.search_customers("ann", limit=1, cursor="not-a-cursor!!")


def test_summary_figures(service: SqlStoreService) -> None:
    engine = service.engine
    now = factories.T0 + timedelta(days=10)
    svc = SqlStoreService(engine, actor="alice", clock=lambda: now)
    pid = factories.product(engine)
    rich = factories.customer(engine, "Rich", external_id="r1")
    banned = factories.customer(
        engine, "RichBanned", external_id="r2", ban_reason="fraud", ban_expires_at=None
    )
    lapsed = factories.customer(
        engine, "RichLapsed", external_id="r3", ban_reason="spam", ban_expires_at=now
    )
    factories.order(engine, rich, pid, total=1000, fees=100)
    factories.order(engine, rich, pid, total=500, refunded=500, status="refunded")
    factories.order(engine, rich, pid, total=700, status="created")
    factories.subscription(engine, rich, pid, status="active")
    factories.subscription(engine, banned, pid, status="canceled")
    results = {r.id: r for r in svc.search_customers("rich").items}
    assert results[rich].net_spent.amount == 900
    assert results[rich].net_spent.currency == "USD"
    assert results[rich].active_subscriber
    assert not results[rich].banned
    assert results[banned].banned
    assert not results[banned].active_subscriber
    assert not results[lapsed].banned  # the ban ended exactly now
    assert results[banned].net_spent.amount == 0


def test_prefix_and_substring_search_use_indexes(service: SqlStoreService) -> None:
    """The plans of the name phases are index searches, never a scan of customers."""
    if service.engine.dialect.name != "sqlite":
        pytest.skip("SQLite plan check; PostgreSQL plans depend on table statistics")
    engine = service.engine
    for i in range(30):
        factories.customer(engine, f"name{i}", external_id=f"n{i}")
    statements = _capture(service, lambda: service.search_customers("name1", limit=50))
    prefix = [s for s in statements if "customers.search_key >=" in s[0] and "MATCH" not in s[0]]
    substring = [s for s in statements if "MATCH" in s[0]]
    assert prefix
    assert substring
    assert_plan(service, *prefix[0], uses="ix_customers_search_key")
    assert_plan(service, *substring[0], uses="customers_fts")


def _capture(service: SqlStoreService, action: object) -> list[tuple[str, object]]:
    """The (SQL, parameters) of every statement ``action`` runs."""
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        statements.append((statement, params))

    event.listen(service.engine, "before_cursor_execute", capture)
    try:
        action()  # type: ignore[operator]
    finally:
        event.remove(service.engine, "before_cursor_execute", capture)
    return statements


def assert_plan(service: SqlStoreService, sql: str, params: object, *, uses: str) -> None:
    """SQLite's plan for ``sql`` searches with ``uses`` and scans no customers table."""
    with service.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()  # type: ignore[arg-type]
    details = [str(row[-1]) for row in plan]
    assert any(uses in d for d in details), details
    assert not any(d.startswith("SCAN customers ") or d == "SCAN customers" for d in details), (
        details
    )


def test_links_and_mentions_the_app_shows_find_their_customer(service: SqlStoreService) -> None:
    engine = service.engine
    uuid = "069a79f4-44e9-4726-a5be-fca90e38aaf5"
    crafter = factories.customer(engine, "Crafter", platform="minecraft", external_id=uuid)
    chatter = factories.customer(engine, "Chatter", external_id="76561198000000077")
    factories.metadata(engine, chatter, DiscordID="123456789012345678")
    for link in (
        f"https://namemc.com/profile/{uuid}",
        f"namemc.com/profile/{uuid.replace('-', '')}.1",
        f"https://de.namemc.com/profile/{uuid}/",
    ):
        [hit] = service.search_customers(link).items
        assert (hit.id, hit.matched_by) == (crafter, MatchKind.EXTERNAL_ID), link
    for mention in ("<@123456789012345678>", "<@!123456789012345678>"):
        [hit] = service.search_customers(mention).items
        assert (hit.id, hit.matched_by) == (chatter, MatchKind.METADATA), mention
