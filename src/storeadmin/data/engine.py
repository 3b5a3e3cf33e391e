"""Engine set-up for SQLite and PostgreSQL, and URL handling that never leaks a password.

SQLite: WAL, foreign keys, busy timeout, and our own ``BEGIN`` so reads use a deferred
transaction and writes ``BEGIN IMMEDIATE`` (a read-modify-write under a deferred BEGIN
fails with "database is locked" even with a busy timeout).
PostgreSQL: psycopg 3, READ COMMITTED, pre-ping, connect / lock / statement /
idle-in-transaction timeouts and TCP keepalives.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 8192
"""SQLite's page cache per connection: larger caches cost RSS without faster searches."""
PG_CONNECT_TIMEOUT_S = 5
PG_LOCK_TIMEOUT_MS = 5_000
PG_STATEMENT_TIMEOUT_MS = 15_000
PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000

WRITE = {"sqlite_begin": "IMMEDIATE"}
"""Execution options for a connection that will write."""


def _os_user() -> str:
    """The effective OS user, for PostgreSQL's application_name (the same rule as
    ``storeadmin.config.os_user``; the data layer does not import the config)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid:{os.geteuid()}"


def normalise_url(url_or_path: str) -> URL:
    """A SQLAlchemy URL from a URL or a plain file path; PostgreSQL uses psycopg 3."""
    text = url_or_path.strip()
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser()))
    url = make_url(text)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def redact_url(url: URL | str) -> str:
    """The URL as it may be shown on screen or in logs: never with a password."""
    try:
        parsed = url if isinstance(url, URL) else normalise_url(url)
    except Exception:  # an unparsable URL may still hold a password: show nothing of it
        return "<unparsable database URL>"
    return parsed.render_as_string(hide_password=True)


def describe_endpoint(url: URL) -> str:
    """``host:port/db`` for PostgreSQL, the file path for SQLite: for error messages."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def make_engine(url_or_path: str | URL, *, pool_size: int = 5) -> Engine:
    """An engine configured for our concurrency and fault rules."""
    url = url_or_path if isinstance(url_or_path, URL) else normalise_url(url_or_path)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    if backend == "postgresql":
        return _postgres_engine(url, pool_size=pool_size)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:") or "mode=memory" in str(url.query)
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        "hide_parameters": True,
    }
    if memory:
        kwargs["poolclass"] = StaticPool
    elif not url.query.get("mode") and database:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    read_only = url.query.get("mode") == "ro"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module so DDL is transactional and we choose
        # between deferred and immediate transactions ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        pragmas = [f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "foreign_keys=ON"]
        if not memory and not read_only:
            pragmas += ["journal_mode=WAL", "synchronous=NORMAL"]
        pragmas += [f"cache_size=-{SQLITE_CACHE_KIB}", "temp_store=MEMORY"]
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgres_engine(url: URL, *, pool_size: int) -> Engine:
    options = " ".join(
        [
            f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}",
            f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}",
            f"-c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_TIMEOUT_MS}",
        ]
    )
    connect_args = {
        "connect_timeout": PG_CONNECT_TIMEOUT_S,
        "application_name": f"storeadmin:{_os_user()}"[:63],
        "options": options,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }
    return create_engine(
        url,
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=2,
        isolation_level="READ COMMITTED",
        hide_parameters=True,
    )
