"""A read transaction on the pooled driver connection itself, for the hottest read.

An exact-ID search is one indexed statement of ~25 µs on SQLite; through a SQLAlchemy
``Connection`` it cost ~190 µs, ~90 of them SQLAlchemy's: the connection's transaction
bookkeeping, ``BEGIN`` run as a statement of its own, and the execution context and
result object of every statement. ``DriverRead`` takes the pooled DBAPI connection
(the pool's checkout, pre-ping and connect set-up still apply), opens the transaction
``ServiceBase.read()`` would (SQLite: ``BEGIN DEFERRED``; PostgreSQL: the driver's own
READ COMMITTED transaction), runs compiled SQL on the cursor (``data.prepared``) and
commits.

What SQLAlchemy would still have done, it does too: the engine's ``before_cursor_execute``
listeners see every statement, ``BEGIN`` included (with the ``DriverRead`` in place of
the ``Connection`` argument, and no execution context); a driver error becomes
SQLAlchemy's ``DBAPIError`` (so ``ServiceBase`` translates it as any other), and a lost
connection is invalidated rather than handed back to the pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

Translate = Callable[[Exception], Exception | None]
"""How a store turns an error into the one its callers see (``ServiceBase.store_error``)."""


class DriverRead:
    """One read transaction on a pooled DBAPI connection, as a context manager: it is
    checked out and begun on entry, committed (unless the block raised) and handed back
    on exit. ``translate`` turns an error into the one to raise (None: raise it as is)."""

    def __init__(self, engine: Engine, translate: Translate | None = None) -> None:
        self.engine = engine
        self.dialect: Dialect = engine.dialect
        self._error: type[Exception] = engine.dialect.loaded_dbapi.Error
        self._listeners = engine.dispatch.before_cursor_execute
        self._translate = translate

    def __enter__(self) -> DriverRead:
        try:
            self._open()
        except Exception as error:
            self._raise(error)
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        try:
            if error is None:
                self.commit()
        except Exception as failed:
            self.close()
            self._raise(failed)
        self.close()
        if isinstance(error, Exception) and self._translate is not None:
            translated = self._translate(error)
            if translated is not None:
                raise translated from error

    def _raise(self, error: Exception) -> NoReturn:
        translated = self._translate(error) if self._translate is not None else None
        if translated is None:
            raise error
        raise translated from error

    def _open(self) -> None:
        try:
            self._connection: PoolProxiedConnection = self.engine.raw_connection()
        except self._error as error:
            raise self._wrapped(error, None, None, None) from error
        try:
            self._cursor = self._connection.cursor()
            if self.dialect.name == "sqlite":
                self._execute("BEGIN DEFERRED", ())
        except BaseException as error:
            self._connection.close()  # back to the pool, never left checked out
            if isinstance(error, self._error):
                raise self._wrapped(error, None, None, None) from error
            raise

    def rows(self, sql: str, arguments: Any) -> list[Sequence[Any]]:
        """Run ``sql`` with driver-ready ``arguments``; every row, as the driver gives it."""
        return self._execute(sql, arguments)

    def commit(self) -> None:
        """End the transaction."""
        try:
            self._connection.commit()
        except self._error as error:
            raise self._wrapped(error, None, None, None) from error

    def close(self) -> None:
        """Return the connection to the pool, which rolls back what is still open (and
        invalidates a connection that cannot)."""
        try:
            self._cursor.close()
        finally:
            self._connection.close()

    def _execute(self, sql: str, arguments: Any) -> list[Sequence[Any]]:
        cursor = self._cursor
        try:
            for listener in self._listeners:
                listener(self, cursor, sql, arguments, None, False)
            cursor.execute(sql, arguments)
            return cast(list[Sequence[Any]], cursor.fetchall() if cursor.description else [])
        except self._error as error:
            raise self._wrapped(error, sql, arguments, cursor) from error

    def _wrapped(self, error: Exception, sql: str | None, arguments: Any, cursor: Any) -> Any:
        """SQLAlchemy's wrapper for ``error`` (parameters hidden), the connection
        invalidated when the error says it was lost."""
        connection = getattr(self, "_connection", None)
        lost = self.dialect.is_disconnect(error, connection, cursor)  # type: ignore[arg-type]
        if lost and connection is not None:
            connection.invalidate(error)
        return DBAPIError.instance(
            sql,
            arguments,
            error,
            self._error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=self.dialect,
        )


Runner = Connection | DriverRead
"""What a prepared statement runs on: a SQLAlchemy connection or a ``DriverRead``."""
