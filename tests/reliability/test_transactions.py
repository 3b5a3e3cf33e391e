"""Transaction shape: SQLite reads use a deferred BEGIN and writes BEGIN IMMEDIATE; an
open reader never blocks a writer; no connection or transaction outlives a service call
(so nothing stays open while a screen waits for the admin)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from fault_tools import pg_admin_engine, pg_backends, pg_database_name
from sqlalchemy import event

from storeadmin.core.models import MetadataField
from storeadmin.data import SqlStoreService, open_sql_store
from support import factories


def test_sqlite_reads_defer_and_writes_lock_up_front(sqlite_url: str) -> None:
    service = open_sql_store(sqlite_url, actor="alice")
    begins: list[str] = []

    @event.listens_for(service.engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    try:
        customer = factories.customer(service.engine)
        begins.clear()
        service.get_customer(customer)
        service.search_customers("Ali")
        assert set(begins) == {"BEGIN DEFERRED"}
        begins.clear()
        service.ban_customer(customer, reason="spam")
        service.replace_metadata(customer, [MetadataField("Note", "x")])
        assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]
    finally:
        service.close()


def test_an_open_reader_never_blocks_a_writer(sqlite_url: str) -> None:
    """WAL: a screen's long read (another process) does not stop an admin's write."""
    service = open_sql_store(sqlite_url, actor="alice")
    path = sqlite_url.removeprefix("sqlite:///")
    reader = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        customer = factories.customer(service.engine)
        reader.execute("BEGIN")
        assert reader.execute("SELECT ban_reason FROM customers").fetchall() == [(None,)]
        service.ban_customer(customer, reason="spam")  # must not wait for the reader
        assert reader.execute("SELECT ban_reason FROM customers").fetchall() == [(None,)]
        reader.execute("COMMIT")
        assert reader.execute("SELECT ban_reason FROM customers").fetchall() == [("spam",)]
    finally:
        reader.close()
        service.close()


def _every_call(service: SqlStoreService, customer: int, item: int) -> None:
    service.get_customer(customer)
    service.search_customers("Ali")
    service.list_inventory(customer)
    service.ban_customer(customer, reason="spam")
    service.unban_customer(customer)
    service.revoke_item(item, reason="refund")
    created = service.create_token(customer, label="bot")
    service.revoke_token(customer, created.token.id)
    service.replace_metadata(customer, [MetadataField("Note", "x")])


def test_no_connection_or_transaction_outlives_a_call(service: SqlStoreService) -> None:
    engine = service.engine
    server = factories.game_server(engine)
    product = factories.product(engine, server_ids=[server])
    customer = factories.customer(engine)
    item = factories.item(engine, customer, product, server_ids=[server])
    _every_call(service, customer, item)
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        admin = pg_admin_engine()
        try:
            states = {state for _, state in pg_backends(admin, pg_database_name(str(engine.url)))}
        finally:
            admin.dispose()
        assert "idle in transaction" not in states
        assert states <= {"idle"}
    else:
        path = Path(engine.url.database or "")
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")  # nobody holds the write lock
            probe.execute("ROLLBACK")
        finally:
            probe.close()
