"""The benchmark's output: a printed table with the issue-5 targets, and a flat JSON file."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.timing import Stats


@dataclass(frozen=True, slots=True)
class Target:
    """A goal: ``key`` must be ≤ (or ==) ``limit``."""

    key: str
    label: str
    limit: float
    unit: str = "ms"
    equal: bool = False

    def met(self, figures: dict[str, float]) -> bool | None:
        """True / False, or None when the figure was not measured."""
        value = figures.get(self.key)
        if value is None or math.isnan(value):
            return None
        return value == self.limit if self.equal else value <= self.limit


TARGETS: tuple[Target, ...] = (
    Target("search_exact_p95_ms", "exact lookups p95 (SteamID, UUID, order, Discord)", 5),
    Target("search_prefix_p95_ms", "name prefix p95", 10),
    Target("search_prefix_uses_index", "prefix search is an index SEARCH (1 = yes)", 1, "", True),
    Target("search_substring_p95_ms", "name substring p95 (SQLite)", 20),
    Target("search_substring_vs_scan", "substring p95 / LIKE-scan p95", 0.1, "×"),
    Target("search_any_p95_ms", "any input (1–2 chars, no match) p95", 250),
    Target("open_big_p95_ms", "open 20k-order customer, data layer p95", 50),
    Target("open_big_render_ms", "open 20k-order customer, rendered (median)", 750),
    Target("open_big_render_vs_small", "rendered open: whale / 5-order customer", 2, "×"),
    Target("page_deep_p95_ms", "next page ~100 pages deep, data p95", 10),
    Target("page_deep_render_ms", "next page shown after End (median)", 300),
    Target("max_table_rows", "most rows in any DataTable", 500, "rows"),
    Target("cold_start_s", "cold start to search screen (median of 10)", 1.0, "s"),
    Target("cold_start_vs_bare", "cold start / bare Textual app", 1.5, "×"),
    Target("cold_start_sqlalchemy", "SQLAlchemy imported at first paint (0 = no)", 0, "", True),
    Target("keystroke_to_results_ms", "keystroke to results shown (median of 20)", 150),
    Target("rss_mb", "RSS after search + whale paged to the cap", 150, "MB"),
    Target("rss_growth_mb", "RSS growth over 20 customers", 10, "MB"),
    Target("demo_build_s", "demo build (target is for 1M customers, SQLite)", 180, "s"),
    Target("pg_search_exact_p95_ms", "PG exact lookups p95", 5),
    Target("pg_search_prefix_p95_ms", "PG name prefix p95", 10),
    Target("pg_search_prefix_uses_index", "PG prefix search uses an index", 1, "", True),
    Target("pg_search_substring_p95_ms", "PG name substring p95", 25),
    Target("pg_search_substring_vs_scan", "PG substring p95 / scan p95", 0.1, "×"),
    Target("pg_search_any_p95_ms", "PG any input p95", 250),
    Target("pg_open_big_p95_ms", "PG open 20k-order customer, data p95", 50),
    Target("pg_page_deep_p95_ms", "PG next deep page, data p95", 10),
)


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if math.isnan(value):
        return "nan"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def latency_table(rows: Iterable[tuple[str, Stats, Stats | None]], title: str) -> str:
    """A Markdown table of service vs raw latencies (ms)."""
    lines = [
        f"#### {title}",
        "",
        "| query | n | p50 | p95 | max | raw p50 | raw p95 | service ÷ raw (p50) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, svc, raw in rows:
        raw_cells = (
            [_fmt(raw.p50), _fmt(raw.p95), _fmt(svc.p50 / raw.p50 if raw.p50 else None)]
            if raw is not None
            else ["–", "–", "–"]
        )
        lines.append(
            f"| {label} | {svc.n} | {_fmt(svc.p50)} | {_fmt(svc.p95)} | {_fmt(svc.max)} | "
            + " | ".join(raw_cells)
            + " |"
        )
    return "\n".join(lines)


def targets_table(figures: dict[str, float]) -> str:
    """A Markdown table of every target with the measured figure and whether it is met."""
    lines = ["| metric | key | measured | target | met |", "|---|---|---|---|---|"]
    for target in TARGETS:
        value = figures.get(target.key)
        if value is None:
            continue
        met = target.met(figures)
        sign = "=" if target.equal else "≤"
        mark = {True: "yes", False: "**NO**", None: "–"}[met]
        lines.append(
            f"| {target.label} | `{target.key}` | {_fmt(value)} {target.unit} | "
            f"{sign} {_fmt(target.limit)} {target.unit} | {mark} |"
        )
    return "\n".join(lines)


def score(figures: dict[str, float]) -> tuple[int, int]:
    """(targets met, targets measured)."""
    results = [t.met(figures) for t in TARGETS if t.key in figures]
    measured = [r for r in results if r is not None]
    return sum(1 for r in measured if r), len(measured)


def write_json(path: Path, figures: dict[str, float]) -> None:
    """One flat JSON object of numbers (NaN, which JSON cannot hold, becomes -1)."""
    clean = {
        key: (-1.0 if isinstance(value, float) and math.isnan(value) else value)
        for key, value in sorted(figures.items())
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(clean, indent=2) + "\n", encoding="utf-8")
