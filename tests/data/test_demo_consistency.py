"""A demo store reads true on the day it is built: nothing active is already past due."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storeadmin.data.engine import make_engine
from storeadmin.data.schema import InventoryItemRow, OrderRow, SubscriptionRow
from storeadmin.demo import DEMO_ANCHOR, build_demo_store, todays_anchor
from storeadmin.demo import build as demo_build

BUILT_ON = datetime(2026, 12, 1, 8, 57, tzinfo=UTC)


def test_todays_anchor_is_noon_utc_of_the_day() -> None:
    assert todays_anchor(BUILT_ON) == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_no_active_subscription_is_past_due_and_its_items_are_live(store_url: str) -> None:
    anchor = todays_anchor(BUILT_ON)
    build_demo_store(store_url, customers=300, whale_orders=400, anchor=anchor)
    engine = make_engine(store_url)
    try:
        subs, items, orders = SubscriptionRow, InventoryItemRow, OrderRow
        with engine.connect() as connection:
            active = connection.execute(
                select(func.count()).where(subs.status == "active")
            ).scalar_one()
            past_due = connection.execute(
                select(func.count()).where(subs.status == "active", subs.next_billing_at <= anchor)
            ).scalar_one()
            ended_items_of_active_subs = connection.execute(
                select(func.count())
                .select_from(items)
                .join(orders, orders.id == items.order_id)
                .join(subs, subs.id == orders.subscription_id)
                .where(subs.status == "active", items.expires_at <= anchor)
            ).scalar_one()
    finally:
        engine.dispose()
    assert active > 0
    assert past_due == 0
    assert ended_items_of_active_subs == 0


def test_the_demo_store_for_use_is_anchored_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``storeadmin --demo`` builds around today, not the fixed anchor tests use."""
    seen: list[datetime] = []
    monkeypatch.setattr(
        demo_build, "build_demo_store", lambda path, **options: seen.append(options["anchor"])
    )
    demo_build.ensure_demo_store(str(tmp_path / "demo.sqlite3"))
    assert seen == [todays_anchor()]
    assert seen[0] != DEMO_ANCHOR
