"""The details tabs and catalogue reads: filters, keyset paging, NotFound, store info."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storeadmin.core.errors import Invalid, NotFound
from storeadmin.core.models import (
    CommandStage,
    CommandStatus,
    ItemSource,
    ItemState,
    OrderStatus,
    Page,
    SubscriptionStatus,
)
from storeadmin.data import SqlStoreService
from storeadmin.data.engine import make_engine
from storeadmin.data.schema import AuditRow, TokenRow
from support import factories

T = TypeVar("T")
T0 = factories.T0
NOW = T0 + timedelta(days=10)


@pytest.fixture
def svc(service: SqlStoreService) -> SqlStoreService:
    """The same store with the clock fixed at NOW."""
    return SqlStoreService(service.engine, actor="alice", clock=lambda: NOW)


def walk(fetch: Callable[[str | None], Page[T]]) -> list[T]:
    """Every item of a paged list, following cursors."""
    items: list[T] = []
    cursor = None
    for _ in range(1000):
        page = fetch(cursor)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items
    raise AssertionError("paging did not end")


def _add(engine: Any, row: Any) -> str:
    with Session(engine) as session, session.begin():
        session.add(row)
        session.flush()
        return str(row.id)


# ------------------------------------------------------------------ orders


def test_orders_newest_first_with_filter_and_paging(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine)
    other = factories.customer(engine, "Other", external_id="76561198000000002")
    ids = []
    for i in range(12):
        status = "refunded" if i % 3 == 0 else "completed"
        # Pairs share a timestamp: id breaks the tie.
        ids.append(
            factories.order(
                engine, cid, pid, status=status, created_at=T0 + timedelta(hours=i // 2)
            )
        )
    factories.order(engine, other, pid)
    newest_first = sorted(ids, key=lambda i: (T0 + timedelta(hours=ids.index(i) // 2), int(i)))[
        ::-1
    ]

    page = svc.list_orders(cid, limit=5)
    assert [o.id for o in page.items] == newest_first[:5]
    assert page.total == 12
    assert page.has_more
    assert [o.id for o in walk(lambda c: svc.list_orders(cid, limit=5, cursor=c))] == newest_first
    assert [o.id for o in walk(lambda c: svc.list_orders(cid, limit=1, cursor=c))] == newest_first

    refunded = walk(lambda c: svc.list_orders(cid, status=OrderStatus.REFUNDED, limit=2, cursor=c))
    assert [o.id for o in refunded] == [i for i in newest_first if ids.index(i) % 3 == 0]
    assert {o.status for o in refunded} == {OrderStatus.REFUNDED}
    assert svc.list_orders(cid, status=OrderStatus.REFUNDED).total == 4
    assert svc.list_orders(cid, status=OrderStatus.CHARGEBACK).items == ()

    with pytest.raises(NotFound, match="no customer with ID 999"):
        svc.list_orders(999)
    with pytest.raises(Invalid):
        svc.list_orders(cid, cursor=page.next_cursor.swapcase() if page.next_cursor else "x")


def test_limit_is_clamped(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine)
    for _ in range(3):
        factories.order(engine, cid, pid)
    assert len(svc.list_orders(cid, limit=0).items) == 1
    assert len(svc.list_orders(cid, limit=-5).items) == 1
    assert len(svc.list_orders(cid, limit=10_000).items) == 3


def test_cursor_of_one_list_is_refused_by_another(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine)
    for _ in range(3):
        factories.order(engine, cid, pid)
        factories.subscription(engine, cid, pid)
    cursor = svc.list_orders(cid, limit=1).next_cursor
    with pytest.raises(Invalid):
        svc.list_subscriptions(cid, limit=1, cursor=cursor)


def test_get_order_with_lines(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine, "Kit")
    cid = factories.customer(engine)
    oid = factories.order(
        engine, cid, pid, total=1100, tax=100, discount=50, fees=30, product_name="Kit"
    )
    details = svc.get_order(oid)
    assert details.order.id == oid
    assert details.order.customer_id == cid
    assert (details.order.total.amount, details.order.tax.amount) == (1100, 100)
    assert (details.order.discount.amount, details.order.fees.amount) == (50, 30)
    assert details.order.subtotal.amount == 1050
    assert details.order.completed_at is not None
    [line] = details.lines
    assert (line.product_id, line.product_name, line.quantity) == (pid, "Kit", 1)
    assert line.total.amount == 1100
    with pytest.raises(NotFound, match="no order with ID 999"):
        svc.get_order(999)


# ------------------------------------------------------------------ subscriptions


def test_subscriptions_filter_paging_and_details(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine, "Monthly VIP", type="subscription", interval=(1, "month"))
    cid = factories.customer(engine)
    subs = [
        factories.subscription(
            engine,
            cid,
            pid,
            status="canceled" if i == 1 else "active",
            created_at=T0 + timedelta(days=i),
            cancel_reason="too pricey" if i == 1 else None,
        )
        for i in range(4)
    ]
    listed = walk(lambda c: svc.list_subscriptions(cid, limit=3, cursor=c))
    assert [s.id for s in listed] == subs[::-1]
    assert listed[0].product_name == "Monthly VIP"
    canceled = svc.list_subscriptions(cid, status=SubscriptionStatus.CANCELED)
    assert [s.id for s in canceled.items] == [subs[1]]
    assert canceled.items[0].cancel_reason == "too pricey"
    assert canceled.total == 1

    sid = subs[0]
    for i in range(12):
        factories.order(
            engine, cid, pid, total=999, subscription_id=sid, created_at=T0 + timedelta(days=i)
        )
    factories.order(
        engine, cid, pid, status="refunded", total=999, refunded=999, subscription_id=sid
    )
    factories.order(engine, cid, pid, status="chargeback", total=999, subscription_id=sid)
    factories.order(engine, cid, pid, status="created", total=999, subscription_id=sid)
    factories.order(engine, cid, pid, total=5)  # not for this subscription
    details = svc.get_subscription(sid)
    assert details.subscription.id == sid
    assert details.payments_made == 14
    assert details.total_paid.amount == 12 * 999
    assert len(details.recent_orders) == 10
    assert details.recent_orders[0].created_at >= details.recent_orders[-1].created_at
    assert {o.subscription_id for o in details.recent_orders} == {sid}
    with pytest.raises(NotFound, match="no subscription with ID 999"):
        svc.get_subscription(999)


# ------------------------------------------------------------------ inventory


def test_inventory_state_filter_respects_expiry(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine, "Kit")
    cid = factories.customer(engine)
    forever = factories.item(engine, cid, pid, granted_at=T0)
    later = factories.item(
        engine, cid, pid, granted_at=T0 + timedelta(hours=1), expires_at=NOW + timedelta(seconds=1)
    )
    lapsed = factories.item(engine, cid, pid, granted_at=T0 + timedelta(hours=2), expires_at=NOW)
    stored = factories.item(engine, cid, pid, state="expired", granted_at=T0 + timedelta(hours=3))
    revoked = factories.item(
        engine,
        cid,
        pid,
        state="revoked",
        source="manual",
        granted_by="bob",
        granted_at=T0 + timedelta(hours=4),
    )

    def ids(state: ItemState | None) -> list[int]:
        return [
            i.id for i in walk(lambda c: svc.list_inventory(cid, state=state, limit=2, cursor=c))
        ]

    assert ids(None) == [revoked, stored, lapsed, later, forever]
    assert ids(ItemState.ACTIVE) == [later, forever]
    assert ids(ItemState.EXPIRED) == [stored, lapsed]
    assert ids(ItemState.REVOKED) == [revoked]
    page = svc.list_inventory(cid)
    assert page.total == 5
    by_id = {i.id: i for i in page.items}
    assert by_id[lapsed].state is ItemState.EXPIRED
    assert not by_id[lapsed].can_revoke
    assert by_id[later].state is ItemState.ACTIVE
    assert by_id[revoked].source is ItemSource.MANUAL
    assert by_id[revoked].granted_by == "bob"
    assert by_id[forever].product_name == "Kit"
    assert svc.list_inventory(cid, state=ItemState.ACTIVE).total == 2
    with pytest.raises(NotFound):
        svc.list_inventory(999)


def test_command_attempts_oldest_first_with_server_names(svc: SqlStoreService) -> None:
    engine = svc.engine
    eu = factories.game_server(engine, "Rust EU")
    us = factories.game_server(engine, "Rust US")
    pid = factories.product(engine, server_ids=[eu, us])
    cid = factories.customer(engine)
    iid = factories.item(engine, cid, pid)
    second = factories.command_attempt(
        engine, iid, us, queued_at=T0 + timedelta(seconds=1), status="failed", error="offline"
    )
    first = factories.command_attempt(engine, iid, eu, queued_at=T0, status="pending")
    attempts = svc.list_command_attempts(iid)
    assert [a.id for a in attempts] == [first, second]
    assert [a.server_name for a in attempts] == ["Rust EU", "Rust US"]
    assert attempts[0].status is CommandStatus.PENDING
    assert attempts[1].error == "offline"
    assert attempts[1].stage is CommandStage.ON_PURCHASE
    other = factories.item(engine, cid, pid)
    assert svc.list_command_attempts(other) == ()
    with pytest.raises(NotFound, match="no inventory item with ID 999"):
        svc.list_command_attempts(999)


# ------------------------------------------------------------------ metadata, audit, tokens


def test_metadata_in_case_insensitive_key_order(svc: SqlStoreService) -> None:
    engine = svc.engine
    cid = factories.customer(engine)
    factories.metadata(engine, cid, zeta="1", DiscordID="175928847299117063", alpha="2", Beta="3")
    fields = svc.get_metadata(cid)
    assert [f.key for f in fields] == ["alpha", "Beta", "DiscordID", "zeta"]
    assert fields[2].value == "175928847299117063"
    assert svc.get_metadata(factories.customer(engine, "B", external_id="x")) == ()
    with pytest.raises(NotFound):
        svc.get_metadata(999)


def test_audit_newest_first_paged(svc: SqlStoreService) -> None:
    engine = svc.engine
    cid = factories.customer(engine)
    other = factories.customer(engine, "Other", external_id="76561198000000002")
    ids = [
        _add(
            engine,
            AuditRow(
                at=T0 + timedelta(minutes=i),
                actor="bob",
                action="customer.edit",
                target_type="customer",
                target_id=str(cid),
                customer_id=cid,
                before={"username": f"n{i}"},
                after={"username": f"n{i + 1}"},
                reason=None,
            ),
        )
        for i in range(5)
    ]
    _add(
        engine,
        AuditRow(
            at=T0,
            actor="bob",
            action="customer.ban",
            target_type="customer",
            target_id=str(other),
            customer_id=other,
        ),
    )
    entries = walk(lambda c: svc.list_audit(cid, limit=2, cursor=c))
    assert [e.id for e in entries] == ids[::-1]
    assert entries[0].before == {"username": "n4"}
    assert entries[0].after == {"username": "n5"}
    assert entries[0].actor == "bob"
    with pytest.raises(NotFound):
        svc.list_audit(999)


def test_tokens_newest_first_without_hash(svc: SqlStoreService) -> None:
    engine = svc.engine
    cid = factories.customer(engine)

    def token(label: str, at: datetime, **extra: Any) -> int:
        return _add(
            engine,
            TokenRow(
                customer_id=cid,
                label=label,
                prefix=f"sa_{label[:4]}",
                token_hash=label.ljust(64, "0"),
                created_at=at,
                created_by="alice",
                **extra,
            ),
        )

    old = token("old", T0, revoked_at=T0 + timedelta(days=1))
    new = token("new", T0 + timedelta(days=2), expires_at=T0 + timedelta(days=3))
    tokens = svc.list_tokens(cid)
    assert [t.id for t in tokens] == [new, old]
    assert tokens[1].revoked_at is not None
    assert not hasattr(tokens[0], "token_hash")
    with pytest.raises(NotFound):
        svc.list_tokens(999)


# ------------------------------------------------------------------ catalogue


def test_products_by_name_with_commands_in_order(svc: SqlStoreService) -> None:
    engine = svc.engine
    eu = factories.game_server(engine, "Rust EU")
    factories.product(
        engine,
        "Zeta Kit",
        server_ids=[eu],
        commands=[
            ("on_purchase", "give {steam_id} kit"),
            ("on_expire", "take {steam_id} kit"),
            ("on_purchase", "say thanks"),
        ],
    )
    factories.product(
        engine, "Alpha VIP", type="subscription", interval=(1, "month"), duration_days=None
    )
    products = svc.list_products()
    assert [p.name for p in products] == ["Alpha VIP", "Zeta Kit"]
    assert products[0].interval is not None
    assert products[0].interval.days == 30
    zeta = products[1]
    assert zeta.server_ids == (eu,)
    assert [c.content for c in zeta.commands] == [
        "give {steam_id} kit",
        "take {steam_id} kit",
        "say thanks",
    ]
    assert [c.content for c in zeta.commands_for(CommandStage.ON_PURCHASE)] == [
        "give {steam_id} kit",
        "say thanks",
    ]


def test_game_servers_by_name(svc: SqlStoreService) -> None:
    engine = svc.engine
    factories.game_server(engine, "Rust US")
    factories.game_server(engine, "Minecraft", game="minecraft")
    assert [s.name for s in svc.list_game_servers()] == ["Minecraft", "Rust US"]
    assert svc.list_game_servers()[0].game == "minecraft"


def test_preview_assign_renders_on_purchase_commands(svc: SqlStoreService) -> None:
    engine = svc.engine
    eu = factories.game_server(engine, "Rust EU")
    us = factories.game_server(engine, "Rust US")
    pid = factories.product(engine, server_ids=[eu, us])
    cid = factories.customer(engine, external_id="76561198000000001")
    previews = svc.preview_assign(cid, pid)
    assert [(p.server_name, p.command) for p in previews] == [
        ("Rust EU", "oxide.usergroup add 76561198000000001 vip"),
        ("Rust US", "oxide.usergroup add 76561198000000001 vip"),
    ]
    assert {p.stage for p in previews} == {CommandStage.ON_PURCHASE}
    assert [p.server_id for p in svc.preview_assign(cid, pid, [us])] == [us]
    with pytest.raises(NotFound, match="no customer"):
        svc.preview_assign(999, pid)
    with pytest.raises(NotFound, match="no product"):
        svc.preview_assign(cid, 999)
    with pytest.raises(Invalid, match="no game server with ID 999"):
        svc.preview_assign(cid, pid, ["999"])  # the same refusal as assign_product's


# ------------------------------------------------------------------ store info


def test_store_info(svc: SqlStoreService) -> None:
    info = svc.store_info()
    assert info.name == "storeadmin store"
    assert info.currency == "USD"
    assert info.customers == 0
    factories.store_settings(svc.engine, name="Rusty Shop", currency="EUR")
    for i in range(3):
        factories.customer(svc.engine, f"c{i}", external_id=f"e{i}")
    info = SqlStoreService(svc.engine, actor="alice").store_info()
    assert (info.name, info.currency, info.customers) == ("Rusty Shop", "EUR", 3)
    assert info.extra == {}


def test_store_info_never_shows_a_password(store_url: str) -> None:
    url = make_url(store_url)
    if url.get_backend_name() == "sqlite":
        pytest.skip("SQLite URLs carry no password")
    # A server that wants a password gets its own; the test server trusts local
    # connections, so there any password is accepted.
    password = url.password or "s3cr3t-pw"
    engine = make_engine(url.set(password=password).render_as_string(hide_password=False))
    try:
        info = SqlStoreService(engine, actor="alice").store_info()
    finally:
        engine.dispose()
    assert str(password) not in info.location
    assert str(password) not in repr(info)
    assert url.database in info.location


def test_dates_are_utc_aware(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine, first_seen=datetime(2025, 5, 5, tzinfo=UTC))
    factories.order(engine, cid, pid)
    [order] = svc.list_orders(cid).items
    assert order.created_at.tzinfo is not None
    assert order.created_at == T0
    assert svc.get_customer(cid).customer.first_seen == datetime(2025, 5, 5, tzinfo=UTC)


def test_orders_page_plan_uses_the_customer_index(svc: SqlStoreService) -> None:
    """Page 2 of a big customer's orders is an index range, with no sort and no scan."""
    if svc.engine.dialect.name != "sqlite":
        pytest.skip("SQLite plan check; PostgreSQL plans depend on table statistics")
    from sqlalchemy import event
    from test_stats import add_orders

    cid = factories.customer(svc.engine, "Whale")
    add_orders(svc, cid, 500)
    cursor = svc.list_orders(cid, limit=50).next_cursor
    statements: list[tuple[str, Any]] = []

    def capture(_c: object, _cur: object, statement: str, params: Any, *_: object) -> None:
        statements.append((statement, params))

    event.listen(svc.engine, "before_cursor_execute", capture)
    try:
        svc.list_orders(cid, limit=50, cursor=cursor)
    finally:
        event.remove(svc.engine, "before_cursor_execute", capture)
    [(sql, params)] = [s for s in statements if "ORDER BY orders.created_at DESC" in s[0]]
    with svc.engine.connect() as connection:
        plan = [
            str(row[-1])
            for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        ]
    assert any("SEARCH orders USING INDEX ix_orders_customer_created" in d for d in plan), plan
    assert not any("TEMP B-TREE" in d for d in plan), plan


def test_next_pages_carry_the_total_and_run_one_statement(svc: SqlStoreService) -> None:
    """A next page neither re-checks the customer nor counts: the cursor has the total."""
    from sqlalchemy import event
    from test_stats import add_orders

    cid = factories.customer(svc.engine, "Whale")
    add_orders(svc, cid, 30)
    pid = factories.product(svc.engine)
    for _ in range(3):
        factories.subscription(svc.engine, cid, pid)
        factories.item(svc.engine, cid, pid)
    lists = (
        lambda c: svc.list_orders(cid, limit=10, cursor=c),
        lambda c: svc.list_orders(cid, status=OrderStatus.COMPLETED, limit=10, cursor=c),
        lambda c: svc.list_subscriptions(cid, limit=1, cursor=c),
        lambda c: svc.list_inventory(cid, limit=1, cursor=c),
    )
    statements: list[str] = []

    def capture(_c: object, _cur: object, statement: str, *_: object) -> None:
        statements.append(statement)

    for fetch in lists:
        first = fetch(None)
        assert first.total is not None
        assert first.next_cursor
        statements.clear()
        event.listen(svc.engine, "before_cursor_execute", capture)
        try:
            second = fetch(first.next_cursor)
        finally:
            event.remove(svc.engine, "before_cursor_execute", capture)
        assert second.total == first.total
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
        assert not any("count(" in s for s in statements)
