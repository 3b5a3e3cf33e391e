"""Service-layer latencies (SqlStoreService) beside a raw-driver replay of the same SQL.

Every query kind is drawn from real rows with a seeded ``random.Random``. Each term
runs three times: once to warm the cache and capture its SQL (``SqlCapture``), once
timed through the service, once timed as a raw-driver replay of the captured SQL.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from benchmarks.replay import RawReplayer, SqlCapture, Statement
from benchmarks.timing import Stats, ratio, summarise
from storeadmin.data import SqlStoreService

SEARCH_KINDS = ("steam", "uuid", "order", "discord", "prefix", "substring", "any")
PLANNER_KINDS = ("prefix_stats", "substring_stats")
"""PostgreSQL only: inputs drawn from the planner's own statistics of ``search_key``
(``pg_stats`` most-common values and histogram bounds), where its estimates go wrong."""
EXACT_KINDS = ("steam", "uuid", "order", "discord")
NO_MATCH_CHARS = string.ascii_lowercase + string.digits + "~!@$^&*()+=[]{}|;:,.<>?/`'\"-_"
WHALE_NAME = "WhaleKing"
SMALL_NAME = "FiveOrders"
DEEP_PAGES = 100


@dataclass
class DataResults:
    """Figures (flat, JSON-ready), per-kind stats for the table, and query plans."""

    figures: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[str, Stats, Stats | None]] = field(default_factory=list)
    plans: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    """The sampled name prefixes (the UI benchmark types some of them)."""
    whale_id: int = 0
    small_id: int = 0
    max_customer: int = 0


class _Sampler:
    """Draws benchmark terms from real rows through the raw connection."""

    def __init__(self, raw: RawReplayer, rng: random.Random, count: int) -> None:
        self.raw, self.rng, self.count = raw, rng, count
        self.mark = "?" if raw.dialect == "sqlite" else "%s"
        self.max_customer = int(raw.query("SELECT max(id) FROM customers")[0][0] or 0)

    def _customers(self, keep: Callable[[tuple[Any, ...]], str | None]) -> list[str]:
        found: list[str] = []
        for _ in range(200):
            ids = [self.rng.randint(1, self.max_customer) for _ in range(500)]
            marks = ",".join([self.mark] * len(ids))
            rows = self.raw.query(
                "SELECT id, username, name_key, platform, external_id FROM customers "
                f"WHERE id IN ({marks}) ORDER BY id",
                ids,
            )
            self.rng.shuffle(rows)
            found += [t for t in (keep(r) for r in rows) if t]
            if len(found) >= self.count:
                break
        return found[: self.count]

    def steam(self) -> list[str]:
        return self._customers(lambda r: r[4] if r[3] == "steam" else None)

    def uuid(self) -> list[str]:
        return self._customers(lambda r: r[4].replace("-", "") if r[3] == "minecraft" else None)

    def prefix(self) -> list[str]:
        def keep(r: tuple[Any, ...]) -> str | None:
            head = r[1][:3]
            return head if len(head) == 3 and head.isascii() and head.isalpha() else None

        return self._customers(keep)

    def substring(self) -> list[str]:
        def keep(r: tuple[Any, ...]) -> str | None:
            name = r[1]
            if len(name) < 8:
                return None
            mid = len(name) // 2
            part = name[mid - 2 : mid + 2]
            return part if part.isascii() and part.isalpha() else None

        return self._customers(keep)

    def _planner_names(self) -> list[str]:
        """``search_key`` values (what name search compares) from ``pg_stats``: its
        most-common values and histogram bounds."""
        rows = self.raw.query(
            "SELECT most_common_vals::text, histogram_bounds::text FROM pg_stats "
            "WHERE tablename = 'customers' AND attname = 'search_key'"
        )
        names: list[str] = []
        for common, bounds in rows:
            for array in (common, bounds):
                if array:
                    names += [n.strip('"') for n in array.strip("{}").split(",")]
        self.rng.shuffle(names)
        return names

    def _pieces(self, names: list[str], piece: Callable[[str], str | None]) -> list[str]:
        found: list[str] = []
        for name in names:
            part = piece(name)
            if part and part not in found:
                found.append(part)
        while found and len(found) < self.count:  # repeat rather than fall short
            found.append(self.rng.choice(found))
        return found[: self.count]

    def prefix_stats(self) -> list[str]:
        def head(name: str) -> str | None:
            part = name[:3]
            return part if len(part) == 3 and part.isascii() and part.isalpha() else None

        return self._pieces(self._planner_names(), head)

    def substring_stats(self) -> list[str]:
        def fragment(name: str) -> str | None:
            if len(name) < 6:
                return None
            start = self.rng.randint(1, len(name) - 4)
            part = name[start : start + 4]
            return part if part.isascii() and part.isalpha() else None

        return self._pieces(self._planner_names(), fragment)

    def order(self) -> list[str]:
        top = int(self.raw.query("SELECT max(id) FROM orders")[0][0] or 0)
        found: list[str] = []
        while len(found) < self.count and top:
            ids = [self.rng.randint(1, top) for _ in range(self.count * 2)]
            marks = ",".join([self.mark] * len(ids))
            rows = self.raw.query(f"SELECT id FROM orders WHERE id IN ({marks})", ids)
            found += [str(r[0]) for r in rows]
        self.rng.shuffle(found)
        return found[: self.count]

    def discord(self) -> list[str]:
        found: list[str] = []
        for _ in range(200):
            ids = [self.rng.randint(1, self.max_customer) for _ in range(1000)]
            marks = ",".join([self.mark] * len(ids))
            rows = self.raw.query(
                "SELECT value FROM customer_metadata WHERE key = 'DiscordID' "
                f"AND customer_id IN ({marks})",
                ids,
            )
            found += [r[0] for r in rows]
            if len(found) >= self.count:
                break
        self.rng.shuffle(found)
        return found[: self.count]

    def no_match(self, service: SqlStoreService) -> list[str]:
        """1–2 character inputs that match nothing (checked through the service)."""
        pool = list(NO_MATCH_CHARS)
        candidates = pool + [a + b for a in pool for b in pool]
        self.rng.shuffle(candidates)
        found = []
        for term in candidates:
            if term.strip() != term or not term.strip():
                continue
            if not service.search_customers(term, limit=1).items:
                found.append(term)
                if len(found) >= self.count:
                    break
        return found


def _time_service(calls: Sequence[Callable[[], object]]) -> list[float]:
    times = []
    for call in calls:
        started = perf_counter()
        call()
        times.append(perf_counter() - started)
    return times


def _time_raw(raw: RawReplayer, captured: Sequence[list[Statement]]) -> list[float]:
    times = []
    for statements in captured:
        started = perf_counter()
        raw.run(statements)
        times.append(perf_counter() - started)
    return times


def _measure(
    capture: SqlCapture, raw: RawReplayer, calls: Sequence[Callable[[], object]]
) -> tuple[Stats, Stats]:
    """Warm + capture, then time the service, then time the raw replay."""
    captured = [capture.capture(call) for call in calls]
    service_stats = summarise(_time_service(calls))
    raw_stats = summarise(_time_raw(raw, captured))
    return service_stats, raw_stats


def _find(service: SqlStoreService, name: str, fallback: int) -> int:
    for item in service.search_customers(name, limit=5).items:
        if item.username == name:
            return item.id
    return fallback


def _open_calls(service: SqlStoreService, customer_id: int) -> list[Callable[[], object]]:
    """What the details screen needs: header + first page of every tab."""
    return [
        lambda: service.get_customer(customer_id),
        lambda: service.list_inventory(customer_id),
        lambda: service.list_orders(customer_id),
        lambda: service.list_subscriptions(customer_id),
        lambda: service.get_metadata(customer_id),
        lambda: service.list_audit(customer_id),
    ]


def _open_once(service: SqlStoreService, customer_id: int) -> Callable[[], None]:
    calls = _open_calls(service, customer_id)

    def run() -> None:
        for call in calls:
            call()

    return run


def run_data_bench(
    service: SqlStoreService,
    *,
    count: int = 300,
    open_count: int = 100,
    seed: int = 7,
    progress: Callable[[str], None] = print,
) -> DataResults:
    """Measure search, open and deep paging; return figures, stats rows and plans."""
    out = DataResults()
    rng = random.Random(seed)
    capture = SqlCapture(service.engine)
    raw = RawReplayer(service.engine)
    try:
        sampler = _Sampler(raw, rng, count)
        terms: dict[str, list[str]] = {
            "steam": sampler.steam(),
            "uuid": sampler.uuid(),
            "order": sampler.order(),
            "discord": sampler.discord(),
            "prefix": sampler.prefix(),
            "substring": sampler.substring(),
            "any": sampler.no_match(service),
        }
        kinds = SEARCH_KINDS
        if raw.dialect != "sqlite":
            terms["prefix_stats"] = sampler.prefix_stats()
            terms["substring_stats"] = sampler.substring_stats()
            kinds = SEARCH_KINDS + PLANNER_KINDS
        out.prefixes = list(terms["prefix"])
        out.max_customer = sampler.max_customer
        for kind in kinds:
            if len(terms[kind]) < count:
                out.notes.append(f"search {kind}: only {len(terms[kind])} terms found")
            progress(f"search {kind}: {len(terms[kind])} queries")
            calls = [lambda t=t: service.search_customers(t) for t in terms[kind]]
            svc, rawstats = _measure(capture, raw, calls)
            out.rows.append((f"search {kind}", svc, rawstats))
            out.figures.update(svc.as_dict(f"search_{kind}"))
            out.figures[f"search_{kind}_raw_p95_ms"] = round(rawstats.p95, 3)
            out.figures[f"search_{kind}_vs_raw"] = ratio(svc.p50, rawstats.p50)
        out.figures["search_exact_p95_ms"] = max(
            out.figures[f"search_{k}_p95_ms"] for k in EXACT_KINDS
        )
        _scan_baseline(out, raw, terms["substring"], progress)
        _plans(out, capture, raw, service, terms)
        _open_and_paging(out, service, capture, raw, open_count, progress)
    finally:
        raw.close()
    return out


def _scan_baseline(
    out: DataResults, raw: RawReplayer, terms: list[str], progress: Callable[[str], None]
) -> None:
    """An unindexed ``LIKE '%x%'`` over customers, same terms, same LIMIT, raw driver."""
    progress(f"scan baseline: {len(terms)} queries")
    mark = "?" if raw.dialect == "sqlite" else "%s"
    sql = (
        "SELECT id, username, platform, external_id, first_seen FROM customers "
        f"WHERE lower(username) LIKE {mark} ORDER BY id LIMIT 51"
    )
    captured = [[(sql, (f"%{t.lower()}%",))] for t in terms]
    for statements in captured[:3]:
        raw.run(statements)  # warm-up
    scan = summarise(_time_raw(raw, captured))
    out.rows.append(("scan LIKE '%x%' (raw)", scan, None))
    out.figures.update(scan.as_dict("scan_like"))
    out.figures["search_substring_vs_scan"] = ratio(
        out.figures["search_substring_p95_ms"], scan.p95
    )
    out.plans["scan baseline"] = raw.explain(captured[0])


def _plans(
    out: DataResults,
    capture: SqlCapture,
    raw: RawReplayer,
    service: SqlStoreService,
    terms: dict[str, list[str]],
) -> None:
    for kind in ("prefix", "substring"):
        if not terms[kind]:
            continue
        term = terms[kind][0]
        statements = capture.capture(lambda t=term: service.search_customers(t))
        plan = raw.explain(statements)
        out.plans[f"{kind} search {term!r}"] = plan
        marker = (
            "search_key >" if kind == "prefix" else ("MATCH" if raw.dialect == "sqlite" else "LIKE")
        )
        uses = _uses_index(statements, plan, marker, raw.dialect)
        out.figures[f"search_{kind}_uses_index"] = 1.0 if uses else 0.0


def _uses_index(statements: list[Statement], plan: list[str], marker: str, dialect: str) -> bool:
    """Whether the plan of the statement holding ``marker`` is an index search, not a scan."""
    block: list[str] = []
    inside = False
    for line in plan:
        if line.startswith("-- "):
            inside = marker in line
            continue
        if inside:
            block.append(line)
    if not block:
        return False
    text = "\n".join(block)
    if dialect == "sqlite":
        scans_customers = any(
            line.strip().startswith("SCAN customers") and "INDEX" not in line for line in block
        )
        return ("USING" in text and "INDEX" in text) and not scans_customers
    return "Index" in text and "Seq Scan on customers" not in text


def _open_and_paging(
    out: DataResults,
    service: SqlStoreService,
    capture: SqlCapture,
    raw: RawReplayer,
    count: int,
    progress: Callable[[str], None],
) -> None:
    from storeadmin.demo import BENCH_ID, WHALE_ID

    whale = _find(service, WHALE_NAME, WHALE_ID)
    small = _find(service, SMALL_NAME, BENCH_ID)
    out.whale_id, out.small_id = whale, small
    out.figures["whale_orders"] = float(service.list_orders(whale, limit=1).total or 0)
    results: dict[str, Stats] = {}
    for label, cid in (("small", small), ("big", whale)):
        progress(f"open {label} (customer {cid}): {count} times")
        svc, rawstats = _measure(capture, raw, [_open_once(service, cid)] * count)
        results[label] = svc
        out.rows.append((f"open {label} (header + 5 tabs)", svc, rawstats))
        out.figures.update(svc.as_dict(f"open_{label}"))
        out.figures[f"open_{label}_vs_raw"] = ratio(svc.p50, rawstats.p50)
        for index, name in enumerate(
            ("get_customer", "inventory", "orders", "subscriptions", "metadata", "history")
        ):
            call = _open_calls(service, cid)[index]
            part = summarise(_time_service([call] * max(10, count // 5)))
            out.figures[f"open_{label}_{name}_p50_ms"] = round(part.p50, 3)
    out.figures["open_big_vs_small"] = ratio(results["big"].p95, results["small"].p95)

    progress(f"deep paging: following {DEEP_PAGES} pages of customer {whale}")
    cursor: str | None = None
    cursors: list[str] = []
    for page_number in range(DEEP_PAGES + 10):
        page = service.list_orders(whale, cursor=cursor)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        if page_number >= DEEP_PAGES - 10:
            cursors.append(cursor)
    if not cursors and cursor:
        cursors = [cursor]
    if not cursors:
        out.notes.append("deep paging: the whale has a single page of orders")
        return
    calls = [
        (lambda c=cursor_at: service.list_orders(whale, cursor=c))
        for cursor_at in (cursors * (count * 2 // len(cursors) + 1))[: count * 2]
    ]
    svc, rawstats = _measure(capture, raw, calls)
    out.rows.append((f"next page ~{DEEP_PAGES} pages deep", svc, rawstats))
    out.figures.update(svc.as_dict("page_deep"))
    out.figures["page_deep_vs_raw"] = ratio(svc.p50, rawstats.p50)
    out.plans["deep page"] = raw.explain(capture.capture(calls[0]))
