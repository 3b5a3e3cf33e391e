"""Migrations: models and migrations cannot drift, child rows survive table rebuilds,
a failed migration changes nothing, and the start-up policy refuses what it must."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select, text

from storeadmin.core.errors import Unavailable
from storeadmin.data import migrate
from storeadmin.data.engine import make_engine
from storeadmin.data.migrate import include_object
from storeadmin.data.schema import Base, CommandAttemptRow, InventoryItemRow
from support import factories

REBUILD_ITEMS = '''
"""test: rebuild inventory_items (a batch table copy on SQLite)"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "0002"
branch_labels = None
depends_on = None


def _recreate() -> str:
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    with op.batch_alter_table("inventory_items", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inventory_items", recreate=_recreate()) as batch:
        batch.drop_column("note")
'''

FAILING = '''
"""test: fails half way"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("DELETE FROM command_attempts")
    raise RuntimeError("boom in the middle of a migration")


def downgrade() -> None:
    pass
'''

SLOW_CREATE = '''
"""test: slow, not idempotent"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT pg_sleep(0.5)")
    op.create_table("only_once", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("only_once")
'''


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def with_extra_revision(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str) -> None:
    """Make the migration runner see one more revision, written to a temp folder."""
    versions = tmp_path / "extra_versions"
    versions.mkdir()
    # The test revision follows whatever this build ships last.
    shipped = migrate.head_revision()
    source = source.replace('down_revision = "0002"', f'down_revision = "{shipped}"')
    (versions / "9001_test.py").write_text(source)
    original = migrate.alembic_config

    def config() -> Config:
        cfg = original()
        cfg.set_main_option(
            "version_locations", f"storeadmin:migrations/versions {versions.as_posix()}"
        )
        cfg.set_main_option("path_separator", "space")
        return cfg

    monkeypatch.setattr(migrate, "alembic_config", config)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9001")


def seed_item_with_commands(engine: Engine) -> int:
    server = factories.game_server(engine)
    product = factories.product(engine, server_ids=[server])
    customer = factories.customer(engine)
    item = factories.item(engine, customer, product, server_ids=[server])
    for _ in range(3):
        factories.command_attempt(engine, item, server)
    return item


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_head_revision_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_heads() == [migrate.HEAD_REVISION], (
        "a new migration: set storeadmin.data.migrate.HEAD_REVISION to its revision"
    )
    assert migrate.HEAD_REVISION in migrate.shipped_revisions()


def test_opening_a_current_store_does_not_import_alembic(tmp_path: Path) -> None:
    """Alembic (with Mako and Pygments) costs ~11 MB of RSS: only a migration loads it."""
    store = tmp_path / "store.sqlite3"
    engine = make_engine(str(store))
    migrate.upgrade(engine)
    engine.dispose()
    probe = (
        "import sys\n"
        "from storeadmin.data import open_sql_store\n"
        f"service = open_sql_store({str(store)!r}, actor='probe')\n"
        "service.search_customers('x')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_table_rebuild_keeps_child_rows(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seed_item_with_commands(engine)
    with_extra_revision(monkeypatch, tmp_path, REBUILD_ITEMS)
    assert migrate.schema_status(engine).state is migrate.SchemaState.BEHIND
    migrate.upgrade(engine)
    assert count(engine, CommandAttemptRow) == 3
    assert count(engine, InventoryItemRow) == 1
    assert "note" in {c["name"] for c in inspect(engine).get_columns("inventory_items")}
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_failed_migration_changes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seed_item_with_commands(engine)
    shipped = migrate.head_revision()
    with_extra_revision(monkeypatch, tmp_path, FAILING)
    with pytest.raises(RuntimeError, match="boom"):
        migrate.upgrade(engine)
    assert "half_done" not in inspect(engine).get_table_names()
    assert count(engine, CommandAttemptRow) == 3
    assert migrate.schema_status(engine).current == shipped


def test_sqlite_upgrade_backs_up_an_older_store(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    seed_item_with_commands(engine)
    shipped = migrate.head_revision()
    with_extra_revision(monkeypatch, tmp_path, REBUILD_ITEMS)
    status = migrate.prepare(engine)
    engine.dispose()
    assert status.state is migrate.SchemaState.CURRENT
    store = Path(sqlite_url.removeprefix("sqlite:///"))
    backups = list(store.parent.glob(f"{store.name}.{shipped}.*.bak"))
    assert len(backups) == 1
    old = make_engine(str(backups[0]))
    assert count(old, CommandAttemptRow) == 3
    assert "note" not in {c["name"] for c in inspect(old).get_columns("inventory_items")}
    old.dispose()


def test_newer_database_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
    assert migrate.schema_status(engine).state is migrate.SchemaState.AHEAD
    with pytest.raises(Unavailable, match="newer storeadmin"):
        migrate.prepare(engine)


@pytest.mark.postgres
def test_shared_postgres_behind_is_refused_until_db_upgrade(
    store_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL policy")
    with_extra_revision(monkeypatch, tmp_path, REBUILD_ITEMS)
    with pytest.raises(Unavailable, match="storeadmin db upgrade"):
        migrate.prepare(engine)
    assert migrate.prepare(engine, auto_upgrade_shared=True).state is migrate.SchemaState.CURRENT


@pytest.mark.postgres
def test_two_admins_upgrading_at_once_migrate_once(
    store_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory lock is PostgreSQL's")
    with_extra_revision(monkeypatch, tmp_path, SLOW_CREATE)
    errors: list[BaseException] = []

    def run() -> None:
        own = make_engine(store_url)
        try:
            migrate.upgrade(own)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert "only_once" in inspect(engine).get_table_names()
    assert migrate.schema_status(engine).state is migrate.SchemaState.CURRENT


def test_0002_swaps_the_orders_status_index_for_the_covering_one(engine: Engine) -> None:
    """A store at 0001 (as the shipped stores are) upgrades in place, keeping its orders."""
    server = factories.game_server(engine)
    product = factories.product(engine, server_ids=[server])
    customer = factories.customer(engine)
    for _ in range(3):
        factories.order(engine, customer, product)
    migrate.downgrade(engine, "0001")
    names = {i["name"] for i in inspect(engine).get_indexes("orders")}
    assert "ix_orders_customer_status_created" in names
    assert "ix_orders_customer_status_amounts" not in names
    migrate.upgrade(engine, backup=False)
    assert migrate.schema_status(engine).current == migrate.head_revision()
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("orders")}
    assert "ix_orders_customer_status_created" not in indexes
    assert indexes["ix_orders_customer_status_amounts"] == [
        "customer_id",
        "status",
        "created_at",
        "id",
        "total",
        "fees",
        "refunded",
    ]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(text("orders"))).scalar() == 3
