"""Schema migrations (Alembic, shipped inside the package) and the start-up policy.

- empty database: created by ``upgrade head`` (never ``create_all``) — an existing SQLite
  file that is empty (0 bytes, or no tables) only when the caller asks to create a store
  (``storeadmin db upgrade``, ``storeadmin demo``): a read never turns a file into a store;
- a database of another program (tables, but no storeadmin schema version): refused,
  saying what it is, and left byte-for-byte unchanged (SQLite files are inspected
  read-only before the engine, which switches files to WAL, ever connects);
- older embedded SQLite store: backed up next to the file, then upgraded;
- older shared PostgreSQL: refused until someone runs ``storeadmin db upgrade``;
- newer than this build: refused.

Opening a store at this build's revision reads ``alembic_version`` with plain SQL and
never imports Alembic: Alembic and what it pulls in (Mako, Pygments) cost the app ~11 MB
of resident memory and ~100 ms at start-up. ``HEAD_REVISION`` names the newest shipped
migration; a test holds it to Alembic's own head.

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
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from storeadmin.core.errors import NotFound, Unavailable
from storeadmin.data.dialect import is_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

HEAD_REVISION = "0004"
"""The newest migration in ``storeadmin/migrations/versions`` (a test checks Alembic agrees)."""

MIGRATION_LOCK_KEY = 0x5707E_AD31
"""pg_advisory_lock key held while migrating (any constant unique to storeadmin)."""


DIALECT_ONLY_TABLE_PREFIX = "customers_fts"
"""The SQLite FTS5 table and its shadow tables, which the models do not describe."""
DIALECT_ONLY_INDEXES = frozenset({"ix_customers_name_key_trgm", "ix_customers_search_key_trgm"})
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
    FOREIGN = "foreign"
    """Tables, but no storeadmin schema version: another program's database."""
    BEHIND = "behind"
    CURRENT = "current"
    AHEAD = "ahead"


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """The database's revision, this build's head, and how they compare."""

    current: str | None
    head: str
    state: SchemaState
    tables: tuple[str, ...] = ()
    """The database's tables (only filled in for a FOREIGN database, to name them)."""


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "storeadmin:migrations")
    config.set_main_option("path_separator", "space")
    return config


def head_revision() -> str:
    """The newest revision this build knows."""
    return HEAD_REVISION


def shipped_revisions() -> set[str]:
    """Every revision this build ships (read by Alembic from the migration scripts)."""
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the database's revision with this build's head."""
    head = head_revision()
    with engine.connect() as connection:
        tables = tuple(sorted(inspect(connection).get_table_names()))
        current = _stored_revision(connection) if "alembic_version" in tables else None
        connection.rollback()
    if current is None:
        # Every storeadmin schema has had alembic_version since its first migration
        # (a downgrade to base leaves it, empty): tables without it are someone else's.
        if tables and "alembic_version" not in tables:
            return SchemaStatus(current=None, head=head, state=SchemaState.FOREIGN, tables=tables)
        others = [name for name in tables if name != "alembic_version"]
        state = SchemaState.BEHIND if others else SchemaState.EMPTY
    elif current == head:
        state = SchemaState.CURRENT
    else:
        state = SchemaState.BEHIND if current in shipped_revisions() else SchemaState.AHEAD
    return SchemaStatus(current=current, head=head, state=state)


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    """What one upgrade did: the revision it found *once it held the migration lock*
    (so of several concurrent upgrades only one reports the change), and the backup."""

    before: str | None
    after: str | None
    backup: Path | None

    @property
    def applied(self) -> bool:
        """True if this run changed the schema (another run may have done it first)."""
        return self.before != self.after


def upgrade(engine: Engine, *, revision: str = "head", backup: bool = True) -> Path | None:
    """Upgrade the schema; returns the SQLite backup file made first, if any."""
    return apply_upgrade(engine, revision=revision, backup=backup).backup


def apply_upgrade(engine: Engine, *, revision: str = "head", backup: bool = True) -> UpgradeResult:
    """Upgrade the schema under the migration lock; report what this run found and left."""
    if is_sqlite(engine):
        # A backup only when there is something to upgrade: a copy of a store already at
        # the target is a full-size file for nothing (a concurrent run that gets there
        # first made its own backup).
        backup_path = _backup_sqlite(engine) if backup and _behind(engine, revision) else None
        before, after = _run_sqlite(engine, "upgrade", revision)
        return UpgradeResult(before, after, backup_path)
    before, after = _run_postgres(engine, "upgrade", revision)
    return UpgradeResult(before, after, None)


def _behind(engine: Engine, revision: str) -> bool:
    """True unless the schema is already at ``revision`` (``head``: the newest)."""
    with engine.connect() as connection:
        current = _revision(connection)
    return current != (head_revision() if revision == "head" else revision)


def _revision(connection: Connection) -> str | None:
    """The stored revision (``alembic_version``, one row on our linear history), as
    Alembic's ``MigrationContext.get_current_revision`` reads it; None when unversioned."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return _stored_revision(connection)


def _stored_revision(connection: Connection) -> str | None:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the schema (used by tests and by hand, never automatically)."""
    if is_sqlite(engine):
        _run_sqlite(engine, "downgrade", revision)
    else:
        _run_postgres(engine, "downgrade", revision)


def foreign_message(where: str, tables: tuple[str, ...]) -> str:
    """What to say about a database storeadmin did not make (``where``: password-free)."""
    shown = ", ".join(tables[:5]) + (f", … ({len(tables)} tables)" if len(tables) > 5 else "")
    return (
        f"{where} is not a storeadmin store: it is another program's database "
        f"(tables: {shown}; no storeadmin schema version). Nothing was changed — "
        "check --db, or create a store in a new file or an empty database"
    )


def prepare(
    engine: Engine, *, auto_upgrade_shared: bool = False, where: str = "the database"
) -> SchemaStatus:
    """Apply the start-up policy; raise Unavailable with a fix-it message when refusing."""
    status = schema_status(engine)
    if status.state is SchemaState.CURRENT:
        return status
    if status.state is SchemaState.FOREIGN:
        raise NotFound(foreign_message(where, status.tables))
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


class FileKind(enum.StrEnum):
    """What a SQLite location's file holds, found without changing it."""

    MISSING = "missing"
    EMPTY = "empty"
    """0 bytes, or a SQLite database without tables."""
    STORE = "store"
    """Has storeadmin's ``alembic_version`` table (any revision)."""
    FOREIGN = "foreign"
    """Another program's SQLite database."""
    NOT_SQLITE = "not sqlite"


SQLITE_HEADER = b"SQLite format 3\x00"


def inspect_sqlite_file(path: Path) -> tuple[FileKind, tuple[str, ...]]:
    """What ``path`` holds, and its tables: read-only (``mode=ro``), never writing it."""
    if not path.exists():
        return FileKind.MISSING, ()
    if path.is_dir():
        return FileKind.NOT_SQLITE, ()
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        return FileKind.EMPTY, ()
    if header != SQLITE_HEADER:
        return FileKind.NOT_SQLITE, ()
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            rows = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return FileKind.NOT_SQLITE, ()
    tables = tuple(sorted(str(row[0]) for row in rows))
    if not tables:
        return FileKind.EMPTY, ()
    return (FileKind.STORE if "alembic_version" in tables else FileKind.FOREIGN), tables


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse (NotFound, one line: exit 2 like a missing file) to open ``path`` as a store unless it is one, or is
    missing/empty and ``create`` is set. Nothing is written to the file either way."""
    kind, tables = inspect_sqlite_file(path)
    if kind in (FileKind.STORE, FileKind.MISSING):
        return  # a missing file is refused earlier by the CLI unless created on first use
    if kind is FileKind.EMPTY and create:
        return
    if kind is FileKind.EMPTY:
        raise NotFound(
            f"{path} is an empty file, not a storeadmin store; nothing was changed — "
            f"make it one with `storeadmin db upgrade --db {path}` or "
            f"`storeadmin demo --db {path}`"
        )
    if kind is FileKind.NOT_SQLITE:
        raise NotFound(
            f"{path} is not a SQLite database (nor a storeadmin store); nothing was changed "
            "— check --db"
        )
    raise NotFound(foreign_message(str(path), tables))


def _run_command(connection: Connection, name: str, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, name)(config, revision)


def _run_sqlite(engine: Engine, name: str, revision: str) -> tuple[str | None, str | None]:
    """Run an Alembic command in one ``BEGIN IMMEDIATE`` transaction (the write lock is
    the migration lock); returns the revision found under the lock and the one left."""
    with engine.connect() as connection:
        # foreign_keys is a no-op inside a transaction, so switch it off on the raw
        # connection before the migration's BEGIN.
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        try:
            with connection.begin():
                before = _revision(connection)
                _run_command(connection, name, revision)
                after = _revision(connection)
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise Unavailable(
                        f"migration would leave {len(problems)} broken references; nothing changed"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return before, after


def _run_postgres(engine: Engine, name: str, revision: str) -> tuple[str | None, str | None]:
    """Run an Alembic command holding the advisory lock; returns the revision found once
    the lock was held and the one left."""
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            with connection.begin():
                before = _revision(connection)
                _run_command(connection, name, revision)
                after = _revision(connection)
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
    return before, after


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
