"""Headless UI timings, run in a fresh process: ``python -m benchmarks.ui_child CONFIG_JSON``.

Drives storeadmin's real app with Textual's Pilot (``run_test``) over a timed proxy of
the real service, and prints one JSON object: keystroke-to-results, details open
(whale and small customer), next-page render, the largest DataTable seen and RSS.
With ``"writers": N`` the keystrokes are timed once more at the end while N writer
processes (``benchmarks.ui_writers``) write to the same store (``keystroke_writes_*``);
``"keys_only": true`` skips the opens, paging and visits.

"Shown" means the first frame rendered (the compositor's update, handed to the
headless driver) in which the app state holds the new data: ``Probe`` checks each wait's
condition as every frame is displayed. Until 2026-12-01 a wait ended at the first
refresh after a 2 ms poll noticed the data, which on a busy event loop was often the
frame after the one that painted it (up to ~20 ms late); each wait still ends that way,
and the timings are taken at the painting frame. Key presses run as tasks so Pilot's
own settling waits overlap the measurement instead of adding to it.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import sys
import threading
from collections.abc import Callable
from time import perf_counter, thread_time
from typing import Any

from benchmarks.timing import median, percentile

POLL_S = 0.002


def rss_mb() -> float:
    """Resident set size of this process (VmRSS), MiB; psutil is not installed."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class TimedService:
    """Forwards to the real service and records each search result with its timings."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.searches: list[tuple[str, float, float, Any]] = []
        self.lock = threading.Lock()

    def search_customers(self, query: str, **kwargs: Any) -> Any:
        started = perf_counter()
        page = self._inner.search_customers(query, **kwargs)
        with self.lock:
            self.searches.append((query.strip(), started, perf_counter(), page))
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class Probe:
    """Waits for conditions, noting the first frame in which each holds, and tracks the
    largest DataTable on the way."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.max_rows = 0
        self.painted_at = 0.0
        """When the frame in which the last wait's condition first held was displayed."""
        self.painted_cpu = 0.0
        """The UI thread's CPU time (``thread_time``) at that moment."""
        self._watched: Callable[[], bool] | None = None
        display = app._display

        def displayed(screen: Any, update: Any) -> None:
            display(screen, update)
            if update is not None and self._watched is not None and self._watched():
                self.painted_at, self.painted_cpu = perf_counter(), thread_time()
                self._watched = None

        app._display = displayed

    def table_rows(self) -> None:
        from textual.widgets import DataTable

        for screen in self.app.screen_stack:
            for table in screen.query(DataTable):
                self.max_rows = max(self.max_rows, table.row_count)

    async def until(self, condition: Callable[[], bool], timeout: float = 30.0) -> float:
        """Wait for ``condition``, then for the next refresh; return when the first frame
        showing it was displayed (``painted_at``)."""
        self._watched, self.painted_at = condition, 0.0
        deadline = perf_counter() + timeout
        while True:
            self.table_rows()
            if condition():
                break
            if perf_counter() > deadline:
                raise TimeoutError("the UI did not reach the expected state")
            await asyncio.sleep(POLL_S)
        painted = asyncio.Event()
        self.app.call_after_refresh(painted.set)
        await asyncio.wait_for(painted.wait(), timeout)
        self.table_rows()
        if self._watched is not None:  # no frame since it held (nothing had to change)
            self.painted_at, self.painted_cpu = perf_counter(), thread_time()
            self._watched = None
        return self.painted_at


async def _keystrokes(
    app: Any, pilot: Any, probe: Probe, timed: TimedService, prefixes: list[str]
) -> dict[str, float]:
    from textual.widgets import Input

    from storeadmin.widgets.search_results import SearchResults

    screen = app.screen
    field = screen.query_one("#query", Input)
    table = screen.query_one(SearchResults)
    totals, after_debounce, ui_cpu = [], [], []
    for prefix in prefixes:
        # Start from the prefix minus its last letter, fully searched and shown.
        field.value = prefix[:-1]
        field.cursor_position = len(field.value)
        await probe.until(lambda p=prefix[:-1]: getattr(screen, "_shown_query", None) == p)
        await asyncio.sleep(0.05)
        with timed.lock:
            timed.searches.clear()  # keep no old pages alive: they would count in RSS
        mark = 0
        started, cpu_started = perf_counter(), thread_time()
        press = asyncio.ensure_future(pilot.press(prefix[-1]))

        def shown(p: str = prefix, m: int = mark) -> bool:
            done = [s for s in timed.searches[m:] if s[0] == p]
            if not done:
                return False
            page = done[-1][3]
            if hasattr(screen, "_shown_page"):
                return screen._shown_page is page
            return table.row_count == len(page.items)

        ended = await probe.until(shown)
        cpu_ended = probe.painted_cpu
        await press
        search_started = [s for s in timed.searches[mark:] if s[0] == prefix][-1][1]
        totals.append(ended - started)
        after_debounce.append(ended - search_started)
        ui_cpu.append(cpu_ended - cpu_started)
    return {
        "keystroke_to_results_ms": round(median(totals) * 1000, 1),
        "keystroke_to_results_p95_ms": round(percentile(sorted(totals), 0.95) * 1000, 1),
        "keystroke_search_to_shown_ms": round(median(after_debounce) * 1000, 1),
        # CPU time of the UI thread (the probe's polling included): what load cannot inflate.
        "keystroke_ui_cpu_ms": round(median(ui_cpu) * 1000, 1),
    }


async def _keystrokes_under_writes(
    app: Any, pilot: Any, probe: Probe, config: dict[str, Any]
) -> dict[str, float]:
    """The keystroke figures again, while writer processes write to the store."""
    from benchmarks.ui_writers import start_writers

    writers = start_writers(config, int(config["writers"]))
    try:
        await asyncio.sleep(float(config.get("writer_warmup_s", 2.0)))  # writers are writing
        figures = await _keystrokes(app, pilot, probe, app.service, config["prefixes"])
    finally:
        done = writers.stop()
    renamed = {key.replace("keystroke_", "keystroke_writes_", 1): v for key, v in figures.items()}
    return {**renamed, **done}


def _details_ready(app: Any, customer_id: int, tab: str, rows: bool) -> Callable[[], bool]:
    """Header loaded and the tab's first page in its table (non-empty when ``rows``)."""

    def ready() -> bool:
        screen = app.screen
        if getattr(screen, "customer_id", None) != customer_id:
            return False
        if getattr(screen, "details", None) is None:
            return False
        try:
            table = screen.query_one(f"#{tab}-table")
        except Exception:
            return False
        tab_body = table.parent
        if table.loading or not getattr(tab_body, "loaded", True):
            return False
        return table.row_count > 0 or not rows

    return ready


async def _open(
    app: Any, probe: Probe, customer_id: int, tab: str = "orders", *, rows: bool = True
) -> float:
    started = perf_counter()
    app.open_customer(customer_id, tab=tab)
    return await probe.until(_details_ready(app, customer_id, tab, rows)) - started


async def _back(app: Any, probe: Probe) -> None:
    app.pop_screen()
    await probe.until(lambda: type(app.screen).__name__ == "CustomerSearchScreen")


async def _page_presses(app: Any, pilot: Any, probe: Probe, presses: int) -> list[float]:
    table = app.screen.query_one("#orders-table")
    table.focus()
    times = []
    for _ in range(presses):
        if not table.has_more:
            break
        loaded = table.dropped_rows + table.row_count
        started = perf_counter()
        press = asyncio.ensure_future(pilot.press("end"))
        painted = await probe.until(lambda n=loaded: table.dropped_rows + table.row_count > n)
        times.append(painted - started)
        await press
        await asyncio.sleep(0.02)
    return times


async def main(config: dict[str, Any]) -> dict[str, float]:
    """Run every UI measurement on one app instance."""
    from storeadmin.app import StoreAdminApp
    from storeadmin.data import open_sql_store

    holder: dict[str, TimedService] = {}
    _apply_experiments(config)

    def factory() -> Any:
        service = open_sql_store(config["db"], actor="bench")
        if config.get("sqlite_cache_kib"):
            from sqlalchemy import event

            size = int(config["sqlite_cache_kib"])
            # open_sql_store already pooled a connection: drop it so the hook applies to all.
            service.engine.dispose()

            @event.listens_for(service.engine, "connect")
            def _cache(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute(f"PRAGMA cache_size=-{size}")

        holder["service"] = TimedService(service)
        return holder["service"]

    app = StoreAdminApp(factory, location_label="bench")
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        probe = Probe(app)
        await probe.until(
            lambda: app.is_connected and getattr(app.screen, "_shown_query", "x") == ""
        )
        timed = holder["service"]
        out["rss_ready_mb"] = _rss_now()
        out.update(await _keystrokes(app, pilot, probe, timed, config["prefixes"]))
        await _back_to_search(app, probe)
        out["rss_after_keys_mb"] = _rss_now()
        if config.get("keys_only"):
            if config.get("writers"):
                out.update(await _keystrokes_under_writes(app, pilot, probe, config))
            return out

        whale, small = config["whale"], config["small"]
        big_times, small_times = [], []
        for _ in range(config["opens"]):
            small_times.append(await _open(app, probe, small))
            await _back(app, probe)
            big_times.append(await _open(app, probe, whale))
            await _back(app, probe)
        out["open_big_render_ms"] = round(median(big_times) * 1000, 1)
        out["open_small_render_ms"] = round(median(small_times) * 1000, 1)
        out["open_big_render_vs_small"] = round(median(big_times) / median(small_times), 3)
        out["rss_after_opens_mb"] = _rss_now()

        await _open(app, probe, whale)
        pages = await _page_presses(app, pilot, probe, config["presses"])
        ordered = sorted(pages)
        out["page_deep_render_ms"] = round(median(pages) * 1000, 1)
        out["page_deep_render_p95_ms"] = round(percentile(ordered, 0.95) * 1000, 1)
        out["page_render_presses"] = float(len(pages))
        # "Paged to the end of what the table holds": the table is at its row cap now.
        out["rss_mb"] = _rss_now()
        await _back(app, probe)

        # Two blocks of visits: the first includes warm-up (bounded caches filling),
        # the second shows whether growth goes on (a leak) or levels off.
        rng = random.Random(config["seed"])
        for block in ("", "_next"):
            visits = [rng.randint(100, config["max_customer"]) for _ in range(config["visits"])]
            for customer_id in visits:
                await _open(app, probe, customer_id, tab="inventory", rows=False)
                await _back(app, probe)
            out[f"rss_after_visits{block}_mb"] = _rss_now()
        out["rss_growth_mb"] = round(out["rss_after_visits_mb"] - out["rss_mb"], 1)
        out["rss_growth_next_mb"] = round(
            out["rss_after_visits_next_mb"] - out["rss_after_visits_mb"], 1
        )
        # Back on the search screen: its own Header and Footer keys are the live ones.
        out["leaked_headers"] = float(_count_widgets("Header") - 1)
        out["live_footer_keys"] = float(_count_widgets("FooterKey"))
        out["max_table_rows"] = float(probe.max_rows)
        pool = timed.engine.pool
        out["ui_db_connections"] = float(pool.checkedin() + pool.checkedout())
        if config.get("writers"):  # last: the writers' load must not reach the other figures
            out.update(await _keystrokes_under_writes(app, pilot, probe, config))
    return out


def _apply_experiments(config: dict[str, Any]) -> None:
    """What-if knobs for diagnosing a missed target (never used by the regular run)."""
    if "debounce" in config:
        from storeadmin.screens import customer_search

        customer_search.DEBOUNCE_SECONDS = float(config["debounce"])
    if "search_page" in config:
        from storeadmin.screens import customer_search

        customer_search.PAGE_SIZE = int(config["search_page"])


def _rss_now() -> float:
    gc.collect()
    return round(rss_mb(), 1)


def _count_widgets(name: str) -> int:
    """Live widgets of a class or of its subclasses (``Header`` counts a ``ScreenHeader``),
    attached or not (detached ones are leaked)."""
    from textual.widget import Widget

    gc.collect()
    return sum(
        1
        for o in gc.get_objects()
        if isinstance(o, Widget) and any(c.__name__ == name for c in type(o).__mro__)
    )


async def _back_to_search(app: Any, probe: Probe) -> None:
    await probe.until(lambda: type(app.screen).__name__ == "CustomerSearchScreen")


if __name__ == "__main__":
    result = asyncio.run(main(json.loads(sys.argv[1])))
    sys.stdout.write(json.dumps(result) + "\n")
