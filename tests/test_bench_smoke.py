"""Smoke test of the performance benchmark: it runs end to end at a tiny size.

Only completion and the shape of the JSON are checked; timings are never asserted.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from benchmarks.run import main

REQUIRED_KEYS = (
    "search_exact_p95_ms",
    "search_prefix_p95_ms",
    "search_substring_p95_ms",
    "search_substring_vs_scan",
    "search_any_p95_ms",
    "open_big_p95_ms",
    "open_big_render_ms",
    "open_big_vs_small",
    "page_deep_p95_ms",
    "page_deep_render_ms",
    "max_table_rows",
    "cold_start_s",
    "cold_start_vs_bare",
    "keystroke_to_results_ms",
    "rss_mb",
    "rss_growth_mb",
    "demo_build_s",
    "customers",
)


@pytest.mark.slow
def test_benchmark_runs_at_a_tiny_size_and_writes_every_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    code = main(
        [
            "--customers",
            "2000",
            "--quick",
            "--iterations",
            "5",
            "--db-dir",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ]
    )
    assert code == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    for key in REQUIRED_KEYS:
        assert key in figures, key
        value = figures[key]
        assert isinstance(value, int | float), key
        assert not isinstance(value, bool), key
        assert math.isfinite(value), key
    assert figures["customers"] == 2000
    assert figures["demo_build_reused"] == 0
    printed = capsys.readouterr().out
    assert "EXPLAIN QUERY PLAN: prefix search" in printed
    assert "| metric | key | measured | target | met |" in printed


def test_cached_store_is_reused(tmp_path: Path) -> None:
    """A second run at the same size and seed reuses the store and its recorded build time."""
    from benchmarks.run import _parse, sqlite_store

    args = _parse(["--customers", "200", "--db-dir", str(tmp_path)])
    first_path, first = sqlite_store(args)
    second_path, second = sqlite_store(args)
    assert first_path == second_path
    assert first["demo_build_reused"] == 0
    assert second["demo_build_reused"] == 1
    assert second["demo_build_s"] == pytest.approx(first["demo_build_s"])
