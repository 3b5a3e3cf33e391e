"""Shared fixtures: a fresh store per test on SQLite and on PostgreSQL.

PostgreSQL runs when ``STOREADMIN_TEST_PG_URL`` points at a server where we may
create databases; without it the PostgreSQL half is skipped locally, and with
``CI=true`` the run fails instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storeadmin.data import SqlStoreService, open_sql_store

PG_URL = os.environ.get("STOREADMIN_TEST_PG_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEMPLATE_DB = (
    f"storeadmin_test_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
)


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError(
            "CI=true but STOREADMIN_TEST_PG_URL is not set: the PostgreSQL tests must run in CI"
        )


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
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database; each test copies it (much faster than migrating)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL: set STOREADMIN_TEST_PG_URL")
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {TEMPLATE_DB}"))
    template_url = make_url(PG_URL).set(drivername="postgresql+psycopg", database=TEMPLATE_DB)
    open_sql_store(template_url.render_as_string(hide_password=False), actor="setup").close()
    yield TEMPLATE_DB
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
    admin.dispose()


def fresh_pg_database(template: str) -> Iterator[str]:
    """Create a throwaway database from the template; yield its URL; drop it."""
    name = f"storeadmin_test_{uuid.uuid4().hex[:12]}"
    base = make_url(PG_URL).set(drivername="postgresql+psycopg")
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
