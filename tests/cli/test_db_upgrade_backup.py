"""``db upgrade`` copies a SQLite store before changing it, and only then: a store that is
already current gets no full-size backup file for nothing."""

from __future__ import annotations

from pathlib import Path

from storeadmin.cli import main
from storeadmin.data import open_sql_store


def test_an_up_to_date_store_is_not_backed_up(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    open_sql_store(str(store), actor="setup").close()  # created at the newest schema
    assert main(["--db", str(store), "db", "upgrade"]) == 0
    assert list(tmp_path.glob("*.bak")) == []
