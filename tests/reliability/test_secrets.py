"""Secrets stay secret: the database password never reaches the screen (connect-error
view, Textual's crash screen with its printed locals), the logs or the CLI's errors; a
config file others can read is refused; token secrets are neither logged nor audited.

Covered elsewhere, not repeated here: an unreachable PostgreSQL via the CLI
(tests/cli/test_customers_cli.py::test_unreachable_postgresql_exits_4_without_the_password),
tokens stored as hash and prefix only and never audited
(tests/data/test_writes_tokens.py).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_tools import closed_port, fresh_pg_store
from pty_runner import run_on_terminal
from sqlalchemy.engine import make_url

from storeadmin.cli import main
from storeadmin.config import ConfigError, Settings, read_config_file
from storeadmin.data import open_sql_store
from support import factories
from support.postgres import pg_url

PASSWORD = "S3cretPw"


def _with_password(url: str) -> str:
    """``url`` (a trust-auth test server) with a password that must never show."""
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def pg_url_with_password(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL store whose URL carries a password (trust auth ignores it)."""
    with fresh_pg_store(pg_template) as url:
        yield _with_password(url)


APP = """
import sys
from storeadmin.app import run_app
from storeadmin.config import Settings
{patch}
sys.exit(run_app(Settings(location={url!r}, admin="alice")))
"""


def test_connect_error_screen_names_the_endpoint_without_the_password() -> None:
    """The real app on a real terminal, pointed at a closed port: one line, no secret."""
    port = closed_port()
    url = f"postgresql://admin:{PASSWORD}@127.0.0.1:{port}/store"
    run = run_on_terminal(APP.format(patch="", url=url), keys=[("Cannot open", b"q")], timeout=60)
    assert run.returncode == 4, run.text[-2000:]
    assert "Cannot open" in run.text
    assert f"127.0.0.1:{port}" in run.text
    assert "admin:***@127.0.0.1" in run.text  # the database label, masked
    assert PASSWORD not in run.text
    assert "Traceback" not in run.text


def test_unexpected_error_while_connecting_shows_its_type_only() -> None:
    """A bug (not a StoreError) raised where the URL is a local: named, never dumped."""
    port = closed_port()
    url = f"postgresql://admin:{PASSWORD}@127.0.0.1:{port}/store"
    patch = (
        "import storeadmin.data as sql_store\n"
        "def exploding_open(url, **kwargs):\n"
        "    detail = f'cannot use {url}'  # a message holding the password\n"
        "    raise RuntimeError(detail)\n"
        "sql_store.open_sql_store = exploding_open\n"
    )
    run = run_on_terminal(
        APP.format(patch=patch, url=url), keys=[("Cannot open", b"q")], timeout=60
    )
    assert run.returncode == 4, run.text[-2000:]
    assert "RuntimeError" in run.text
    assert PASSWORD not in run.text
    assert "Traceback" not in run.text


@pytest.mark.postgres
def test_crash_screen_with_locals_never_shows_the_password(pg_url_with_password: str) -> None:
    """A UI bug after connecting: Textual prints a traceback *with locals*; no password."""
    patch = (
        "from storeadmin.screens.customer_search import CustomerSearchScreen\n"
        "def broken(self, info):\n"
        "    proof = 'LOCALS-ARE-PRINTED'  # shows the crash screen's locals are captured\n"
        "    raise RuntimeError('a bug in the search screen')\n"
        "CustomerSearchScreen.service_ready = broken\n"
    )
    run = run_on_terminal(APP.format(patch=patch, url=pg_url_with_password), timeout=60)
    assert run.returncode not in (None, 0), run.text[-2000:]
    assert "a bug in the search screen" in run.text
    assert "LOCALS-ARE-PRINTED" in run.text
    assert PASSWORD not in run.text


@pytest.mark.postgres
def test_logs_hold_neither_the_password_nor_token_secrets(
    pg_url_with_password: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Even with SQLAlchemy and psycopg logging everything, no password, no secret."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "psycopg"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        service = open_sql_store(pg_url_with_password, actor="alice")
        try:
            customer = factories.customer(service.engine)
            created = service.create_token(customer, label="bot")
            service.revoke_token(customer, created.token.id)
        finally:
            service.close()
    finally:
        for name in ("sqlalchemy.engine", "sqlalchemy.pool", "psycopg"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "INSERT INTO customer_tokens" in logged  # the statements were logged...
    assert PASSWORD not in logged  # ...but never the password
    assert created.secret not in logged  # ...nor the token (hide_parameters)
    assert created.secret[8:] not in logged


@pytest.mark.postgres
def test_cli_server_error_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real server answering with an error (no such database) through the CLI."""
    if not pg_url():
        pytest.skip("no PostgreSQL: set STOREADMIN_TEST_PG_URL")
    url = make_url(_with_password(pg_url())).set(database="storeadmin_no_such_db")
    code = main(["customers", "search", "a", "--db", url.render_as_string(hide_password=False)])
    captured = capsys.readouterr()
    assert code == 4
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "storeadmin_no_such_db" in captured.err
    assert PASSWORD not in captured.err


def test_database_from_the_environment_never_echoes_its_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    monkeypatch.setenv("STOREADMIN_DB", f"postgresql://admin:{PASSWORD}@127.0.0.1:{port}/x")
    code = main(["customers", "show", "1"])
    captured = capsys.readouterr()
    assert code == 4
    assert f"127.0.0.1:{port}" in captured.err
    assert PASSWORD not in captured.err + captured.out


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_config_file_readable_by_others_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], mode: int
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'database = "postgresql://admin:{PASSWORD}@db.example/store"\n')
    os.chmod(config, mode)
    monkeypatch.setenv("STOREADMIN_CONFIG", str(config))
    with pytest.raises(ConfigError, match=r"chmod 600") as caught:
        read_config_file()
    assert PASSWORD not in str(caught.value)
    # The CLI stops before touching any database, with the fix-it line.
    code = main(["customers", "search", "a"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1
    assert f"chmod 600 {config}" in captured.err
    assert PASSWORD not in captured.err


def test_private_config_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('database = "/srv/store.sqlite3"\n')
    os.chmod(config, stat.S_IRUSR | stat.S_IWUSR)
    monkeypatch.setenv("STOREADMIN_CONFIG", str(config))
    assert read_config_file() == {"database": "/srv/store.sqlite3"}


def test_settings_repr_hides_the_database() -> None:
    """Crash screens print locals: a Settings there must not carry the URL."""
    settings = Settings(location=f"postgresql://admin:{PASSWORD}@db/store", admin="alice")
    assert PASSWORD not in repr(settings)
    assert "db/store" not in repr(settings)
