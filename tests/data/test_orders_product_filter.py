"""``list_orders(product_id=)``: the Orders tab's product filter, on SQLite, PostgreSQL and
the memory store (which must agree with SQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy.orm import Session

from storeadmin.core.errors import NotFound
from storeadmin.core.models import OrderStatus, Page
from storeadmin.core.service import StoreService
from storeadmin.data import SqlStoreService
from storeadmin.data.schema import OrderLineRow
from support import factories
from support.memory_store import copy_of, open_memory_store

T = TypeVar("T")
T0 = factories.T0


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


def _build(svc: SqlStoreService) -> tuple[str, str, str, str, list[str], list[str]]:
    """A customer with 12 orders: kit on every third, VIP on the rest, and one order of
    both (a second line); another customer's kit order. Returns (customer, kit, vip,
    none-product, kit orders newest first, all orders newest first)."""
    engine = svc.engine
    kit = factories.product(engine, "Kit")
    vip = factories.product(engine, "VIP")
    unused = factories.product(engine, "Unused")
    cid = factories.customer(engine)
    other = factories.customer(engine, "Bob", external_id="76561198000000002")
    factories.order(engine, other, kit, product_name="Kit", created_at=T0)
    ids: list[str] = []
    for n in range(12):
        on_kit = n % 3 == 0
        ids.append(
            factories.order(
                engine,
                cid,
                kit if on_kit else vip,
                product_name="Kit" if on_kit else "VIP",
                status="refunded" if n % 2 else "completed",
                created_at=T0 + timedelta(hours=n),
            )
        )
    # Order 4 (VIP) also has a kit line.
    with Session(engine) as session, session.begin():
        session.add(
            OrderLineRow(
                order_id=int(ids[4]),
                product_id=int(kit),
                product_name="Kit",
                quantity=1,
                unit_price=100,
                total=100,
            )
        )
    newest = ids[::-1]
    kit_orders = [i for i in newest if ids.index(i) % 3 == 0 or i == ids[4]]
    return cid, kit, vip, unused, kit_orders, newest


def _check(store: StoreService, built: tuple[str, str, str, str, list[str], list[str]]) -> None:
    cid, kit, vip, unused, kit_orders, newest = built
    first = store.list_orders(cid, product_id=kit, limit=2)
    assert [o.id for o in first.items] == kit_orders[:2]
    assert first.total == len(kit_orders) == 5
    assert first.has_more
    assert [
        o.id for o in walk(lambda c: store.list_orders(cid, product_id=kit, limit=2, cursor=c))
    ] == kit_orders
    # VIP: every order not on the third (order 4 has both lines).
    chronological = newest[::-1]
    vip_orders = [i for n, i in enumerate(chronological) if n % 3][::-1]
    assert [o.id for o in store.list_orders(cid, product_id=vip).items] == vip_orders
    # With a status too: the kit orders 3 and 9 are the refunded ones (odd hours).
    refunded = store.list_orders(cid, product_id=kit, status=OrderStatus.REFUNDED)
    assert [o.id for o in refunded.items] == [chronological[9], chronological[3]]
    assert refunded.total == 2
    empty = store.list_orders(cid, product_id=unused)
    assert empty.items == ()
    assert empty.total == 0
    assert [o.id for o in store.list_orders(cid).items] == newest
    with pytest.raises(NotFound):
        store.list_orders("999999", product_id=kit)


def test_sql_filters_orders_by_product(service: SqlStoreService) -> None:
    _check(service, _build(service))


def test_memory_store_filters_like_sql(service: SqlStoreService) -> None:
    built = _build(service)
    memory = open_memory_store(copy_of(service, f"product-filter-{id(service)}"), actor="alice")
    _check(memory, built)
    cid, kit = built[0], built[1]
    assert [o.id for o in memory.list_orders(cid, product_id=kit).items] == [
        o.id for o in service.list_orders(cid, product_id=kit).items
    ]
