"""The tab lists' prepared keyset pages (``data.paging.TabPages``): every list, each of
its filters, paged to the end through cursors at several page sizes, equals a plain
query and the single reads; a next page is one statement in one transaction, a first
page two; the errors stay what they were. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import insert, select
from test_open_customer import counting

from storeadmin.core.errors import NotFound
from storeadmin.core.models import ItemState, OrderStatus, Page, SubscriptionStatus
from storeadmin.data import SqlStoreService
from storeadmin.data.schema import (
    AuditRow,
    InventoryItemRow,
    OrderLineRow,
    OrderRow,
    SubscriptionRow,
)
from support import factories

T = TypeVar("T")
T0 = factories.T0
NOW = T0 + timedelta(days=40)
SIZES = (1, 2, 3, 7, 100)


@pytest.fixture
def svc(service: SqlStoreService) -> SqlStoreService:
    """The same store with the clock fixed at NOW (item states depend on it)."""
    return SqlStoreService(service.engine, actor="alice", clock=lambda: NOW)


def walk(fetch: Callable[[str | None], Page[T]]) -> tuple[list[T], set[int | None]]:
    """Every item of a list through its cursors, and the totals its pages gave."""
    items: list[T] = []
    totals: set[int | None] = set()
    cursor = None
    for _ in range(1000):
        page = fetch(cursor)
        items += page.items
        totals.add(page.total)
        cursor = page.next_cursor
        if cursor is None:
            return items, totals
    raise AssertionError("paging did not end")


def _times(n: int) -> Any:
    """Times with ties (pairs share one: the id breaks them) and microseconds."""
    return T0 + timedelta(hours=n // 2, microseconds=137 * (n % 5))


def build(svc: SqlStoreService) -> tuple[str, str, str]:
    """A customer with 23 orders (every status, two products, pairs at one time), 11
    subscriptions, 13 items (active, expired, revoked; some with servers), 9 history
    entries; another customer with one of each. Returns (customer, kit, vip)."""
    engine = svc.engine
    factories.store_settings(engine, currency="EUR")
    server = factories.game_server(engine)
    kit = factories.product(engine, "Kit")
    vip = factories.product(engine, "VIP")
    cid = factories.customer(engine, "Pager")
    other = factories.customer(engine, "Other", external_id="76561198000000002")
    statuses = [s.value for s in OrderStatus]
    for n in range(23):
        factories.order(
            engine,
            cid,
            kit if n % 3 == 0 else vip,
            status=statuses[n % len(statuses)],
            total=1000 + n,
            refunded=n if n % 4 == 0 else 0,
            created_at=_times(n),
        )
    for n in range(11):
        status = "canceled" if n % 3 == 0 else "active"
        factories.subscription(engine, cid, vip, status=status, created_at=_times(n))
    for n in range(13):
        state = "revoked" if n % 5 == 0 else "active"
        expires = T0 + timedelta(days=10) if n % 4 == 1 else None
        servers = [server] if n % 2 else []
        factories.item(
            engine,
            cid,
            kit,
            state=state,
            granted_at=_times(n),
            expires_at=expires,
            server_ids=servers,
        )
    with engine.begin() as conn:
        for n in range(9):
            conn.execute(
                insert(AuditRow).values(
                    at=_times(n),
                    actor="alice",
                    action="customer.edit",
                    target_type="customer",
                    target_id=cid,
                    customer_id=int(cid),
                    before=None if n % 3 == 0 else {"username": f"old {n}"},
                    after={"username": f"new {n}", "at": n},
                    reason=None if n % 2 else "why",
                )
            )
    factories.order(engine, other, kit, created_at=_times(3))
    factories.subscription(engine, other, vip, created_at=_times(3))
    factories.item(engine, other, kit, granted_at=_times(3))
    return cid, kit, vip


def plain_ids(svc: SqlStoreService, query: Any) -> list[str]:
    with svc.engine.connect() as conn:
        return [str(row[0]) for row in conn.execute(query)]


def newest_first(entity: Any, time_column: Any, cid: str, *where: Any) -> Any:
    return (
        select(entity.id)
        .where(entity.customer_id == int(cid), *where)
        .order_by(time_column.desc(), entity.id.desc())
    )


def test_orders_paged_to_the_end_equal_a_plain_query(svc: SqlStoreService) -> None:
    cid, kit, _vip = build(svc)
    o = OrderRow
    with_kit = o.id.in_(select(OrderLineRow.order_id).where(OrderLineRow.product_id == int(kit)))
    cases: list[tuple[dict[str, Any], list[Any]]] = [({}, [])]
    cases += [({"status": s}, [o.status == s.value]) for s in OrderStatus]
    cases.append(({"product_id": kit}, [with_kit]))
    cases.append(
        ({"product_id": kit, "status": OrderStatus.COMPLETED}, [with_kit, o.status == "completed"])
    )
    for filters, where in cases:
        expected = plain_ids(svc, newest_first(o, o.created_at, cid, *where))
        for size in SIZES:
            orders, totals = walk(
                lambda c, f=filters, n=size: svc.list_orders(cid, limit=n, cursor=c, **f)
            )
            assert [x.id for x in orders] == expected, (filters, size)
            assert totals == {len(expected)}, (filters, size)
        assert orders == [svc.get_order(i).order for i in expected]


def test_subscriptions_paged_to_the_end_equal_a_plain_query(svc: SqlStoreService) -> None:
    cid, _kit, _vip = build(svc)
    s = SubscriptionRow
    for status in (None, *SubscriptionStatus):
        where = [] if status is None else [s.status == status.value]
        expected = plain_ids(svc, newest_first(s, s.created_at, cid, *where))
        for size in SIZES:
            found, totals = walk(
                lambda c, st=status, n=size: svc.list_subscriptions(
                    cid, status=st, limit=n, cursor=c
                )
            )
            assert [x.id for x in found] == expected, (status, size)
            assert totals == {len(expected)}
        assert found == [svc.get_subscription(i).subscription for i in expected]


def test_inventory_paged_to_the_end_equal_a_plain_query(svc: SqlStoreService) -> None:
    cid, _kit, _vip = build(svc)
    i = InventoryItemRow
    everything = plain_ids(svc, newest_first(i, i.granted_at, cid))
    items = [svc.get_item(item_id) for item_id in everything]
    assert {item.state for item in items} == set(ItemState)
    assert any(item.server_ids for item in items)
    for state in (None, *ItemState):
        expected = [x.id for x in items if state is None or x.state is state]
        for size in SIZES:
            found, totals = walk(
                lambda c, st=state, n=size: svc.list_inventory(cid, state=st, limit=n, cursor=c)
            )
            assert [x.id for x in found] == expected, (state, size)
            assert totals == {len(expected)}
        assert found == [x for x in items if x.id in expected]


def test_history_paged_to_the_end_equals_a_plain_query(svc: SqlStoreService) -> None:
    cid, _kit, _vip = build(svc)
    a = AuditRow
    expected = plain_ids(svc, select(a.id).where(a.customer_id == int(cid)).order_by(a.id.desc()))
    assert len(expected) == 9
    for size in SIZES:
        found, totals = walk(lambda c, n=size: svc.list_audit(cid, limit=n, cursor=c))
        assert [x.id for x in found] == expected
        assert totals == {None}
    assert found == [svc.get_audit_entry(cid, e).entry for e in expected]
    assert found[-1].before is None
    assert found[-1].after == {"username": "new 0", "at": 0}


def test_a_page_is_one_statement_in_one_transaction(svc: SqlStoreService) -> None:
    cid, kit, _vip = build(svc)
    lists: list[Callable[[str | None], Page[Any]]] = [
        lambda c: svc.list_orders(cid, limit=2, cursor=c),
        lambda c: svc.list_orders(cid, status=OrderStatus.COMPLETED, limit=1, cursor=c),
        lambda c: svc.list_orders(cid, product_id=kit, limit=2, cursor=c),
        lambda c: svc.list_subscriptions(cid, limit=2, cursor=c),
        lambda c: svc.list_subscriptions(cid, status=SubscriptionStatus.ACTIVE, limit=2, cursor=c),
        lambda c: svc.list_inventory(cid, limit=2, cursor=c),
        lambda c: svc.list_inventory(cid, state=ItemState.ACTIVE, limit=2, cursor=c),
        lambda c: svc.list_audit(cid, limit=2, cursor=c),
    ]
    for fetch in lists:
        with counting(svc) as first_seen:
            first = fetch(None)  # the currency is read once per service (orders, subscriptions)
        assert first_seen["transactions"] == 1
        with counting(svc) as first_seen:
            first = fetch(None)
        # the customer check and the count are one statement, the page the other
        assert first_seen == {"statements": 2, "transactions": 1}
        assert first.next_cursor is not None
        with counting(svc) as next_seen:
            fetch(first.next_cursor)
        assert next_seen == {"statements": 1, "transactions": 1}


def test_unknown_customers_and_foreign_cursors(svc: SqlStoreService) -> None:
    cid, _kit, _vip = build(svc)
    reads: list[Callable[..., Page[Any]]] = [
        svc.list_orders,
        svc.list_subscriptions,
        svc.list_inventory,
        svc.list_audit,
    ]
    for read in reads:
        with pytest.raises(NotFound, match="no customer with ID 999"):
            read("999")
    # History's next page has always checked the customer; the others give an empty page.
    history_cursor = svc.list_audit(cid, limit=1).next_cursor
    with pytest.raises(NotFound, match="no customer with ID 999"):
        svc.list_audit("999", cursor=history_cursor)
    orders_cursor = svc.list_orders(cid, limit=1).next_cursor
    assert svc.list_orders("999", cursor=orders_cursor).items == ()
