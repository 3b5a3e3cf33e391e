"""Shared fixtures: a fresh store per test on SQLite and on PostgreSQL.

PostgreSQL runs on the server ``STOREADMIN_TEST_PG_URL`` names (``.ci/run`` sets it);
without it, on a throwaway server this run starts from the machine's PostgreSQL
binaries (``support.postgres``). With neither, the PostgreSQL half skips with one
reason line locally, and with ``CI=true`` the run fails instead of skipping.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storeadmin.data import SqlStoreService, open_sql_store
from support import postgres

IN_CI = os.environ.get("CI", "").lower() == "true"
TEMPLATE_DB = (
    f"storeadmin_test_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
)


_throwaway: postgres.ThrowawayPostgres | None = None


_LAZY = pytest.StashKey[bool]()
"""Set while the throwaway server waits for collection to show a test that needs it."""


def pytest_configure(config: pytest.Config) -> None:
    """Without a server URL, start a throwaway server once per run, in the controller:
    here, before any xdist worker starts, so the workers inherit its URL; in a run
    without workers (outside CI) only once collection shows a test that needs it."""
    controller = not hasattr(config, "workerinput")
    if controller and not postgres.pg_url() and postgres.autostart_enabled():
        if IN_CI or _with_workers(config):
            _start_throwaway(config)
        else:
            config.stash[_LAZY] = True
    if IN_CI and not postgres.pg_url():
        raise pytest.UsageError(
            "CI=true but there is no PostgreSQL: the PostgreSQL tests must run in CI "
            f"({postgres.no_server_reason()})"
        )


def _with_workers(config: pytest.Config) -> bool:
    workers = config.getoption("numprocesses", default=None)
    return bool(workers) and config.getoption("dist", default="no") != "no"


def _start_throwaway(config: pytest.Config) -> None:
    global _throwaway
    try:
        _throwaway = postgres.start_throwaway()
    except postgres.NoPostgres as exc:
        os.environ[postgres.REASON_ENV] = str(exc)
    else:
        os.environ.update(_throwaway.environment())
        config.add_cleanup(_throwaway.stop)
        _stop_on_sigterm()


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    wanted = not config.option.collectonly and any(map(_needs_postgres, session.items))
    if config.stash.get(_LAZY, False) and wanted:
        config.stash[_LAZY] = False
        _start_throwaway(config)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                _throwaway.describe() if _throwaway else postgres.no_server_reason()
            )


def _needs_postgres(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("postgres") is not None or "pg_template" in fixtures


def _stop_on_sigterm() -> None:
    """``timeout`` / ``kill`` end a run with SIGTERM, which skips every cleanup: turn it
    into an interrupt so the throwaway server is stopped (unless someone else handles it)."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def interrupt(signum: int, frame: object) -> None:
            raise KeyboardInterrupt(f"signal {signum}")

        signal.signal(signal.SIGTERM, interrupt)


def pytest_report_header(config: pytest.Config) -> str:
    if config.stash.get(_LAZY, False):
        return "PostgreSQL: a throwaway server starts if a selected test needs one"
    if _throwaway is not None:
        return _throwaway.describe()
    if postgres.pg_url():
        return "PostgreSQL: STOREADMIN_TEST_PG_URL"
    return postgres.no_server_reason()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that needs PostgreSQL skips before its fixtures when there is no server.

    A hook, not a fixture: a skip raised in a fixture is reported at each test's line,
    one here at ``require_postgres``'s, so the summary shows one reason line for all.
    """
    if _needs_postgres(item):
        postgres.require_postgres()


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the developer's real store or config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("STOREADMIN_HOME", str(home / "data"))
    monkeypatch.setenv("STOREADMIN_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("STOREADMIN_DB", raising=False)
    monkeypatch.delenv("STOREADMIN_ADMIN", raising=False)


def admin_engine() -> Engine:
    """An autocommit engine on the test server; no pooling, so a server restart in a
    fault test cannot leave it holding dead connections."""
    url = make_url(postgres.pg_url()).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database; each test copies it (much faster than migrating)."""
    server_url = postgres.require_postgres()
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {TEMPLATE_DB}"))
    template_url = make_url(server_url).set(drivername="postgresql+psycopg", database=TEMPLATE_DB)
    open_sql_store(template_url.render_as_string(hide_password=False), actor="setup").close()
    yield TEMPLATE_DB
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
    admin.dispose()


def fresh_pg_database(template: str) -> Iterator[str]:
    """Create a throwaway database from the template; yield its URL; drop it."""
    name = f"storeadmin_test_{uuid.uuid4().hex[:12]}"
    base = make_url(postgres.pg_url()).set(drivername="postgresql+psycopg")
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty, migrated store on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite3"
        open_sql_store(str(path), actor="setup").close()
        yield f"sqlite:///{path}"
    else:
        template = request.getfixturevalue("pg_template")
        yield from fresh_pg_database(template)


@pytest.fixture
def service(store_url: str) -> Iterator[SqlStoreService]:
    """A service on a fresh store, acting as admin ``alice``."""
    svc = open_sql_store(store_url, actor="alice")
    try:
        yield svc
    finally:
        svc.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of an empty, migrated SQLite store (for tests that need one backend only)."""
    path = tmp_path / "store.sqlite3"
    open_sql_store(str(path), actor="setup").close()
    return f"sqlite:///{path}"
