"""Bulk loaders for the demo store: raw DBAPI on each backend, schema restored after.

Both loaders take plain tuples in batches. Before the load they set aside what slows
inserts down (secondary indexes, the FTS sync triggers on SQLite, foreign keys on
PostgreSQL), remembering each object's exact definition, and recreate the very same
objects afterwards, so the schema ends exactly as the migration left it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Engine

from storeadmin.data.dialect import is_sqlite

Row = tuple[Any, ...]
Progress = Callable[[str, int, int], None]


class Loader(Protocol):
    """What the generator needs from a backend."""

    ts_suffix: str
    """Appended to ``YYYY-MM-DD HH:MM:SS`` to make a timestamp literal."""
    true: Any
    false: Any

    def prepare(self) -> None:
        """Set aside indexes/triggers/constraints and start the load transaction."""

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Append rows (ids included) to a table."""

    def finish(self, progress: Progress) -> None:
        """Commit, recreate what ``prepare`` set aside, refresh statistics."""

    def close(self) -> None:
        """Release the connection (also after a failure)."""


class SqliteLoader:
    """``sqlite3.executemany`` on the engine's raw connection, journal and syncs off."""

    ts_suffix = ".000000"  # SQLAlchemy's SQLite DateTime storage format always has µs
    true = 1
    false = 0

    def __init__(self, engine: Engine) -> None:
        self._raw = engine.raw_connection()
        self._db: Any = self._raw.driver_connection
        self._saved: list[tuple[str, str, str]] = []
        self._sql: dict[str, str] = {}

    def prepare(self) -> None:
        """Fast, unsafe pragmas (the file is a fresh build), drop indexes and FTS triggers."""
        db = self._db
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "cache_size=-262144",
            "temp_store=MEMORY",
            "locking_mode=EXCLUSIVE",
        ):
            db.execute(f"PRAGMA {pragma}")
        # Explicit indexes (autoindexes of PK/UNIQUE have no sql and stay) and the
        # triggers that keep customers_fts in step: the FTS is rebuilt in one go after.
        self._saved = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
            "(type = 'index' OR (type = 'trigger' AND name LIKE 'customers_fts_%')) "
            "ORDER BY type, name"
        ).fetchall()
        db.execute("BEGIN")
        for kind, name, _sql in self._saved:
            db.execute(f'DROP {kind.upper()} "{name}"')

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """executemany of one prepared INSERT."""
        sql = self._sql.get(table)
        if sql is None:
            marks = ", ".join("?" * len(columns))
            sql = self._sql[table] = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self._db.executemany(sql, rows)

    def finish(self, progress: Progress) -> None:
        """Commit, recreate indexes then triggers, rebuild the FTS index, ANALYZE."""
        db = self._db
        db.execute("COMMIT")
        indexes = [s for s in self._saved if s[0] == "index"]
        db.execute("BEGIN")
        for done, (_kind, _name, sql) in enumerate(indexes):
            progress("indexes", done, len(indexes))
            db.execute(sql)
        progress("indexes", len(indexes), len(indexes))
        progress("search index", 0, 1)
        db.execute("INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')")
        for kind, _name, sql in self._saved:
            if kind == "trigger":
                db.execute(sql)
        db.execute("COMMIT")
        progress("search index", 1, 1)
        progress("analyze", 0, 1)
        db.execute("ANALYZE")
        db.execute("PRAGMA locking_mode=NORMAL")
        db.execute("PRAGMA journal_mode=WAL")
        progress("analyze", 1, 1)

    def close(self) -> None:
        """Close the raw connection."""
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._raw.close()


class PostgresLoader:
    """psycopg 3 ``COPY FROM STDIN``; indexes and foreign keys rebuilt after the load."""

    ts_suffix = "+00"
    true = True
    false = False

    def __init__(self, engine: Engine) -> None:
        self._raw = engine.raw_connection()
        self._pg: Any = self._raw.driver_connection
        self._indexes: list[tuple[str, str]] = []
        self._foreign_keys: list[tuple[str, str, str]] = []
        self._tables: set[str] = set()

    def prepare(self) -> None:
        """No timeouts for the load; drop secondary indexes and foreign keys (kept aside)."""
        cur = self._pg.cursor()
        # The engine sets a 15 s statement timeout for interactive use; index builds
        # over millions of rows take longer.
        cur.execute("SET statement_timeout = 0")
        cur.execute("SET lock_timeout = 0")
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '256MB'")
        self._indexes = cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename <> 'alembic_version' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace) "
            "ORDER BY i.indexname"
        ).fetchall()
        self._foreign_keys = cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = current_schema()::regnamespace ORDER BY conname"
        ).fetchall()
        for table, name, _definition in self._foreign_keys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in self._indexes:
            cur.execute(f'DROP INDEX "{name}"')

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """COPY the rows in text format."""
        self._tables.add(table)
        cur = self._pg.cursor()
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)

    def finish(self, progress: Progress) -> None:
        """Commit the data, recreate indexes and foreign keys, fix sequences, ANALYZE."""
        cur = self._pg.cursor()
        self._pg.commit()
        steps = self._indexes
        for done, (_name, definition) in enumerate(steps):
            progress("indexes", done, len(steps) + 1)
            cur.execute(definition)
        progress("indexes", len(steps), len(steps) + 1)
        for table, name, definition in self._foreign_keys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        progress("indexes", len(steps) + 1, len(steps) + 1)
        # Ids were given explicitly: move each serial past the largest one.
        for table in sorted(self._tables):
            has_id = cur.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s AND column_name = 'id'",
                (table,),
            ).fetchone()
            sequence = (
                cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()
                if has_id
                else None
            )
            if sequence and sequence[0]:
                cur.execute(
                    f"SELECT setval(%s, (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)",
                    (sequence[0],),
                )
        self._pg.commit()
        progress("analyze", 0, 1)
        cur.execute("ANALYZE")
        self._pg.commit()
        progress("analyze", 1, 1)

    def close(self) -> None:
        """Roll back anything unfinished and release the connection."""
        try:
            self._pg.rollback()
            cur = self._pg.cursor()
            cur.execute("RESET ALL")
            self._pg.commit()
        except Exception:
            # A lost connection must not go back to the pool (nor log a reset failure).
            self._raw.invalidate()
            return
        self._raw.close()


def make_loader(engine: Engine) -> Loader:
    """The loader for the engine's backend."""
    if is_sqlite(engine):
        return SqliteLoader(engine)
    return PostgresLoader(engine)
