"""``storeadmin demo``: target choice, progress text, refusal to overwrite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storeadmin.config import demo_database
from storeadmin.data.engine import make_engine
from support import factories
from support.cli import run


def customers_in(path: str | Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM customers").fetchone()[0])


def test_builds_the_demo_store_then_refuses_without_force(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "demo", "--customers", "100")
    assert (code, err) == (0, "")
    assert "customers 100 done" in out  # plain progress: stdout is not a terminal
    assert "statistics done" in out
    assert "whale: customer 42 WhaleKing (20,000 orders)" in out
    assert "5 orders: customer 43 FiveOrders" in out
    assert "storeadmin --demo" in out
    assert customers_in(demo_database()) == 100

    code, _out, err = run(capsys, "demo", "--customers", "100")
    assert code == 2
    assert "--force" in err

    code, out, _err = run(capsys, "demo", "--customers", "120", "--seed", "3", "--force")
    assert code == 0
    assert "Demo store built in" in out
    assert customers_in(demo_database()) == 120


def test_db_after_the_subcommand_and_a_real_store_is_never_overwritten(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    engine: Engine = make_engine(sqlite_url)
    try:
        factories.game_server(engine)
    finally:
        engine.dispose()
    code, _out, err = run(capsys, "demo", "--db", sqlite_url, "--customers", "100", "--force")
    assert code == 2
    assert "real store" in err
    assert customers_in(sqlite_url.removeprefix("sqlite:///")) == 0


def test_default_target_ignores_the_configured_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = tmp_path / "real.sqlite3"
    monkeypatch.setenv("STOREADMIN_DB", str(real))
    code, _out, _err = run(capsys, "demo", "--customers", "100")
    assert code == 0
    assert not real.exists()
    assert customers_in(demo_database()) == 100


def test_too_few_customers_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "demo", "--customers", "5")
    assert code == 2
    assert "at least 100 customers" in err
