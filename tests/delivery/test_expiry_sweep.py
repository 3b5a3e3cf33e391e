"""The expiry sweep queues an item's on_expire commands exactly once, also when two
sweepers race (two services, two threads) on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from tests.delivery.conftest import STEAM, Store

from storeadmin.core.delivery import SYSTEM_ACTOR
from storeadmin.data.delivery_schema import ATTEMPTS
from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.data.engine import make_engine
from storeadmin.data.schema import AuditRow


def _expire_attempts(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(
            connection.execute(
                select(ATTEMPTS.c.command).where(ATTEMPTS.c.stage == "on_expire")
            ).scalars()
        )


def test_a_sweep_queues_on_expire_once_and_audits_as_the_system(store: Store) -> None:
    customer = store.customer()
    product = store.product()
    past = datetime.now(UTC) - timedelta(minutes=1)
    store.item(customer, product, expires_at=past)
    store.item(customer, product, expires_at=datetime.now(UTC) + timedelta(days=1))
    store.item(customer, store.product(expire_command=None), expires_at=past)
    first = store.delivery.sweep_expired()
    second = store.delivery.sweep_expired()
    assert (first.items, first.commands) == (2, 1)
    assert (second.items, second.commands) == (0, 0)
    assert _expire_attempts(store) == [f"remove {STEAM} vip"]
    with store.engine.connect() as connection:
        actors = connection.execute(
            select(AuditRow.actor).where(AuditRow.action == "item.expire")
        ).scalars()
        assert set(actors) == {SYSTEM_ACTOR}


def test_two_concurrent_sweepers_queue_exactly_once(store: Store, store_url: str) -> None:
    customer = store.customer()
    product = store.product()
    past = datetime.now(UTC) - timedelta(minutes=1)
    items = [store.item(customer, product, expires_at=past) for _ in range(40)]
    engines = [make_engine(store_url) for _ in range(2)]
    sweepers = [SqlDeliveryService(engine, actor="serve") for engine in engines]
    barrier = threading.Barrier(2, timeout=10)
    results: list[int] = []
    errors: list[BaseException] = []

    def run(sweeper: SqlDeliveryService) -> None:
        try:
            barrier.wait()
            results.append(sweeper.sweep_expired().items)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(s,)) for s in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    assert sum(results) == len(items)
    assert len(_expire_attempts(store)) == len(items)
    with store.engine.connect() as connection:
        audits = connection.execute(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "item.expire")
        ).scalar_one()
    assert audits == len(items)
