"""Migration 0003 on both backends: down to 0002 and back keeps the rows, and items
that had already expired before it are marked swept (no flood of old removals)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, inspect, select, text
from tests.delivery.conftest import Store

from storeadmin.data import migrate
from storeadmin.data.delivery_schema import ATTEMPTS, ITEMS


def test_down_and_up_keeps_attempts_and_marks_old_expiries_swept(store: Store) -> None:
    customer = store.customer()
    product = store.product()
    old = store.item(customer, product, expires_at=datetime.now(UTC) - timedelta(days=3))
    store.attempt(old, "say hi")
    migrate.downgrade(store.engine, "0002")
    columns = {c["name"] for c in inspect(store.engine).get_columns("command_attempts")}
    assert "delivered_count" not in columns
    assert "customer_presence" not in inspect(store.engine).get_table_names()
    migrate.upgrade(store.engine, backup=False)
    store.engine.dispose()
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ATTEMPTS)).scalar_one() == 1
        swept = connection.execute(
            select(ITEMS.c.expire_queued_at).where(ITEMS.c.id == old)
        ).scalar_one()
        assert swept is not None
        assert (
            connection.execute(text("SELECT delivered_count FROM command_attempts")).scalar() == 0
        )
    assert store.delivery.sweep_expired().items == 0
