"""Faults on a real SQLite file: a process killed mid-transaction, a full disk, a
read-only database. Each one: one clear line, nothing half-written, the store usable."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fault_tools import row_count, snapshot
from sqlalchemy import event

from storeadmin.core.errors import Unavailable
from storeadmin.core.models import ItemState, MetadataField
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.engine import make_engine
from support import factories


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A SQLite store file with a customer, a product on two servers and an active item."""
    path = tmp_path / "store.sqlite3"
    service = open_sql_store(str(path), actor="setup")
    try:
        engine = service.engine
        servers = [factories.game_server(engine, f"Rust #{n}") for n in (1, 2)]
        product = factories.product(engine, server_ids=servers)
        customer = factories.customer(engine)
        item = factories.item(engine, customer, product, server_ids=servers)
    finally:
        service.close()
    return path, {"customer": customer, "product": product, "item": item}


KILLED_WRITER = """
import sys
from pathlib import Path
from storeadmin.data import audit
from storeadmin.data import open_sql_store

path, item_id, ready = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
real_record = audit.record

def record_then_hang(*args, **kwargs):
    # The item UPDATE and the queued commands are written; add the audit row too,
    # then stop inside the open BEGIN IMMEDIATE until we are killed.
    real_record(*args, **kwargs)
    ready.touch()
    import time
    while True:
        time.sleep(1)

audit.record = record_then_hang
service = open_sql_store(path, actor="doomed")
service.revoke_item(item_id, reason="killed half way")
"""


def test_process_killed_mid_transaction_leaves_nothing(
    store: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    """kill -9 inside a written, uncommitted write: no partial rows, lock freed at once."""
    path, ids = store
    before = open_sql_store(str(path), actor="check")
    try:
        expected = snapshot(before.engine)
    finally:
        before.close()
    ready = tmp_path / "ready"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path), str(ids["item"]), str(ready)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert writer.poll() is None, writer.communicate()[1]
            assert time.monotonic() < deadline, "the writer never reached the audit row"
            time.sleep(0.02)
        # While it holds the write lock, another writer cannot start at once.
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")
        probe.close()
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL

    # The lock died with the process: a writer that refuses to wait gets it at once.
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        assert probe.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
    finally:
        probe.close()

    after = open_sql_store(str(path), actor="survivor")
    try:
        assert snapshot(after.engine) == expected
        assert after.revoke_item(ids["item"], reason="again").state is ItemState.REVOKED
        assert row_count(after.engine, "command_attempts") == 2
        assert row_count(after.engine, "audit_log") == 1
    finally:
        after.close()


def _full_disk_service(path: Path) -> SqlStoreService:
    """A service whose connections may not grow the file (``PRAGMA max_page_count``)."""
    engine = make_engine(str(path))

    @event.listens_for(engine, "connect")
    def _no_more_pages(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    return SqlStoreService(engine, actor="alice")


def test_disk_full_says_so_and_writes_nothing(store: tuple[Path, dict[str, int]]) -> None:
    path, ids = store
    service = _full_disk_service(path)
    try:
        expected = snapshot(service.engine)
        big = [MetadataField(f"Key{n}", "v" * 1000) for n in range(40)]  # ~10 new pages
        with pytest.raises(Unavailable) as caught:
            service.replace_metadata(ids["customer"], big)
        message = str(caught.value)
        assert "disk is full" in message
        assert "nothing was saved" in message
        assert "\n" not in message
        assert snapshot(service.engine) == expected
        # Still usable: reads work, and a write that fits in the existing pages succeeds.
        assert service.get_customer(ids["customer"]).customer.username == "Alice"
        assert service.revoke_item(ids["item"], reason="fits").state is ItemState.REVOKED
    finally:
        service.close()


def test_read_only_database_reads_work_and_writes_say_why(
    store: tuple[Path, dict[str, int]],
) -> None:
    """``mode=ro`` (root ignores chmod 0444, reliability.md §3 pitfall d)."""
    path, ids = store
    service = open_sql_store(f"sqlite:///file:{path}?mode=ro&uri=true", actor="alice")
    try:
        expected = snapshot(service.engine)
        assert service.get_customer(ids["customer"]).customer.username == "Alice"
        assert [c.id for c in service.search_customers("Ali").items] == [ids["customer"]]
        attempts: list[Any] = [
            lambda: service.ban_customer(ids["customer"], reason="spam"),
            lambda: service.revoke_item(ids["item"], reason="refund"),
            lambda: service.edit_customer(ids["customer"], expected_version=1, username="Al"),
            lambda: service.create_token(ids["customer"], label="bot"),
            lambda: service.replace_metadata(ids["customer"], [MetadataField("K", "v")]),
            lambda: service.assign_product(ids["customer"], ids["product"]),
        ]
        for attempt in attempts:
            with pytest.raises(Unavailable, match=r"read-only.*nothing was saved"):
                attempt()
        assert snapshot(service.engine) == expected
        assert service.get_customer(ids["customer"]).customer.ban is None
    finally:
        service.close()
