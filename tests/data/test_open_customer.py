"""``open_customer``: the same header and first pages as the single reads, in one
statement and one transaction; counts only for a full page; NotFound without a customer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import event

from storeadmin.core.errors import NotFound
from storeadmin.core.models import MetadataField, Page
from storeadmin.core.overview import compose_overview
from storeadmin.data import SqlStoreService
from support import factories
from support.memory_store import copy_of, open_memory_store

T = TypeVar("T")
T0 = factories.T0
NOW = T0 + timedelta(days=40)


@pytest.fixture
def svc(service: SqlStoreService) -> SqlStoreService:
    """The same store with the clock fixed at NOW."""
    return SqlStoreService(service.engine, actor="alice", clock=lambda: NOW)


@contextmanager
def counting(svc: SqlStoreService) -> Iterator[dict[str, int]]:
    """Statements (BEGIN/COMMIT aside) and transactions run inside the block."""
    seen = {"statements": 0, "transactions": 0}

    def on_execute(*args: Any) -> None:
        if not str(args[2]).lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen["statements"] += 1

    def on_begin(_conn: Any) -> None:
        seen["transactions"] += 1

    event.listen(svc.engine, "before_cursor_execute", on_execute)
    event.listen(svc.engine, "begin", on_begin)
    try:
        yield seen
    finally:
        event.remove(svc.engine, "before_cursor_execute", on_execute)
        event.remove(svc.engine, "begin", on_begin)


def walk(first: Page[T], fetch: Callable[[str], Page[T]]) -> list[T]:
    """The items of ``first`` and of every page after it."""
    items, cursor = list(first.items), first.next_cursor
    while cursor is not None:
        page = fetch(cursor)
        items += page.items
        cursor = page.next_cursor
    return items


def busy_customer(svc: SqlStoreService) -> str:
    """A banned customer with some of everything: every order status, subscriptions of
    three intervals, active / expired / revoked items, mixed-case metadata, history."""
    engine = svc.engine
    factories.store_settings(engine, currency="EUR")
    server = factories.game_server(engine)
    pid = factories.product(engine)
    cid = factories.customer(engine, "Busy Bee")
    factories.customer(engine, "Other", external_id="76561198000000002")
    statuses = ("completed", "refunded", "chargeback", "created", "canceled")
    for n in range(9):
        factories.order(
            engine,
            cid,
            pid,
            status=statuses[n % 5],
            total=1000 + n,
            fees=30,
            refunded=500 if n == 5 else 0,
            created_at=T0 + timedelta(days=n // 2),  # pairs share a time: id breaks ties
        )
    for interval in ((1, "month"), (1, "year"), (7, "day")):
        factories.subscription(engine, cid, pid, interval=interval)
    factories.subscription(engine, cid, pid, status="canceled", cancel_reason="too dear")
    factories.item(engine, cid, pid, server_ids=[server], granted_at=T0)
    factories.item(engine, cid, pid, granted_at=T0, expires_at=T0 + timedelta(days=1))
    factories.item(engine, cid, pid, state="revoked", granted_at=T0 + timedelta(days=2))
    factories.metadata(engine, cid, zeta="1", Alpha="2", alpha="3", DiscordID="42")
    svc.ban_customer(cid, reason="chargebacks", until=NOW + timedelta(days=3))
    customer = svc.get_customer(cid).customer
    svc.edit_customer(cid, expected_version=customer.version, username="Busy Bee 2")
    return cid


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_open_customer_is_the_single_reads_at_once(svc: SqlStoreService, limit: int) -> None:
    cid = busy_customer(svc)
    overview = svc.open_customer(cid, limit=limit)
    assert overview == compose_overview(svc, cid, limit)
    assert overview.details.customer.ban is not None
    assert overview.orders.total == 9
    assert [f.key for f in overview.metadata] == ["Alpha", "alpha", "DiscordID", "zeta"]
    assert overview.metadata[0] == MetadataField("Alpha", "2")
    # Each tab goes on from the overview's cursor with its own list read.
    assert walk(overview.orders, lambda c: svc.list_orders(cid, limit=limit, cursor=c)) == list(
        svc.list_orders(cid, limit=100).items
    )
    assert walk(
        overview.inventory, lambda c: svc.list_inventory(cid, limit=limit, cursor=c)
    ) == list(svc.list_inventory(cid, limit=100).items)
    assert walk(
        overview.subscriptions, lambda c: svc.list_subscriptions(cid, limit=limit, cursor=c)
    ) == list(svc.list_subscriptions(cid, limit=100).items)
    assert walk(overview.history, lambda c: svc.list_audit(cid, limit=limit, cursor=c)) == list(
        svc.list_audit(cid, limit=100).items
    )


def test_one_statement_in_one_transaction(svc: SqlStoreService) -> None:
    cid = busy_customer(svc)
    svc.open_customer(cid)  # the store's currency is read once per service
    with counting(svc) as seen:
        svc.open_customer(cid)
    assert seen == {"statements": 1, "transactions": 1}


def test_only_a_full_page_is_counted(svc: SqlStoreService) -> None:
    cid = busy_customer(svc)
    svc.open_customer(cid)
    # Full pages of inventory and subscriptions are counted (the orders total comes with
    # the header's sums by status); a history page has no total.
    with counting(svc) as seen:
        overview = svc.open_customer(cid, limit=2)
    assert seen == {"statements": 3, "transactions": 1}
    assert (overview.inventory.total, overview.subscriptions.total) == (3, 4)
    with counting(svc) as seen:
        svc.open_customer(cid, limit=3)
    assert seen == {"statements": 2, "transactions": 1}  # inventory fits, subscriptions not


def test_an_empty_customer(svc: SqlStoreService) -> None:
    cid = factories.customer(svc.engine)
    overview = svc.open_customer(cid)
    assert overview == compose_overview(svc, cid, 100)
    assert (overview.orders.total, overview.inventory.total, overview.subscriptions.total) == (
        0,
        0,
        0,
    )
    assert overview.details.stats.total_spent_net.amount == 0
    assert overview.history.items == ()
    assert overview.metadata == ()


def test_no_such_customer(svc: SqlStoreService) -> None:
    factories.customer(svc.engine)
    svc.open_customer("1")
    with counting(svc) as seen, pytest.raises(NotFound, match="no customer with ID 999"):
        svc.open_customer("999")
    assert seen == {"statements": 1, "transactions": 1}


def test_the_memory_store_opens_the_same_customer(svc: SqlStoreService) -> None:
    cid = busy_customer(svc)
    memory = open_memory_store(copy_of(svc, f"open-customer-{id(svc)}"), actor="alice")
    theirs, ours = memory.open_customer(cid, limit=2), svc.open_customer(cid, limit=2)
    assert theirs == compose_overview(memory, cid, 2)
    assert theirs.details.stats == ours.details.stats
    for tab in ("orders", "inventory", "subscriptions"):
        assert [x.id for x in getattr(theirs, tab).items] == [
            x.id for x in getattr(ours, tab).items
        ]
        assert getattr(theirs, tab).total == getattr(ours, tab).total
    assert theirs.metadata == ours.metadata
    with pytest.raises(NotFound):
        memory.open_customer("999")
