"""Which SQL backend a bind is: every SQLite / PostgreSQL branch asks here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session


def _dialect(bind: Engine | Connection | Session | Dialect | Any) -> Dialect:
    if isinstance(bind, Dialect):
        return bind
    if isinstance(bind, Session):
        return bind.get_bind().dialect
    return bind.dialect


def is_sqlite(bind: Engine | Connection | Session | Dialect) -> bool:
    """True for SQLite (embedded file), whatever the bind is."""
    return _dialect(bind).name == "sqlite"


def is_postgresql(bind: Engine | Connection | Session | Dialect) -> bool:
    """True for PostgreSQL (the shared server)."""
    return _dialect(bind).name == "postgresql"
