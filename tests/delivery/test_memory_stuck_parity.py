"""The memory store (which the UI tests run on beside SQL) lists stuck deliveries as the
SQL store does: failed attempts wait too, online-only attempts of unseen players count."""

from __future__ import annotations

from datetime import timedelta

from conftest import Store
from storeadmin.core.models import CommandStatus
from storeadmin.data import open_sql_store
from support import memory_store


def test_memory_store_lists_what_the_sql_store_lists(store: Store) -> None:
    customer = store.customer()
    item = store.item(customer, store.product())
    waiting = store.attempt(item, "waits")
    unseen = store.attempt(item, "needs player", online_only=True)
    failing = store.attempt(item, "handed out, never acknowledged")
    for _ in range(5):  # the default rule: failed once handed out 5 times without an ack
        store.delivery.poll(store.server_id, None)
    source = open_sql_store(store.engine.url.render_as_string(hide_password=False), actor="alice")
    try:
        statuses = {a.id: a.status for a in source.list_customer_commands(str(customer))}
        assert statuses[failing] is CommandStatus.FAILED
        location = memory_store.copy_of(source, f"stuck-{id(store)}")
    finally:
        source.close()
    memory = memory_store.open_memory_store(location, actor="alice")
    window = {"waiting_longer_than": timedelta(0), "player_unseen_for": timedelta(hours=1)}
    sql_stuck = store.admin.list_stuck_deliveries(**window)
    memory_stuck = memory.list_stuck_deliveries(**window)
    assert {a.id for a in sql_stuck.waiting} == {waiting, unseen, failing}
    assert [a.id for a in memory_stuck.waiting] == [a.id for a in sql_stuck.waiting]
    assert [a.id for a in memory_stuck.player_unseen] == [unseen]
    assert [a.id for a in sql_stuck.player_unseen] == [unseen]
