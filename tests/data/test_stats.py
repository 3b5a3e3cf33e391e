"""get_customer's stats header: the arithmetic of data.stats, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import insert

from storeadmin.core.errors import NotFound
from storeadmin.data import SqlStoreService
from storeadmin.data.schema import OrderRow
from storeadmin.data.stats import month_start, round_half_up
from support import factories

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture
def svc(service: SqlStoreService) -> SqlStoreService:
    """The same store with the clock fixed at NOW."""
    return SqlStoreService(service.engine, actor="alice", clock=lambda: NOW)


def test_round_half_up_and_month_start() -> None:
    assert round_half_up(Fraction(15, 2)) == 8
    assert round_half_up(Fraction(13, 2)) == 7
    assert round_half_up(Fraction(-15, 2)) == -8
    assert round_half_up(Fraction(986301, 1000)) == 986
    assert month_start(NOW, 0) == datetime(2026, 3, 1, tzinfo=UTC)
    assert month_start(NOW, 11) == datetime(2025, 4, 1, tzinfo=UTC)
    assert month_start(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2025, 12, 1, tzinfo=UTC)


def test_net_spent_payments_refunds_chargebacks(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine)
    other = factories.customer(engine, "Other", external_id="76561198000000002")
    factories.order(engine, cid, pid, total=1000, fees=100)  # +900
    factories.order(engine, cid, pid, total=2000, fees=50, refunded=500)  # partial: +1450
    factories.order(engine, cid, pid, status="refunded", total=800, fees=30, refunded=800)  # -30
    factories.order(engine, cid, pid, status="chargeback", total=600, fees=20)  # -20
    factories.order(engine, cid, pid, status="created", total=999)  # never paid
    factories.order(engine, cid, pid, status="canceled", total=500)  # never paid
    factories.order(engine, other, pid, total=123456)  # someone else's
    stats = svc.get_customer(cid).stats
    assert stats.total_spent_net.amount == 900 + 1450 - 30 - 20
    assert stats.total_spent_net.currency == "USD"
    assert stats.total_payments == 2
    assert stats.total_refunds == 2
    assert stats.total_chargebacks == 1
    assert stats.active_subscriptions == 0
    assert stats.mrr.amount == 0
    # Search shows the same net figure.
    [hit] = [r for r in svc.search_customers("alice").items if r.id == cid]
    assert hit.net_spent == stats.total_spent_net


def test_store_currency_is_used(svc: SqlStoreService) -> None:
    factories.store_settings(svc.engine, currency="EUR")
    cid = factories.customer(svc.engine)
    fresh = SqlStoreService(svc.engine, actor="alice", clock=lambda: NOW)
    details = fresh.get_customer(cid)
    assert details.stats.total_spent_net.currency == "EUR"
    assert details.stats.mrr.currency == "EUR"
    assert {p.amount.currency for p in details.spend_by_month} == {"EUR"}


def test_mrr_of_yearly_weekly_and_monthly_subscriptions(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine, type="subscription")
    cid = factories.customer(engine)
    factories.subscription(engine, cid, pid, amount=12000, interval=(1, "year"))  # 986.30…
    factories.subscription(engine, cid, pid, amount=700, interval=(1, "week"))  # 3000
    factories.subscription(engine, cid, pid, amount=999, interval=(1, "month"))  # 999
    factories.subscription(engine, cid, pid, amount=5000, interval=(1, "month"), status="canceled")
    factories.subscription(engine, cid, pid, amount=5000, interval=(1, "month"), status="created")
    stats = svc.get_customer(cid).stats
    assert stats.active_subscriptions == 3
    # Exact sum 4985.3013…, rounded once.
    assert stats.mrr.amount == 4985


def test_mrr_rounds_half_up(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine, type="subscription")
    cid = factories.customer(engine)
    factories.subscription(engine, cid, pid, amount=1, interval=(4, "day"))  # 7.5
    assert svc.get_customer(cid).stats.mrr.amount == 8
    factories.subscription(engine, cid, pid, amount=1, interval=(4, "day"))  # 15.0
    assert svc.get_customer(cid).stats.mrr.amount == 15


def test_spend_by_month_last_twelve_months(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine)
    factories.order(engine, cid, pid, total=1000, created_at=datetime(2026, 3, 1, tzinfo=UTC))
    factories.order(
        engine, cid, pid, total=300, fees=10, created_at=datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
    )
    factories.order(
        engine,
        cid,
        pid,
        status="refunded",
        total=400,
        fees=5,
        refunded=400,
        created_at=datetime(2026, 1, 15, tzinfo=UTC),
    )
    factories.order(engine, cid, pid, total=250, created_at=datetime(2025, 4, 1, tzinfo=UTC))
    factories.order(  # the month before the window
        engine, cid, pid, total=7777, created_at=datetime(2025, 3, 31, 23, 59, tzinfo=UTC)
    )
    factories.order(  # unpaid
        engine, cid, pid, status="created", total=50, created_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    points = svc.get_customer(cid).spend_by_month
    assert [p.month for p in points] == [
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
        "2025-08",
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    amounts = {p.month: p.amount.amount for p in points}
    assert amounts["2026-03"] == 1000 + 290
    assert amounts["2026-01"] == -5
    assert amounts["2025-04"] == 250
    assert amounts["2026-02"] == 0
    assert sum(amounts.values()) == 1000 + 290 - 5 + 250


def test_get_customer_details_and_not_found(svc: SqlStoreService) -> None:
    engine = svc.engine
    cid = factories.customer(
        engine, "Banned", ban_reason="cheating", ban_expires_at=NOW + timedelta(days=1)
    )
    details = svc.get_customer(cid)
    assert details.customer.username == "Banned"
    assert details.customer.ban is not None
    assert details.customer.ban.reason == "cheating"
    assert details.customer.version == "1"
    assert details.stats.total_payments == 0
    assert len(details.spend_by_month) == 12
    with pytest.raises(NotFound, match="no customer with ID 999"):
        svc.get_customer(999)


def add_orders(svc: SqlStoreService, customer_id: int, count: int) -> None:
    """Bulk-insert ``count`` orders (Core executemany): every 10th refunded, 50th chargeback."""
    start = NOW - timedelta(days=count // 20 + 1)
    rows = []
    for i in range(count):
        status = "chargeback" if i % 50 == 0 else "refunded" if i % 10 == 0 else "completed"
        rows.append(
            {
                "customer_id": customer_id,
                "subscription_id": None,
                "status": status,
                "products": "VIP Rank",
                "subtotal": 1000,
                "discount": 0,
                "tax": 0,
                "fees": 30,
                "refunded": 1000 if status == "refunded" else 0,
                "total": 1000,
                "gateway": "stripe",
                "created_at": start + timedelta(minutes=i),
                "completed_at": start + timedelta(minutes=i),
            }
        )
    with svc.engine.begin() as connection:
        connection.execute(insert(OrderRow), rows)


def test_customer_with_20000_orders(svc: SqlStoreService) -> None:
    """Figures stay right for a big customer; the first page is one page."""
    engine = svc.engine
    cid = factories.customer(engine, "Whale")
    add_orders(svc, cid, 20_000)
    stats = svc.get_customer(cid).stats
    chargebacks = 20_000 // 50
    refunded = 20_000 // 10 - chargebacks
    completed = 20_000 - chargebacks - refunded
    assert stats.total_payments == completed
    assert stats.total_chargebacks == chargebacks
    assert stats.total_refunds == refunded
    assert stats.total_spent_net.amount == completed * 970 - refunded * 30 - chargebacks * 30
    page = svc.list_orders(cid)
    assert len(page.items) == 100
    assert page.total == 20_000
    assert page.items[0].created_at > page.items[-1].created_at


def test_stats_header_reads_the_covering_index_only(svc: SqlStoreService) -> None:
    """The header and sparkline sums never touch the orders table (SQLite plan)."""
    if svc.engine.dialect.name != "sqlite":
        pytest.skip("SQLite plan check; PostgreSQL plans depend on table statistics")
    from sqlalchemy import event

    cid = factories.customer(svc.engine, "Whale")
    add_orders(svc, cid, 300)
    statements: list[tuple[str, Any]] = []

    def capture(_c: object, _cur: object, statement: str, params: Any, *_: object) -> None:
        statements.append((statement, params))

    event.listen(svc.engine, "before_cursor_execute", capture)
    try:
        svc.get_customer(cid)
        svc.search_customers("Whale")
    finally:
        event.remove(svc.engine, "before_cursor_execute", capture)
    sums = [s for s in statements if "sum(orders.total)" in s[0]]
    assert len(sums) == 3  # header, sparkline, search figures
    with svc.engine.connect() as connection:
        for sql, params in sums:
            plan = [
                str(row[-1])
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
            ]
            assert any(
                "USING COVERING INDEX ix_orders_customer_status_amounts" in d for d in plan
            ), plan
            assert not any(d.startswith("SCAN orders") for d in plan), plan


def test_search_figures_match_the_header_for_a_big_customer(svc: SqlStoreService) -> None:
    engine = svc.engine
    pid = factories.product(engine)
    cid = factories.customer(engine, "Whale")
    add_orders(svc, cid, 1_000)
    factories.subscription(engine, cid, pid, status="active")
    factories.subscription(engine, cid, pid, status="active")  # one badge, not two rows
    [hit] = svc.search_customers("Whale").items
    assert hit.net_spent == svc.get_customer(cid).stats.total_spent_net
    assert hit.active_subscriber
