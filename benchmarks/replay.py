"""Capture the SQL a service call executes and replay it through the raw DBAPI driver.

The capture is a SQLAlchemy ``before_cursor_execute`` listener on ``service.engine``:
it records the exact statement text and the DBAPI-ready parameters. The replay runs
the same statements, in the same order and in one transaction (as the service does),
on a plain ``sqlite3`` / ``psycopg`` connection, fetching every row. The difference
between the two timings is what SQLAlchemy, the mappers and the service add.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from storeadmin.data.engine import SQLITE_CACHE_KIB

Statement = tuple[str, Any]
"""(SQL text, DBAPI parameters) exactly as handed to the cursor; ``COMMIT`` marks a commit."""

COMMIT: Statement = ("COMMIT", None)


class SqlCapture:
    """Records statements executed on an engine while ``recording()`` is active."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._log: list[Statement] | None = None

    def _listener(
        self,
        _conn: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        executemany: bool,
    ) -> None:
        if self._log is not None and not executemany:
            self._log.append((statement, parameters))

    def _on_commit(self, _conn: Any) -> None:
        if self._log is not None:
            self._log.append(COMMIT)

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        """Collect the statements (and commits) executed inside the block."""
        log: list[Statement] = []
        self._log = log
        event.listen(self._engine, "before_cursor_execute", self._listener)
        event.listen(self._engine, "commit", self._on_commit)
        try:
            yield log
        finally:
            event.remove(self._engine, "before_cursor_execute", self._listener)
            event.remove(self._engine, "commit", self._on_commit)
            self._log = None

    def capture(self, call: Callable[[], object]) -> list[Statement]:
        """Run ``call`` once and return what it executed."""
        with self.recording() as log:
            call()
        return log


class RawReplayer:
    """A raw DBAPI connection that replays captured statement lists."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect.name
        if self.dialect == "sqlite":
            # Same set-up as storeadmin.data.engine: explicit BEGIN, same cache size.
            conn = sqlite3.connect(engine.url.database or "", isolation_level=None)
            for pragma in (
                "busy_timeout=10000",
                "foreign_keys=ON",
                "journal_mode=WAL",
                "synchronous=NORMAL",
                f"cache_size=-{SQLITE_CACHE_KIB}",
                "temp_store=MEMORY",
            ):
                conn.execute(f"PRAGMA {pragma}")
            self._conn: Any = conn
        else:
            import psycopg

            url = engine.url.set(drivername="postgresql")
            conninfo = url.render_as_string(hide_password=False)
            self._conn = psycopg.connect(conninfo)
            self._conn.execute(
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"
            )
            self._conn.commit()

    def run(self, statements: Sequence[Statement]) -> int:
        """Execute the statements, fetching all rows and committing where the service did."""
        rows = 0
        cursor = self._conn.cursor()
        for statement in statements:
            if statement is COMMIT:
                self._conn.commit()
                continue
            sql, params = statement
            cursor.execute(sql, params)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
        # sqlite3 with isolation_level=None commits only if the replayed BEGIN opened one.
        self._conn.commit()
        cursor.close()
        return rows

    def query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """One ad-hoc query (plans, scan baseline) in its own transaction."""
        cursor = self._conn.cursor()
        cursor.execute(sql, params)
        result = cursor.fetchall() if cursor.description is not None else []
        self._conn.commit()
        cursor.close()
        return [tuple(r) for r in result]

    def explain(self, statements: Sequence[Statement], *, analyze: bool = False) -> list[str]:
        """The query plan of every SELECT among ``statements``, one line per plan row."""
        lines: list[str] = []
        for sql, params in statements:
            if params is None or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            lines.append("-- " + " ".join(sql.split())[:400])
            if self.dialect == "sqlite":
                for row in self.query("EXPLAIN QUERY PLAN " + sql, params):
                    lines.append(f"   {row[-1]}")
            else:
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
                for row in self.query(prefix + sql, params):
                    lines.append(f"   {row[0]}")
        return lines

    def close(self) -> None:
        """Close the raw connection."""
        self._conn.close()
