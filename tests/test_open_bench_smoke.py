"""Smoke test of issue 13's overhead benchmark at a tiny size: it completes, and its
counts say what the benchmark is for (timings are never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.open_bench import markdown, run_open_bench

from storeadmin.data import open_sql_store
from storeadmin.demo import build_demo_store


@pytest.mark.slow
def test_open_bench_counts_statements_and_transactions(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    build_demo_store(str(path), customers=300, seed=1, whale_orders=400)
    service = open_sql_store(str(path), actor="bench")
    try:
        results = run_open_bench(service, count=12, progress=lambda _m: None)
    finally:
        service.close()
    by_kind = {r.kind: r for r in results}
    assert set(by_kind) == {
        "open (6 reads)",
        "open (open_customer)",
        "open whale (open_customer)",
        "exact-ID search",
        "orders page (100 rows)",
    }
    assert (
        by_kind["open (6 reads)"].counts.statements,
        by_kind["open (6 reads)"].counts.transactions,
    ) == (14, 6)
    opened = by_kind["open (open_customer)"].counts
    assert (opened.statements, opened.transactions, opened.round_trips) == (1, 1, None)
    assert by_kind["orders page (100 rows)"].counts.statements == 1
    assert "| open (open_customer) | 12 |" in markdown(results, "SQLite")
