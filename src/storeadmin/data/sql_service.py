"""The SQLAlchemy implementation of ``StoreService`` and how to open one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from storeadmin.core.errors import StoreError, Unavailable
from storeadmin.data import migrate
from storeadmin.data.base import redact_text
from storeadmin.data.engine import describe_endpoint, make_engine, normalise_url
from storeadmin.data.reads import StoreReads
from storeadmin.data.writes import StoreWrites


class SqlStoreService(StoreReads, StoreWrites):
    """StoreService over SQLite or PostgreSQL; returns core dataclasses, never ORM objects."""


def open_service(
    url: str,
    *,
    actor: str,
    auto_upgrade_shared: bool = False,
    clock: Callable[[], datetime] | None = None,
) -> SqlStoreService:
    """Connect, apply the schema start-up policy and return a ready service.

    Raises Unavailable with one clear, password-free line when that is not possible.
    """
    try:
        parsed = normalise_url(url)
    except Exception as error:
        raise Unavailable(f"not a database URL or path: {type(error).__name__}") from None
    try:
        engine = make_engine(parsed)
    except (ValueError, ImportError) as error:
        raise Unavailable(redact_text(str(error))) from None
    try:
        migrate.prepare(engine, auto_upgrade_shared=auto_upgrade_shared)
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
