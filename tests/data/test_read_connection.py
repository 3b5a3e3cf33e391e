"""``ServiceBase.read_connection``: a Core connection in one short read transaction
(SQLite's deferred BEGIN), closed afterwards, with driver errors translated."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, event, select, text

from storeadmin.core.errors import Unavailable
from storeadmin.data import SqlStoreService
from storeadmin.data.schema import CustomerRow
from support import factories


def test_a_read_transaction_on_a_plain_connection(service: SqlStoreService) -> None:
    cid = int(factories.customer(service.engine, "Reader"))
    statements: list[str] = []
    begins: list[Any] = []

    def on_execute(*args: Any) -> None:
        statements.append(str(args[2]).strip().upper())

    def on_begin(conn: Any) -> None:
        begins.append(conn)

    event.listen(service.engine, "before_cursor_execute", on_execute)
    event.listen(service.engine, "begin", on_begin)
    try:
        with service.read_connection() as conn:
            assert isinstance(conn, Connection)
            assert conn.in_transaction()
            found = conn.execute(select(CustomerRow.username).where(CustomerRow.id == cid))
            assert found.scalar_one() == "Reader"
            assert service.currency(conn) == "USD"
    finally:
        event.remove(service.engine, "before_cursor_execute", on_execute)
        event.remove(service.engine, "begin", on_begin)
    assert conn.closed
    assert len(begins) == 1
    if service.engine.dialect.name == "sqlite":
        assert statements[0] == "BEGIN DEFERRED"


def test_driver_errors_are_unavailable(service: SqlStoreService) -> None:
    with pytest.raises(Unavailable), service.read_connection() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
