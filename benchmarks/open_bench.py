"""Issue 13's service-overhead benchmark: open a customer, exact-ID search, one tab page.

``.venv/bin/python -m benchmarks.open_bench --db PATH [--pg URL] [--count 300]``

For each input (drawn from the store's own rows with a seeded ``random.Random``):

* **open**: what the details screen needs to show an ordinary customer — the header
  (customer, stats, sparkline) and the first 100-row page of every tab. ``open (6
  reads)`` is the header and the five tab reads called one by one (what the screen
  does today: ``get_customer``, ``list_inventory``, ``list_orders``,
  ``list_subscriptions``, ``get_metadata``, ``list_audit``); ``open (open_customer)``
  is the one-read overview, when the service has it (and ``open whale``: the same for
  the 20,000-order customer, a fifth as many times);
* **exact**: ``search_customers`` with a customer's SteamID64 or Minecraft UUID;
* **page**: one 100-row next page of the whale's orders at a random depth; with
  ``--tab-pages`` also of its subscriptions and inventory (full next pages only).

Each kind reports p50 / p95 / max of the service call and of a raw-driver replay of
the SQL it executed (``benchmarks.replay``), service ÷ raw, and per call the
statements (``before_cursor_execute`` events, BEGIN/COMMIT not counted), the
transactions (``begin`` events) and, on PostgreSQL, the client/server round trips
(libpq's own protocol trace: every ``Query`` or ``Sync`` the client sends, i.e. the
pool's pre-ping, BEGIN, each statement and COMMIT). Counts come from a separate pass,
so tracing never slows the timed calls.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Engine, event

from benchmarks.data_bench import _measure, _Sampler
from benchmarks.replay import RawReplayer, SqlCapture
from benchmarks.timing import Stats, ratio
from storeadmin.core.models import Page
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.driver_read import DriverRead

PAGE = 100
COUNT_PASS = 30
"""Calls per kind in the counting pass (the counts of one kind barely vary)."""


@dataclass(frozen=True)
class Counts:
    """Mean per call of one kind: statements, transactions, PostgreSQL round trips."""

    statements: float
    transactions: float
    round_trips: float | None


@dataclass(frozen=True)
class KindResult:
    """One row of the report."""

    kind: str
    service: Stats
    raw: Stats
    counts: Counts

    def figures(self, key: str) -> dict[str, float]:
        """Flat figures for JSON."""
        out = self.service.as_dict(key)
        out |= {f"{key}_raw_p50_ms": round(self.raw.p50, 3), f"{key}_vs_raw": self.vs_raw}
        out[f"{key}_statements"] = self.counts.statements
        out[f"{key}_transactions"] = self.counts.transactions
        if self.counts.round_trips is not None:
            out[f"{key}_round_trips"] = self.counts.round_trips
        return out

    @property
    def vs_raw(self) -> float:
        """Service p50 ÷ raw p50."""
        return ratio(self.service.p50, self.raw.p50)


class Counter:
    """Counts statements, transactions and (PostgreSQL) wire round trips on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements = 0
        self.transactions = 0
        self._trace_fd: int | None = None
        self._trace_path = ""
        self._traced: list[Any] = []
        self._driver_reads: weakref.WeakSet[DriverRead] = weakref.WeakSet()

    def _on_execute(self, *args: Any) -> None:
        statement = str(args[2]).lstrip().upper()
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements += 1
        # A DriverRead is one transaction that fires no ``begin`` event: count it at
        # its first statement (BEGIN on SQLite).
        if isinstance(args[0], DriverRead) and args[0] not in self._driver_reads:
            self._driver_reads.add(args[0])
            self.transactions += 1

    def _on_begin(self, _conn: Any) -> None:
        self.transactions += 1

    def _on_checkout(self, dbapi: Any, _record: Any, _proxy: Any) -> None:
        from psycopg import pq

        pgconn = getattr(dbapi, "driver_connection", dbapi).pgconn
        if self._trace_fd is not None and pgconn not in self._traced:
            pgconn.trace(self._trace_fd)
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            self._traced.append(pgconn)

    def round_trips(self) -> int:
        """Frontend ``Query`` / ``Sync`` messages traced so far."""
        if self._trace_fd is None:
            return 0
        os.fsync(self._trace_fd)
        with open(self._trace_path, encoding="utf-8", errors="replace") as trace:
            return sum(
                1
                for line in trace
                if line.startswith("F\t") and line.split("\t")[2].strip() in ("Query", "Sync")
            )

    @contextmanager
    def counting(self) -> Iterator[Counter]:
        """Count inside the block (PostgreSQL: trace the connections checked out)."""
        postgres = self.engine.dialect.name == "postgresql"
        if postgres:
            self.engine.pool.dispose()  # new connections, each traced from its start
            self._trace_fd, self._trace_path = tempfile.mkstemp(prefix="open-bench-trace-")
            event.listen(self.engine, "checkout", self._on_checkout)
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        event.listen(self.engine, "begin", self._on_begin)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._on_execute)
            event.remove(self.engine, "begin", self._on_begin)
            if postgres:
                event.remove(self.engine, "checkout", self._on_checkout)
                for pgconn in self._traced:
                    pgconn.untrace()
                self._traced.clear()
                self.engine.pool.dispose()
                if self._trace_fd is not None:
                    os.close(self._trace_fd)
                    os.unlink(self._trace_path)
                self._trace_fd = None


def count_calls(engine: Engine, calls: Sequence[Callable[[], object]]) -> Counts:
    """Mean statements / transactions / round trips per call (first call warms up)."""
    calls = list(calls)
    calls[0]()
    sample = calls[:COUNT_PASS]
    counter = Counter(engine)
    with counter.counting():
        # Round trips only from here: the pool's first checkout of each connection is
        # traced from its start, so no connection set-up is counted.
        sample[0]()
        start = (counter.statements, counter.transactions, counter.round_trips())
        for call in sample:
            call()
        n = len(sample)
        statements = (counter.statements - start[0]) / n
        transactions = (counter.transactions - start[1]) / n
        trips = (counter.round_trips() - start[2]) / n
    postgres = engine.dialect.name == "postgresql"
    return Counts(
        round(statements, 2), round(transactions, 2), round(trips, 2) if postgres else None
    )


def open_by_reads(service: SqlStoreService, customer_id: str) -> Callable[[], None]:
    """The header and the first page of the five tabs, one read each (today's screen)."""

    def run() -> None:
        service.get_customer(customer_id)
        service.list_inventory(customer_id, limit=PAGE)
        service.list_orders(customer_id, limit=PAGE)
        service.list_subscriptions(customer_id, limit=PAGE)
        service.get_metadata(customer_id)
        service.list_audit(customer_id, limit=PAGE)

    return run


def _ordinary_customers(raw: RawReplayer, rng: random.Random, count: int, whale: int) -> list[str]:
    top = int(raw.query("SELECT max(id) FROM customers")[0][0] or 0)
    mark = "?" if raw.dialect == "sqlite" else "%s"
    ids = sorted({rng.randint(1, top) for _ in range(count * 2)} - {whale})
    marks = ",".join([mark] * len(ids))
    found = [str(r[0]) for r in raw.query(f"SELECT id FROM customers WHERE id IN ({marks})", ids)]
    rng.shuffle(found)
    return found[:count]


def _page_cursors(
    fetch: Callable[[str | None], Page[Any]], count: int, rng: random.Random
) -> list[str]:
    """``count`` cursors drawn from those that open a full next page of the list."""
    cursors: list[str] = []
    cursor = fetch(None).next_cursor
    while cursor is not None:
        page = fetch(cursor)
        if len(page.items) == PAGE:
            cursors.append(cursor)
        cursor = page.next_cursor
    return [rng.choice(cursors) for _ in range(count)] if cursors else []


def _fetch_page(fetch: Callable[..., Page[Any]], cursor: str | None) -> Page[Any]:
    return fetch(cursor=cursor)


def _page_kinds(
    service: SqlStoreService, whale: str, count: int, rng: random.Random, *, tab_pages: bool
) -> list[tuple[str, list[Callable[[], object]]]]:
    """One 100-row next page at a random depth of the whale's lists."""
    lists: list[tuple[str, Callable[..., Page[Any]]]] = [("orders", service.list_orders)]
    if tab_pages:
        lists += [
            ("subscriptions", service.list_subscriptions),
            ("inventory", service.list_inventory),
        ]
    kinds: list[tuple[str, list[Callable[[], object]]]] = []
    for name, read in lists:
        fetch = partial(read, whale, limit=PAGE)
        cursors = _page_cursors(partial(_fetch_page, fetch), count, rng)
        if cursors:
            calls: list[Callable[[], object]] = [partial(fetch, cursor=c) for c in cursors]
            kinds.append((f"{name} page ({PAGE} rows)", calls))
    return kinds


def run_open_bench(
    service: SqlStoreService,
    *,
    count: int = 300,
    seed: int = 13,
    progress: Callable[[str], None] = print,
    tab_pages: bool = False,
) -> list[KindResult]:
    """Measure open / exact search / one page (``tab_pages``: of each paged tab);
    return one result per kind."""
    from storeadmin.demo import WHALE_ID

    rng = random.Random(seed)
    capture = SqlCapture(service.engine)
    raw = RawReplayer(service.engine)
    results: list[KindResult] = []
    try:
        customers = _ordinary_customers(raw, rng, count, WHALE_ID)
        sampler = _Sampler(raw, rng, count // 2 + 1)
        exact = (sampler.steam() + sampler.uuid())[:count]
        kinds: list[tuple[str, list[Callable[[], object]]]] = [
            ("open (6 reads)", [open_by_reads(service, c) for c in customers])
        ]
        opener = getattr(service, "open_customer", None)
        if opener is not None:
            kinds.append(
                ("open (open_customer)", [lambda c=c: opener(c, limit=PAGE) for c in customers])
            )
            whale = str(WHALE_ID)
            kinds.append(
                ("open whale (open_customer)", [lambda: opener(whale, limit=PAGE)] * (count // 5))
            )
        kinds.append(("exact-ID search", [lambda t=t: service.search_customers(t) for t in exact]))
        kinds += _page_kinds(service, str(WHALE_ID), count, rng, tab_pages=tab_pages)
        for kind, calls in kinds:
            progress(f"{kind}: {len(calls)} inputs")
            counts = count_calls(service.engine, calls)
            svc, rawstats = _measure(capture, raw, calls)
            results.append(KindResult(kind, svc, rawstats, counts))
    finally:
        raw.close()
    return results


def markdown(results: Sequence[KindResult], title: str) -> str:
    """The results as a Markdown table."""
    lines = [
        f"### {title}",
        "",
        "| what | n | p50 | p95 | max | raw p50 | raw p95 | service ÷ raw | statements "
        "| transactions | round trips |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        trips = "–" if r.counts.round_trips is None else f"{r.counts.round_trips:g}"
        lines.append(
            f"| {r.kind} | {r.service.n} | {r.service.p50:.3f} | {r.service.p95:.3f} "
            f"| {r.service.max:.3f} | {r.raw.p50:.3f} | {r.raw.p95:.3f} | {r.vs_raw:.1f} "
            f"| {r.counts.statements:g} | {r.counts.transactions:g} | {trips} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run on the given SQLite store and, with ``--pg``, on a PostgreSQL one (read only)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.open_bench")
    parser.add_argument("--db", help="an existing demo store (SQLite path or URL)")
    parser.add_argument("--pg", help="an existing PostgreSQL demo store (only read)")
    parser.add_argument("--count", type=int, default=300, help="inputs per kind")
    parser.add_argument(
        "--tab-pages",
        action="store_true",
        help="also time a next page of the whale's subscriptions and inventory",
    )
    args = parser.parse_args(argv)
    for label, url in (("SQLite", args.db), ("PostgreSQL", args.pg)):
        if not url:
            continue
        service = open_sql_store(url, actor="bench")
        try:
            results = run_open_bench(
                service,
                count=args.count,
                progress=lambda m: print(m, file=sys.stderr),
                tab_pages=args.tab_pages,
            )
        finally:
            service.close()
        print(markdown(results, f"{label} ({url.rsplit('/', 1)[-1]})"))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
