"""Issue 5's performance benchmark: ``.venv/bin/python -m benchmarks.run [options]``.

1. builds (or reuses from ``--db-dir``) a demo store of ``--customers`` customers;
2. times the service layer (search kinds, customer open, deep paging) beside a raw
   driver replay of the same SQL, and prints the plans of prefix / substring search;
3. times the UI in subprocesses (cold start, keystroke, open, paging, RSS);
4. optionally repeats the data part on PostgreSQL (``--pg URL``: a database it may WIPE);
5. prints a table against the targets and writes ``--json PATH`` (a flat object of numbers).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.data_bench import DataResults, run_data_bench

DEFAULT_DB_DIR = Path(__file__).with_name(".cache")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--customers", type=int, default=1_000_000, help="demo store size (default 1M)"
    )
    parser.add_argument("--seed", type=int, default=1, help="demo generator seed (default 1)")
    parser.add_argument("--db-dir", type=Path, default=DEFAULT_DB_DIR, help="cache of built stores")
    parser.add_argument(
        "--db", help="use this existing demo store (SQLite path) instead of the cache"
    )
    parser.add_argument(
        "--db-build-s", type=float, default=None, help="build time of --db, if known"
    )
    parser.add_argument(
        "--pg", metavar="URL", help="also benchmark PostgreSQL (the database is WIPED)"
    )
    parser.add_argument("--pg-customers", type=int, default=None, help="PostgreSQL store size")
    parser.add_argument(
        "--pg-existing",
        action="store_true",
        help="--pg already holds a demo store: measure it, do not wipe or build",
    )
    parser.add_argument(
        "--pg-build-s", type=float, default=None, help="build time of --pg-existing"
    )
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--markdown", type=Path, help="write the tables and plans to this file")
    parser.add_argument("--quick", action="store_true", help="few iterations (smoke test)")
    parser.add_argument("--no-ui", action="store_true", help="skip the UI measurements")
    parser.add_argument("--pg-only", action="store_true", help="skip every SQLite measurement")
    parser.add_argument("--iterations", type=int, default=None, help="queries per search kind")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _progress(step: str, done: int, total: int) -> None:
    if done == total or (step == "customers" and done % 100_000 == 0):
        _log(f"  build: {step} {done:,}/{total:,}")


def sqlite_store(args: argparse.Namespace) -> tuple[str, dict[str, float]]:
    """The SQLite store to measure and its build figures (built now or reused)."""
    from storeadmin.demo import build_demo_store

    if args.db:
        path = Path(args.db)
        if not path.exists():
            raise SystemExit(f"--db {path}: no such file")
        build = args.db_build_s if args.db_build_s is not None else float("nan")
        return str(path), {"demo_build_s": build, "demo_build_reused": 1.0}
    args.db_dir.mkdir(parents=True, exist_ok=True)
    path = args.db_dir / f"demo-c{args.customers}-s{args.seed}.sqlite3"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        _log(f"reusing {path} (built in {recorded['build_s']:.1f} s)")
        return str(path), {"demo_build_s": recorded["build_s"], "demo_build_reused": 1.0}
    _log(f"building a {args.customers:,}-customer demo store at {path}")
    started = time.perf_counter()
    summary = build_demo_store(
        str(path), customers=args.customers, seed=args.seed, progress=_progress, force=True
    )
    seconds = time.perf_counter() - started
    meta.write_text(
        json.dumps(
            {
                "build_s": seconds,
                "customers": args.customers,
                "seed": args.seed,
                "orders": summary.orders,
            }
        ),
        encoding="utf-8",
    )
    _log(f"built in {seconds:.1f} s ({summary.orders:,} orders)")
    return str(path), {"demo_build_s": seconds, "demo_build_reused": 0.0}


def _counts(args: argparse.Namespace) -> dict[str, int]:
    if args.quick:
        return {
            "count": args.iterations or 20,
            "open": 10,
            "cold": 3,
            "keys": 5,
            "opens": 2,
            "presses": 5,
            "visits": 20,
        }
    return {
        "count": args.iterations or 300,
        "open": 100,
        "cold": 10,
        "keys": 20,
        "opens": 5,
        "presses": 30,
        "visits": 20,
    }


def data_part(url: str, counts: dict[str, int], seed: int) -> DataResults:
    """Open the service on ``url`` and run the data-layer benchmark."""
    from storeadmin.data import open_sql_store

    service = open_sql_store(url, actor="bench")
    try:
        return run_data_bench(
            service,
            count=counts["count"],
            open_count=counts["open"],
            seed=seed,
            progress=lambda m: _log(m),
        )
    finally:
        service.close()


def ui_part(
    database: str, data: DataResults, counts: dict[str, int], seed: int
) -> dict[str, float]:
    """Cold start and the Pilot run against the SQLite store."""
    from benchmarks import ui_bench

    _log(f"cold start: {counts['cold']} runs each of storeadmin and a bare app")
    figures = ui_bench.cold_start(database, counts["cold"])
    _log("UI run (keystrokes, opens, paging, RSS)")
    config: dict[str, Any] = {
        "db": database,
        "prefixes": data.prefixes[: counts["keys"]],
        "whale": data.whale_id,
        "small": data.small_id,
        "opens": counts["opens"],
        "presses": counts["presses"],
        "visits": counts["visits"],
        "seed": seed,
        "max_customer": data.max_customer,
    }
    figures.update(ui_bench.pilot_run(config))
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run everything; print the tables; write the JSON."""
    args = _parse(argv)
    counts = _counts(args)
    figures: dict[str, float] = {}
    sections: list[str] = []
    notes: list[str] = []
    if not args.pg_only:
        database, build = sqlite_store(args)
        figures.update(build)
        data = data_part(database, counts, seed=7)
        notes += data.notes
        figures.update(data.figures)
        figures["customers"] = float(data.max_customer)
        title = f"SQLite, {data.max_customer:,} customers"
        sections.append(report.latency_table(data.rows, title))
        for title, plan in data.plans.items():
            plan_text = "\n".join(plan)
            sections.append(f"#### EXPLAIN QUERY PLAN: {title}\n\n```\n{plan_text}\n```")
        if not args.no_ui:
            figures.update(ui_part(database, data, counts, seed=7))
    if args.pg:
        figures.update(pg_part(args, counts, sections))
    met, total = report.score(figures)
    figures["targets_met"], figures["targets_measured"] = float(met), float(total)
    text = "\n\n".join([*sections, "#### Targets", report.targets_table(figures)])
    print(text)
    for note in notes:
        print(f"note: {note}")
    print(f"\n{met} of {total} measured targets met.")
    if args.json:
        report.write_json(args.json, figures)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


def pg_part(
    args: argparse.Namespace, counts: dict[str, int], sections: list[str]
) -> dict[str, float]:
    """Build the demo store into ``--pg`` (wiping it) and run the data part there."""
    from storeadmin.demo import build_demo_store

    if args.pg_existing:
        build_s = args.pg_build_s if args.pg_build_s is not None else float("nan")
    else:
        size = args.pg_customers or args.customers
        _log(f"PostgreSQL: building a {size:,}-customer demo store (the database is wiped)")
        _wipe_pg(args.pg)
        started = time.perf_counter()
        build_demo_store(args.pg, customers=size, seed=args.seed, progress=_progress, force=True)
        build_s = time.perf_counter() - started
    data = data_part(args.pg, counts, seed=7)
    sections.append(report.latency_table(data.rows, f"PostgreSQL, {data.max_customer:,} customers"))
    for title, plan in data.plans.items():
        sections.append(f"#### PostgreSQL EXPLAIN: {title}\n\n```\n" + "\n".join(plan) + "\n```")
    out = {f"pg_{key}": value for key, value in data.figures.items()}
    out["pg_demo_build_s"] = build_s
    out["pg_customers"] = float(data.max_customer)
    return out


def _wipe_pg(url: str) -> None:
    """Drop everything in the public schema, so a non-demo leftover cannot block the build."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


if __name__ == "__main__":
    raise SystemExit(main())
