"""A file or database storeadmin did not make is never turned into a store by a read
(issue 14, item 5). Another program's SQLite file, a 0-byte file, a SQLite file without
tables and a text file are refused by every read command, the service and the TUI, and
left byte-for-byte unchanged (no schema, no WAL switch, no -wal/-shm files). Only
``storeadmin db upgrade --db PATH`` (or ``demo``) makes an empty file a store; another
program's database is refused even then, on PostgreSQL too, saying what it is."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from storeadmin.app import build_app
from storeadmin.config import Settings
from storeadmin.core.errors import NotFound
from storeadmin.data import migrate, open_sql_store
from storeadmin.data.engine import make_engine
from support.cli import run


def _foreign(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.execute("INSERT INTO notes VALUES (1, 'keep me')")
    connection.commit()
    connection.close()


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _sqlite_without_tables(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 7")  # writes the header: a real, empty database
    connection.commit()
    connection.close()


def _text(path: Path) -> None:
    path.write_text("not a database\n")


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "foreign": (_foreign, "not a storeadmin store: it is another program's database"),
    "zero-bytes": (_zero_bytes, "is an empty file, not a storeadmin store"),
    "no-tables": (_sqlite_without_tables, "is an empty file, not a storeadmin store"),
    "text": (_text, "is not a SQLite database"),
}


def _snapshot(directory: Path) -> dict[str, str]:
    """Every file in ``directory`` and the SHA-256 of its bytes."""
    return {
        entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
        for entry in sorted(directory.iterdir())
    }


@pytest.fixture(params=list(KINDS))
def planted(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A file that is not a store, alone in its directory, and what its refusal says."""
    make, says = KINDS[request.param]
    path = tmp_path / "other.db"
    make(path)
    return path, says


@pytest.mark.parametrize(
    "argv",
    [
        ["customers", "search", "a"],
        ["customers", "show", "1"],
        ["products", "list"],
        ["db", "current"],
    ],
    ids=["search", "show", "products", "db-current"],
)
def test_read_commands_refuse_a_file_that_is_not_a_store_and_leave_it_unchanged(
    argv: list[str], planted: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, says = planted
    before = _snapshot(path.parent)
    code, out, err = run(capsys, "--db", str(path), *argv)
    assert (code, out, err.count("\n")) == (2, "", 1), err
    assert says in err
    assert "nothing was changed" in err.lower()
    assert _snapshot(path.parent) == before  # same bytes, and no -wal/-shm beside it


def test_the_service_refuses_it_too(planted: tuple[Path, str]) -> None:
    path, says = planted
    before = _snapshot(path.parent)
    with pytest.raises(NotFound, match=says):
        open_sql_store(str(path), actor="alice")
    with pytest.raises(NotFound, match=says):
        open_sql_store(f"sqlite:///{path}", actor="alice")
    assert _snapshot(path.parent) == before


async def test_the_tui_shows_the_refusal_and_leaves_the_file_unchanged(
    planted: tuple[Path, str],
) -> None:
    path, says = planted
    before = _snapshot(path.parent)
    app = build_app(Settings(location=str(path), admin="alice", explicit=True))
    async with app.run_test() as pilot:
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not app.connecting:
                break
        assert app.connect_error is not None
        assert says in app.connect_error
    assert _snapshot(path.parent) == before


@pytest.mark.parametrize("kind", ["zero-bytes", "no-tables"])
def test_db_upgrade_makes_an_empty_file_a_store(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.db"
    KINDS[kind][0](path)
    code, out, err = run(capsys, "--db", str(path), "db", "upgrade")
    assert code == 0, err
    assert "empty ->" in out
    code, out, err = run(capsys, "--db", str(path), "customers", "search", "a")
    assert code == 0, err


@pytest.mark.parametrize("kind", ["foreign", "text"])
def test_db_upgrade_refuses_another_programs_file(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.db"
    KINDS[kind][0](path)
    before = _snapshot(tmp_path)
    code, _out, err = run(capsys, "--db", str(path), "db", "upgrade")
    assert code == 2, err
    assert KINDS[kind][1] in err
    assert _snapshot(tmp_path) == before


def test_a_database_with_tables_but_no_storeadmin_version_is_called_foreign(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """On PostgreSQL this used to say "schema is older … run `storeadmin db upgrade`"."""
    engine = make_engine(store_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
    finally:
        engine.dispose()
    with pytest.raises(NotFound, match="not a storeadmin store") as refused:
        open_sql_store(store_url, actor="alice")
    assert "older" not in str(refused.value)
    assert "tables: audit_log" in str(refused.value)  # names what it holds
    code, _out, err = run(capsys, "--db", store_url, "db", "upgrade")
    assert code == 2, err
    assert "not a storeadmin store" in err


def test_four_concurrent_db_upgrades_report_truthfully_which_one_applied_it(
    store_url: str, tmp_path: Path
) -> None:
    """Each used to print "empty -> 0003" (the revision it read before the lock); now
    the revision is read under the migration lock, so exactly one reports the change."""
    engine = make_engine(store_url)
    try:
        migrate.downgrade(engine, "base")
    finally:
        engine.dispose()
    env = {**os.environ, "STOREADMIN_HOME": str(tmp_path / "home")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "storeadmin", "db", "upgrade", "--db", store_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    results = [(p.wait(120), *p.communicate()) for p in processes]
    assert [code for code, _out, _err in results] == [0] * 4, results
    outputs = [out for _code, out, _err in results]
    assert sum("empty ->" in out for out in outputs) == 1, outputs
    assert sum("already at" in out for out in outputs) == 3, outputs
