"""UI test fixtures. Helpers live in ``support.ui`` (``from support.ui import …``).

``ui_store`` is the seeded store on each backend (SQL, and the in-memory copy);
``sql_ui_store`` the SQL one only, for tests that seed extra rows through the
factories; ``empty_store_url`` a migrated store with no customers. Every UI test runs
with ``TZ=UTC`` and without a blinking input cursor, so screens are reproducible.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storeadmin.data import open_sql_store
from support import factories
from support.ui import UiStore, build_ui_store, deterministic_terminal, in_memory

__all__ = ["deterministic_terminal"]


@pytest.fixture(params=["sql", "memory"])
def ui_store(request: pytest.FixtureRequest, tmp_path: Path) -> UiStore:
    """The seeded UI store on each backend: the SQL service, and its in-memory copy."""
    store = build_ui_store(tmp_path / "ui-store.sqlite3")
    return store if request.param == "sql" else in_memory(store)


@pytest.fixture
def sql_ui_store(tmp_path: Path) -> UiStore:
    """The seeded UI store on SQLite only (tests that add rows through the factories)."""
    return build_ui_store(tmp_path / "ui-store.sqlite3")


@pytest.fixture
def empty_store_url(tmp_path: Path) -> str:
    """A migrated, named store without customers."""
    path = tmp_path / "empty-store.sqlite3"
    service = open_sql_store(str(path), actor="setup")
    try:
        factories.store_settings(service.engine, name="Empty Store")
    finally:
        service.close()
    return f"sqlite:///{path}"
