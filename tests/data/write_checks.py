"""Small SQL reads the write tests assert with, so they do not depend on the read side."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, Table, func, select

from storeadmin.data import SqlStoreService
from storeadmin.data.schema import AuditRow, Base


def audit_rows(service: SqlStoreService, action: str | None = None) -> list[Any]:
    """Audit rows, oldest first, optionally of one action."""
    query = select(AuditRow.__table__).order_by(AuditRow.id)
    if action is not None:
        query = query.where(AuditRow.action == action)
    with service.engine.connect() as connection:
        return list(connection.execute(query).all())


def _equal(t: Table, name: str, value: object) -> ColumnElement[bool]:
    """``column = value``; an ID given as the service's string is compared as the integer
    it stands for (PostgreSQL has no bigint = varchar)."""
    column = t.c[name]
    if isinstance(value, str) and isinstance(column.type, (Integer, BigInteger)):
        return column == int(value)
    return column == value


def rows(service: SqlStoreService, table: str, **where: object) -> list[Any]:
    """Every row of ``table`` matching the equality filters, by primary key."""
    t = Base.metadata.tables[table]
    query = select(t).where(*(_equal(t, name, value) for name, value in where.items()))
    query = query.order_by(*t.primary_key.columns)
    with service.engine.connect() as connection:
        return list(connection.execute(query).all())


def count(service: SqlStoreService, table: str, **where: object) -> int:
    """How many rows of ``table`` match the equality filters."""
    t = Base.metadata.tables[table]
    query = select(func.count()).select_from(t)
    query = query.where(*(_equal(t, name, value) for name, value in where.items()))
    with service.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def one(service: SqlStoreService, table: str, **where: object) -> Any:
    """The single row of ``table`` matching the filters."""
    found = rows(service, table, **where)
    assert len(found) == 1, found
    return found[0]
