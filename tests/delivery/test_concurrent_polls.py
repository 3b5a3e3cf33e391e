"""Several ``serve`` processes on one store: polls of one server from two services at
once count every hand-out (no lost update of ``delivered_count``), on both backends."""

from __future__ import annotations

import threading

from tests.delivery.conftest import Store

from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.data.engine import make_engine


def test_two_serve_processes_polling_one_server_count_every_hand_out(
    store: Store, store_url: str
) -> None:
    item = store.item(store.customer(), store.product())
    attempts = [store.attempt(item, f"say {n}") for n in range(20)]
    engines = [make_engine(store_url) for _ in range(2)]
    services = [SqlDeliveryService(engine, actor="serve") for engine in engines]
    handed: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2, timeout=10)

    def run(service: SqlDeliveryService) -> None:
        try:
            barrier.wait()
            for _ in range(10):
                handed.append(len(service.poll(store.server_id, None)))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(s,)) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    counts = [store.admin.get_command_attempt(a).delivered_count for a in attempts]
    assert counts == [20] * 20
    assert sum(handed) == 20 * 20
