"""The SQLAlchemy implementation of ``StoreService`` and how to open one.

``SqlStoreService`` only composes the concept mixins, one module each: ``customers``,
``overview`` (the details screen's opening read), ``items``, ``catalog``, ``orders``,
``metadata``, ``tokens``, ``audit`` (and, when it lands, ``delivery``). Every read is one short transaction; every write one
transaction with its audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import URL, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storeadmin.core.errors import StoreError, Unavailable
from storeadmin.core.models import StoreInfo
from storeadmin.data import migrate
from storeadmin.data.audit import AuditLog
from storeadmin.data.base import redact_text
from storeadmin.data.catalog import Catalog
from storeadmin.data.customers import Customers
from storeadmin.data.delivery import Delivery
from storeadmin.data.dialect import is_postgresql
from storeadmin.data.engine import describe_endpoint, make_engine, normalise_url, redact_url
from storeadmin.data.items import Items
from storeadmin.data.metadata import Metadata
from storeadmin.data.orders import Orders
from storeadmin.data.overview import Overview
from storeadmin.data.schema import CustomerRow, StoreSetting
from storeadmin.data.tokens import Tokens

DEFAULT_STORE_NAME = "storeadmin store"
EXACT_COUNT_UP_TO = 100_000
"""Above this many customers the header shows an estimate instead of counting."""


class SqlStoreService(
    # First: its list_game_servers and list_command_attempts carry delivery facts.
    Delivery,
    Customers,
    Overview,
    Items,
    Catalog,
    Orders,
    Metadata,
    Tokens,
    AuditLog,
):
    """StoreService over SQLite or PostgreSQL; returns core dataclasses, never ORM objects."""

    def store_info(self) -> StoreInfo:
        """Store name, currency, redacted database URL and customer count.

        The count is exact up to 100,000 customers. Above that it is an estimate that
        costs nothing: PostgreSQL's planner statistics (``pg_class.reltuples``), or
        SQLite's highest customer id (ids are never reused; deletions make it high).
        ``extra["customers"]`` says ``"estimate"`` when it is one.
        """
        with self.read() as session:
            name = session.execute(
                select(StoreSetting.value).where(StoreSetting.key == "name")
            ).scalar_one_or_none()
            currency = self.currency(session)
            count, estimated = self._customer_count(session)
        return StoreInfo(
            name=name or DEFAULT_STORE_NAME,
            currency=currency,
            location=redact_url(self.engine.url),
            kind="database",
            customers=count,
            extra={"customers": "estimate"} if estimated else {},
        )

    def _customer_count(self, session: Session) -> tuple[int, bool]:
        """(customers, whether that is an estimate)."""
        if is_postgresql(self.engine):
            estimate = session.execute(
                text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('customers')")
            ).scalar_one_or_none()
            if estimate is not None and estimate > EXACT_COUNT_UP_TO:
                return int(estimate), True
        else:
            highest = session.execute(select(func.max(CustomerRow.id))).scalar_one_or_none()
            if highest is not None and highest > EXACT_COUNT_UP_TO:
                return int(highest), True
        return int(
            session.execute(select(func.count()).select_from(CustomerRow)).scalar_one()
        ), False


def sqlite_file_of(url: URL) -> Path | None:
    """The file a SQLite URL opens, or None (PostgreSQL, in-memory)."""
    if not url.drivername.startswith("sqlite"):
        return None
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        return None
    return Path(database.removeprefix("file:")).expanduser()


def open_sql_store(
    url: str,
    *,
    actor: str,
    auto_upgrade_shared: bool = False,
    clock: Callable[[], datetime] | None = None,
    create: bool = False,
) -> SqlStoreService:
    """Connect, apply the schema start-up policy and return a ready service.

    A SQLite file that exists but is empty (0 bytes, no tables) becomes a store only
    with ``create=True``; another program's database is always refused. Both are found
    out before connecting, so the file is left byte-for-byte unchanged. Raises
    Unavailable with one clear, password-free line when the store cannot be opened.
    """
    try:
        parsed = normalise_url(url)
    except Exception as error:
        raise Unavailable(f"not a database URL or path: {type(error).__name__}") from None
    file = sqlite_file_of(parsed)
    if file is not None:
        migrate.check_sqlite_file(file, create=create)
    try:
        engine = make_engine(parsed)
    except (ValueError, ImportError) as error:
        raise Unavailable(redact_text(str(error))) from None
    try:
        migrate.prepare(
            engine, auto_upgrade_shared=auto_upgrade_shared, where=describe_endpoint(parsed)
        )
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as error:
        engine.dispose()
        detail = redact_text(str(getattr(error, "orig", None) or error)).strip().splitlines()
        first = detail[0] if detail else type(error).__name__
        raise Unavailable(
            f"cannot open the database at {describe_endpoint(parsed)}: {first}"
        ) from None
    return SqlStoreService(engine, actor=actor, clock=clock)
