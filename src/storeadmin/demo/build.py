"""The demo store: a deterministic, realistic store built fast into any database URL.

``build_demo_store`` migrates the target, then bulk-loads generated rows (see
``demo_rows``) through the raw-DBAPI loaders of ``demo_load``. It never writes into a
store that holds data unless asked to (``force``), and even then only into a store
that a previous demo build made: a real store is never overwritten.

SQLite targets are built into a sibling temporary file that replaces the target only
once complete, so an interrupted build leaves the old file (or nothing) behind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import TypedDict

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from storeadmin.core.errors import Invalid, StoreError, Unavailable
from storeadmin.data import migrate
from storeadmin.data.base import redact_text
from storeadmin.data.engine import make_engine, normalise_url, redact_url
from storeadmin.demo.load import make_loader
from storeadmin.demo.rows import (
    BATCH_TABLES,
    BENCH_ID,
    BENCH_NAME,
    BENCH_ORDERS,
    COLUMNS,
    MIN_CUSTOMERS,
    WHALE_ID,
    WHALE_NAME,
    DemoRows,
)

DEMO_ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
"""Every demo timestamp is relative to this instant (never the real clock)."""


def todays_anchor(now: datetime | None = None) -> datetime:
    """Noon UTC of today: the anchor of a demo store built for use (``--demo``, ``storeadmin
    demo``), so that what is active, due or expired reads true on the day it is built.
    Same seed and same day, same data; tests and benchmarks pass ``DEMO_ANCHOR``."""
    today = (now or datetime.now(UTC)).astimezone(UTC)
    return today.replace(hour=12, minute=0, second=0, microsecond=0)


DEFAULT_DEMO_CUSTOMERS = 5_000
"""Size of the demo store that ``storeadmin --demo`` creates on first use."""
DEMO_MARKER_KEY = "demo"
"""``store_settings`` key that marks a store as built by this generator."""

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``; steps: schema, customers, indexes, search index, analyze."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a demo build produced and how long it took."""

    url: str
    """The target, password hidden."""
    customers: int
    orders: int
    order_lines: int
    subscriptions: int
    items: int
    command_attempts: int
    metadata: int
    audit_entries: int
    seconds: float
    whale_id: int = WHALE_ID
    whale_name: str = WHALE_NAME
    whale_orders: int = 20_000
    bench_id: int = BENCH_ID
    """A customer with exactly ``bench_orders`` orders, for benchmarks."""
    bench_name: str = BENCH_NAME
    bench_orders: int = BENCH_ORDERS
    orders_by_status: dict[str, int] = field(default_factory=dict)


def build_demo_store(
    url: str,
    *,
    customers: int = 2000,
    seed: int = 1,
    progress: Progress | None = None,
    anchor: datetime = DEMO_ANCHOR,
    whale_orders: int = 20_000,
    force: bool = False,
) -> DemoSummary:
    """Build the demo store into ``url`` (a URL or SQLite path) and say what was made.

    Raises Invalid when the target holds data and ``force`` is false, or when it
    holds data that a demo build did not make (whatever ``force`` says).
    """
    if customers < MIN_CUSTOMERS:
        raise Invalid({"customers": f"a demo store needs at least {MIN_CUSTOMERS} customers"})
    if whale_orders < 1:
        raise Invalid({"whale_orders": "must be at least 1"})
    started = perf_counter()
    report: Progress = progress or _no_progress
    target = normalise_url(url)
    plan = _Plan(customers=customers, seed=seed, anchor=anchor, whale_orders=whale_orders)
    with _translated(redact_url(target)):
        if target.get_backend_name() == "sqlite":
            counts = _build_sqlite(target, plan, force=force, report=report)
        else:
            counts = _build_shared(target, plan, force=force, report=report)
    return DemoSummary(
        url=redact_url(target),
        seconds=perf_counter() - started,
        whale_orders=whale_orders,
        **counts,
    )


def ensure_demo_store(path: str) -> None:
    """Build the default demo store at ``path`` unless it already holds one (TUI ``--demo``)."""
    file = Path(path).expanduser()
    if file.exists() and file.stat().st_size > 0:
        engine = make_engine(str(file))
        try:
            with _translated(str(file)):
                if _store_state(engine) != "empty":
                    return
        finally:
            engine.dispose()
    build_demo_store(str(file), customers=DEFAULT_DEMO_CUSTOMERS, anchor=todays_anchor())


# ---------------------------------------------------------------- per backend


class _Counts(TypedDict):
    """What a build loaded (the rows of each kind): the data half of ``DemoSummary``."""

    customers: int
    orders: int
    order_lines: int
    subscriptions: int
    items: int
    command_attempts: int
    metadata: int
    audit_entries: int
    orders_by_status: dict[str, int]


@dataclass(frozen=True)
class _Plan:
    """What to build: the arguments of ``build_demo_store`` that shape the data."""

    customers: int
    seed: int
    anchor: datetime
    whale_orders: int


def _build_sqlite(target: URL, plan: _Plan, *, force: bool, report: Progress) -> _Counts:
    database = target.database or ""
    if database in ("", ":memory:") or target.query.get("mode"):
        raise Invalid({"db": "the demo store needs a SQLite file, not an in-memory database"})
    path = Path(database).expanduser()
    if path.exists() and path.stat().st_size > 0:
        engine = make_engine(target)
        try:
            _refuse_unless_rebuildable(_store_state(engine), force, redact_url(target))
        finally:
            engine.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    _remove_sqlite_files(building)
    engine = make_engine(str(building))
    try:
        counts = _load(engine, plan, report=report)
    except BaseException:
        engine.dispose()
        _remove_sqlite_files(building)
        raise
    engine.dispose()
    # A stale WAL of the old file would be replayed into the new one: remove it first.
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")
    os.replace(building, path)
    return counts


def _build_shared(target: URL, plan: _Plan, *, force: bool, report: Progress) -> _Counts:
    engine = make_engine(target)
    try:
        state = _store_state(engine)
        _refuse_unless_rebuildable(state, force, redact_url(target))
        if state == "demo":
            report("schema", 0, 1)
            migrate.downgrade(engine, "base")
        return _load(engine, plan, report=report)
    finally:
        engine.dispose()


def _refuse_unless_rebuildable(state: str, force: bool, where: str) -> None:
    if state == "empty":
        return
    if state == "store":
        raise Invalid(
            {"db": "holds a store that the demo generator did not build"},
            f"{where} holds a real store: refusing to overwrite it "
            "(point --db at a new file or an empty database)",
        )
    if not force:
        raise Invalid(
            {"db": "holds a demo store"},
            f"{where} already holds a demo store: add --force to rebuild it",
        )


def _store_state(engine: Engine) -> str:
    """``empty`` (no data), ``demo`` (built by us) or ``store`` (anything else)."""
    status = migrate.schema_status(engine)
    if status.state is migrate.SchemaState.EMPTY:
        return "empty"
    if status.state is not migrate.SchemaState.CURRENT:
        # Unknown or older schema with data: not ours to overwrite.
        return "store"
    with engine.connect() as connection:
        marker = connection.execute(
            text("SELECT value FROM store_settings WHERE key = :key"), {"key": DEMO_MARKER_KEY}
        ).scalar()
        if marker is not None:
            return "demo"
        for table in ("customers", "products", "game_servers", "orders", "store_settings"):
            if connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first():
                return "store"
    return "empty"


def _load(engine: Engine, plan: _Plan, *, report: Progress) -> _Counts:
    customers, seed, anchor, whale_orders = (
        plan.customers,
        plan.seed,
        plan.anchor,
        plan.whale_orders,
    )
    report("schema", 0, 1)
    status = migrate.schema_status(engine)
    if status.state is migrate.SchemaState.AHEAD:
        raise Unavailable("the target was migrated by a newer storeadmin")
    if status.state is not migrate.SchemaState.CURRENT:
        migrate.upgrade(engine, backup=False)
    report("schema", 1, 1)
    loader = make_loader(engine)
    try:
        loader.prepare()
        rows = DemoRows(
            customers=customers,
            seed=seed,
            anchor=anchor,
            ts_suffix=loader.ts_suffix,
            true=loader.true,
            false=loader.false,
            whale_orders=whale_orders,
        )
        for table, values in rows.catalogue().items():
            loader.insert(table, COLUMNS[table], values)
        report("customers", 0, customers)
        for batch in rows.batches():
            for table in BATCH_TABLES:
                if batch[table]:
                    loader.insert(table, COLUMNS[table], batch[table])
            report("customers", rows.counters.customers, customers)
        loader.finish(report)
    finally:
        loader.close()
    c = rows.counters
    return {
        "customers": customers,
        "orders": c.orders,
        "order_lines": c.order_lines,
        "subscriptions": c.subscriptions,
        "items": c.items,
        "command_attempts": c.command_attempts,
        "metadata": c.metadata,
        "audit_entries": c.audit_entries,
        "orders_by_status": dict(sorted(c.by_status.items())),
    }


@contextlib.contextmanager
def _translated(where: str) -> Iterator[None]:
    """Database errors (through SQLAlchemy or the raw drivers) as one clear Unavailable."""
    try:
        yield
    except StoreError:
        raise
    except (SQLAlchemyError, sqlite3.Error) as error:
        raise Unavailable(f"demo build on {where} failed: {_first_line(error)}") from error
    except Exception as error:
        if type(error).__module__.startswith("psycopg"):
            raise Unavailable(f"demo build on {where} failed: {_first_line(error)}") from error
        raise


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return redact_text(lines[0] if lines else type(error).__name__)


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


def _no_progress(step: str, done: int, total: int) -> None:
    """Progress sink when the caller wants none."""
