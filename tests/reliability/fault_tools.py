"""Fault-injection helpers for the reliability tests: stores, a silent TCP endpoint, a
closed port, PostgreSQL admin actions (terminate a backend, restart the server) and
snapshots of everything an admin action can write."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storeadmin.data.schema import Base
from support.postgres import NoPostgres, pg_url, start_throwaway

IN_CI = os.environ.get("CI", "").lower() == "true"

TABLES = (
    "customers",
    "customer_metadata",
    "customer_tokens",
    "inventory_items",
    "command_attempts",
    "audit_log",
)
"""Every table an admin action can write: compared before and after a fault."""


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every writable table, in primary-key order (for "nothing changed")."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name in TABLES:
            table = Base.metadata.tables[name]
            query = select(table).order_by(*table.primary_key.columns)
            result[name] = [tuple(row) for row in connection.execute(query).all()]
    return result


def row_count(engine: Engine, table: str) -> int:
    """How many rows ``table`` holds."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(Base.metadata.tables[table])
            ).scalar_one()
        )


def closed_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class WedgedEndpoint:
    """A TCP server that accepts connections and never says a word (a dead SSH tunnel)."""

    port: int
    accepted: list[socket.socket]


@contextmanager
def wedged_endpoint() -> Iterator[WedgedEndpoint]:
    """Run a silent TCP server on 127.0.0.1 for the duration of the block."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    endpoint = WedgedEndpoint(port=int(listener.getsockname()[1]), accepted=[])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            endpoint.accepted.append(connection)  # held open, never answered

    thread = threading.Thread(target=serve, name="wedged-endpoint", daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for connection in endpoint.accepted:
            connection.close()


def pg_admin_engine() -> Engine:
    """An AUTOCOMMIT engine on the test server's maintenance database.

    No pool: a restart in one test must not leave it a dead connection to trip over.
    """
    return create_engine(
        make_url(pg_url()).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )


def pg_database_name(url: str) -> str:
    """The database a PostgreSQL URL names."""
    return make_url(url).database or ""


def pg_backends(admin: Engine, database: str) -> list[tuple[int, str | None]]:
    """(pid, state) of every client backend on ``database`` except the caller's own."""
    with admin.connect() as connection:
        return [
            (int(pid), state)
            for pid, state in connection.execute(
                text(
                    "SELECT pid, state FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'"
                ),
                {"db": database},
            ).all()
        ]


def pg_terminate(admin: Engine, pid: int) -> None:
    """``pg_terminate_backend(pid)`` and wait until the backend is gone."""
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        for _ in range(200):
            gone = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ).scalar_one()
            if not gone:
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} did not exit")


@dataclass(frozen=True)
class PgServerControl:
    """How to run ``pg_ctl`` on the test server (exported by .ci/run)."""

    pgbin: Path
    pgdata: Path
    runas: tuple[str, ...]

    def restart(self) -> None:
        """``pg_ctl restart`` keeping the server's options; waits until it accepts again.

        Always with ``-l``: without a log file the postmaster inherits our pipes and the
        call never returns (reliability.md §3, pitfall a).
        """
        log = self.pgdata.parent / "restart.log"
        subprocess.run(
            [
                *self.runas,
                str(self.pgbin / "pg_ctl"),
                "-D",
                str(self.pgdata),
                "-l",
                str(log),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "restart",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=90,
        )


@contextmanager
def own_pg_server() -> Iterator[tuple[str, PgServerControl]]:
    """A throwaway PostgreSQL server of this test alone, and how to restart it.

    A test that restarts its server must not restart the one every other test (and,
    under xdist, every other worker) is using. Skipped without PostgreSQL binaries
    locally; an error in CI, where ``.ci/run`` installs them.
    """
    try:
        server = start_throwaway()
    except NoPostgres as reason:
        if IN_CI:
            pytest.fail(f"CI=true but no throwaway PostgreSQL could start: {reason}")
        pytest.skip(f"no throwaway PostgreSQL: {reason}")
    try:
        url = make_url(server.url).set(drivername="postgresql+psycopg")
        control = PgServerControl(server.pgbin, server.root / "data", server.runas)
        yield url.render_as_string(hide_password=False), control
    finally:
        server.stop()


@contextmanager
def fresh_pg_store(template: str) -> Iterator[str]:
    """A throwaway database copied from the migrated ``template``; yields its URL."""
    name = f"storeadmin_rel_{uuid.uuid4().hex[:12]}"
    admin = pg_admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        try:
            url = make_url(pg_url()).set(drivername="postgresql+psycopg", database=name)
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()
