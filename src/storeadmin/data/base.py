"""What every part of the SQL service shares: the engine, the acting admin, short
transactions, and the translation of driver errors into ``StoreError``s.

No session or connection outlives one service call, so nothing stays open across a
UI wait. Reads that only run Core statements take ``read_connection()``: a plain
``Connection`` in a read transaction costs about half of what an ORM ``Session`` does
per read (~230 µs of a trivial select's ~470 on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from storeadmin.core.errors import Conflict, Invalid, StoreError, Unavailable
from storeadmin.core.text import redact_credentials
from storeadmin.core.validation import validate_admin
from storeadmin.data.dialect import is_sqlite
from storeadmin.data.driver_read import DriverRead
from storeadmin.data.engine import WRITE, describe_endpoint, redact_url
from storeadmin.data.schema import StoreSetting

Reader = Session | Connection
"""What a read helper runs its Core statements on: ``read()``'s session or
``read_connection()``'s connection (both ``execute`` a Core select alike)."""


def redact_text(text: str) -> str:
    """Backstop: mask anything that looks like a password in a driver message."""
    return redact_credentials(text)


def checked_actor(actor: str) -> str:
    """The acting admin, validated the same on every backend (``validate_admin``)."""
    try:
        return validate_admin(actor)
    except ValueError as error:
        raise Invalid({"admin": str(error)}, f"--admin: {error}") from None


def connection_of(reader: Reader) -> Connection:
    """The Core connection a read runs on (a session's own, for ``Prepared`` statements)."""
    return reader if isinstance(reader, Connection) else reader.connection()


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ServiceBase:
    """Engine, actor and transaction helpers for the SQL StoreService."""

    def __init__(
        self, engine: Engine, *, actor: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._engine = engine
        self._clock = clock or _utc_now
        self._write_engine = engine.execution_options(**WRITE)
        self._actor = checked_actor(actor)
        self._currency: str | None = None

    @property
    def actor(self) -> str:
        """The admin name written to audit entries."""
        return self._actor

    @property
    def engine(self) -> Engine:
        """The engine (for tests and benchmarks; the UI never touches it)."""
        return self._engine

    def now(self) -> datetime:
        """The service clock, UTC (expiry, ban ends; audit rows use the database's clock)."""
        return self._clock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short deferred read transaction."""
        with (
            self._translate(),
            Session(self._engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A short deferred read transaction on a Core ``Connection`` (no ORM Session).

        The same transaction as ``read()`` — SQLite's deferred ``BEGIN``, PostgreSQL's
        READ COMMITTED, driver errors translated — without the Session's per-read cost
        (its creation, its transaction bookkeeping and ORM statement execution). For
        reads whose statements are Core selects (ORM columns in them are fine) and that
        need no ORM objects back.
        """
        with self._translate(), self._engine.connect() as conn, conn.begin():
            yield conn

    def driver_read(self) -> DriverRead:
        """A short read transaction on the pooled driver connection (``data.driver_read``),
        as a context manager: for reads made only of prepared statements, where
        SQLAlchemy's per-statement cost is most of the read's. Errors are translated as
        in every other read."""
        return DriverRead(self._engine, self.store_error)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite); commits or rolls back whole."""
        with (
            self._translate(),
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def currency(self, session: Reader) -> str:
        """The store's currency (``store_settings.currency``, default USD), cached."""
        if self._currency is None:
            value = session.execute(
                select(StoreSetting.value).where(StoreSetting.key == "currency")
            ).scalar_one_or_none()
            self._currency = value or "USD"
        return self._currency

    @property
    def known_currency(self) -> str | None:
        """The store's currency once a read has fetched it (``currency``), else None."""
        return self._currency

    def db_now(self, session: Reader) -> datetime:
        """The database server's clock, UTC-aware (audit timestamps are the database's)."""
        if is_sqlite(self._engine):
            text_now = session.execute(
                select(func.strftime("%Y-%m-%d %H:%M:%f", "now"))
            ).scalar_one()
            return datetime.fromisoformat(text_now).replace(tzinfo=UTC)
        value = session.execute(select(func.now())).scalar_one()
        return value.astimezone(UTC)

    def close(self) -> None:
        """Release pooled connections."""
        self._engine.dispose()

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except Exception as error:
            translated = self.store_error(error)
            if translated is None:
                raise
            raise translated from error

    def store_error(self, error: Exception) -> StoreError | None:
        """The ``StoreError`` a driver or SQLAlchemy error means (None: not one of them)."""
        if isinstance(error, StoreError):
            return None
        if isinstance(error, IntegrityError):
            return Conflict(
                "that change clashes with data saved meanwhile (a duplicate or a replay); "
                "nothing was saved — reload"
            )
        if isinstance(error, OperationalError | DBAPIError):
            return Unavailable(self._describe(error))
        if isinstance(error, SQLAlchemyError):
            return Unavailable(f"database error: {redact_text(str(error).splitlines()[0])}")
        return None

    def _describe(self, error: DBAPIError) -> str:
        """One clear line, with the endpoint and without any password."""
        message = redact_text(str(error.orig) if error.orig is not None else str(error))
        first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
        lowered = message.lower()
        where = describe_endpoint(self._engine.url)
        if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
            return f"the database is read-only ({where}): nothing was saved"
        if "disk is full" in lowered or "disk full" in lowered or "no space" in lowered:
            return f"the disk is full ({where}): nothing was saved"
        if "database is locked" in lowered:
            return "the database is busy (locked by another admin): nothing was saved — try again"
        if "lock timeout" in lowered or "lock_timeout" in lowered or "locknotavailable" in lowered:
            return "another admin is changing this record right now: nothing was saved — try again"
        if "statement timeout" in lowered or "canceling statement" in lowered:
            return "the database took too long to answer: nothing was saved — try again"
        if error.connection_invalidated or "terminat" in lowered or "server closed" in lowered:
            return f"lost the connection to {where}: nothing was saved — try again"
        if (
            "connection refused" in lowered
            or "could not connect" in lowered
            or "timeout" in lowered
        ):
            return f"cannot reach the database at {where}: {first}"
        return f"database error ({redact_url(self._engine.url)}): {first}"
