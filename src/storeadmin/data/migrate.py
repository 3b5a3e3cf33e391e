"""Schema migrations (Alembic, shipped inside the package) and the start-up policy.

- empty database: created by ``upgrade head`` (never ``create_all``);
- older embedded SQLite store: backed up next to the file, then upgraded;
- older shared PostgreSQL: refused until someone runs ``storeadmin db upgrade``;
- newer than this build: refused.

SQLite migrations run with foreign keys off (a batch table rebuild with them on would
cascade-delete child rows), inside one transaction, with ``PRAGMA foreign_key_check``
before commit. PostgreSQL migrations hold an advisory lock so two admins cannot
migrate at once.
"""

from __future__ import annotations

import enum
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from storeadmin.core.errors import Unavailable
from storeadmin.data.dialect import is_sqlite

MIGRATION_LOCK_KEY = 0x5707E_AD31
"""pg_advisory_lock key held while migrating (any constant unique to storeadmin)."""


DIALECT_ONLY_TABLE_PREFIX = "customers_fts"
"""The SQLite FTS5 table and its shadow tables, which the models do not describe."""
DIALECT_ONLY_INDEXES = frozenset({"ix_customers_name_key_trgm"})
"""PostgreSQL's pg_trgm index, created by raw SQL in the migration."""


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave dialect-only objects (FTS5 tables, the trigram index) out of autogenerate."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(DIALECT_ONLY_TABLE_PREFIX)
    if type_ == "index":
        return name not in DIALECT_ONLY_INDEXES
    return True


class SchemaState(enum.StrEnum):
    """How the database's schema compares with this build's."""

    EMPTY = "empty"
    BEHIND = "behind"
    CURRENT = "current"
    AHEAD = "ahead"


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """The database's revision, this build's head, and how they compare."""

    current: str | None
    head: str
    state: SchemaState


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside the package."""
    config = Config()
    config.set_main_option("script_location", "storeadmin:migrations")
    config.set_main_option("path_separator", "space")
    return config


def head_revision() -> str:
    """The newest revision this build knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the database's revision with this build's head."""
    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        has_tables = bool(inspect(connection).get_table_names())
        connection.rollback()
    if current is None:
        state = SchemaState.BEHIND if has_tables else SchemaState.EMPTY
    elif current == head:
        state = SchemaState.CURRENT
    else:
        known = {rev.revision for rev in script.walk_revisions()}
        state = SchemaState.BEHIND if current in known else SchemaState.AHEAD
    return SchemaStatus(current=current, head=head, state=state)


def upgrade(engine: Engine, *, revision: str = "head", backup: bool = True) -> Path | None:
    """Upgrade the schema; returns the SQLite backup file made first, if any."""
    if is_sqlite(engine):
        backup_path = _backup_sqlite(engine) if backup else None
        _run_sqlite(engine, "upgrade", revision)
        return backup_path
    _run_postgres(engine, "upgrade", revision)
    return None


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the schema (used by tests and by hand, never automatically)."""
    if is_sqlite(engine):
        _run_sqlite(engine, "downgrade", revision)
    else:
        _run_postgres(engine, "downgrade", revision)


def prepare(engine: Engine, *, auto_upgrade_shared: bool = False) -> SchemaStatus:
    """Apply the start-up policy; raise Unavailable with a fix-it message when refusing."""
    status = schema_status(engine)
    if status.state is SchemaState.CURRENT:
        return status
    if status.state is SchemaState.AHEAD:
        raise Unavailable(
            f"this database was migrated by a newer storeadmin (revision {status.current}); "
            "upgrade storeadmin to open it"
        )
    shared = not is_sqlite(engine)
    if status.state is SchemaState.BEHIND and shared and not auto_upgrade_shared:
        raise Unavailable(
            "the shared database's schema is older than this storeadmin: "
            "run `storeadmin db upgrade` (take a backup first)"
        )
    upgrade(engine)
    return schema_status(engine)


def _run_command(connection: Connection, name: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, name)(config, revision)


def _run_sqlite(engine: Engine, name: str, revision: str) -> None:
    with engine.connect() as connection:
        # foreign_keys is a no-op inside a transaction, so switch it off on the raw
        # connection before the migration's BEGIN.
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                _run_command(connection, name, revision)
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise Unavailable(
                        f"migration would leave {len(problems)} broken references; nothing changed"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _run_postgres(engine: Engine, name: str, revision: str) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            with connection.begin():
                _run_command(connection, name, revision)
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()


def _backup_sqlite(engine: Engine) -> Path | None:
    """Copy an existing, non-empty store aside before upgrading it."""
    database = engine.url.database
    if not database or database == ":memory:" or engine.url.query.get("mode") == "memory":
        return None
    path = Path(database)
    if not path.exists() or path.stat().st_size == 0:
        return None
    status = schema_status(engine)
    if status.state is SchemaState.EMPTY:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{status.current or 'unversioned'}.{stamp}.bak")
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    shutil.copymode(path, target)
    return target
