"""A demo store's history is history: the first expiry sweep queues nothing for items
that ended before the demo's anchor (as migration 0003 marks such items)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.data.engine import make_engine
from storeadmin.data.schema import InventoryItemRow
from storeadmin.demo import DEMO_ANCHOR, build_demo_store


def test_first_sweep_of_a_demo_store_queues_only_what_ended_after_its_anchor(
    store_url: str,
) -> None:
    build_demo_store(store_url, customers=300, whale_orders=400)
    engine = make_engine(store_url)
    try:
        items = InventoryItemRow
        with engine.connect() as connection:
            ended = connection.execute(
                select(func.count()).where(
                    items.state == "active",
                    items.expires_at <= DEMO_ANCHOR,
                )
            ).scalar_one()
        assert ended > 0  # the demo has items that ended before its anchor
        at_anchor = SqlDeliveryService(engine, actor="system", clock=lambda: DEMO_ANCHOR)
        assert at_anchor.sweep_expired(limit=100_000).items == 0
        later = DEMO_ANCHOR + timedelta(days=3)
        with engine.connect() as connection:
            due = connection.execute(
                select(func.count()).where(
                    items.state == "active",
                    items.expires_at > DEMO_ANCHOR,
                    items.expires_at <= later,
                )
            ).scalar_one()
        after = SqlDeliveryService(engine, actor="system", clock=lambda: later)
        assert after.sweep_expired(limit=100_000).items == due
    finally:
        engine.dispose()
