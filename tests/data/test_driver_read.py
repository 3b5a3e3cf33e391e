"""``ServiceBase.driver_read``: one read transaction on the pooled driver connection,
seen by the engine's statement listeners, its errors translated, its connection handed
back (or invalidated when lost) — and the exact-ID search that runs on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from storeadmin.core.errors import Unavailable
from storeadmin.core.models import MatchKind
from storeadmin.data import SqlStoreService
from storeadmin.data.driver_read import DriverRead
from support import factories

STEAM64 = "76561197960287930"


@contextmanager
def observed(service: SqlStoreService) -> Iterator[tuple[list[tuple[Any, str]], list[Any]]]:
    """(runner, statement) of every statement run inside the block, and the SQLAlchemy
    transactions begun."""
    statements: list[tuple[Any, str]] = []
    begins: list[Any] = []

    def on_execute(*args: Any) -> None:
        statements.append((args[0], " ".join(str(args[2]).split()).upper()))

    def on_begin(conn: Any) -> None:
        begins.append(conn)

    event.listen(service.engine, "before_cursor_execute", on_execute)
    event.listen(service.engine, "begin", on_begin)
    try:
        yield statements, begins
    finally:
        event.remove(service.engine, "before_cursor_execute", on_execute)
        event.remove(service.engine, "begin", on_begin)


def checked_out(service: SqlStoreService) -> int:
    return int(service.engine.pool.checkedout())  # type: ignore[attr-defined]


def test_a_driver_read_is_one_transaction_handed_back(service: SqlStoreService) -> None:
    factories.customer(service.engine, "Reader")
    with observed(service) as (statements, begins), service.driver_read() as read:
        assert read.rows("SELECT username FROM customers", {}) == [("Reader",)]
        assert checked_out(service) == 1
    assert checked_out(service) == 0
    assert begins == []  # no SQLAlchemy Connection, no SQLAlchemy transaction
    assert all(runner is read for runner, _ in statements)
    if service.engine.dialect.name == "sqlite":
        assert [sql for _, sql in statements] == [
            "BEGIN DEFERRED",
            "SELECT USERNAME FROM CUSTOMERS",
        ]


def test_driver_errors_are_unavailable_and_the_connection_goes_back(
    service: SqlStoreService,
) -> None:
    with pytest.raises(Unavailable, match="no_such_table"), service.driver_read() as read:
        read.rows("SELECT * FROM no_such_table", {})
    assert checked_out(service) == 0
    with service.driver_read() as read:
        assert read.rows("SELECT 1", {}) == [(1,)]


def test_a_failed_begin_hands_the_connection_back(service: SqlStoreService) -> None:
    """SQLite's BEGIN runs as the read opens; PostgreSQL's first statement fails here.
    The error is kept (as a failed worker keeps it): its traceback must not hold the
    connection checked out."""

    def refuse(*args: Any) -> None:
        if str(args[2]).startswith("BEGIN") or service.engine.dialect.name != "sqlite":
            raise RuntimeError("refused by a listener")

    event.listen(service.engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError, match="refused") as kept:
            _read_one(service)
    finally:
        event.remove(service.engine, "before_cursor_execute", refuse)
    assert checked_out(service) == 0
    assert kept.tb is not None


def _read_one(service: SqlStoreService) -> None:
    with service.driver_read() as read:
        read.rows("SELECT 1", {})


def test_a_lost_connection_is_invalidated_and_the_next_read_reconnects(
    service: SqlStoreService,
) -> None:
    if service.engine.dialect.name != "postgresql":
        pytest.skip("a server that drops the connection is PostgreSQL's")
    pids: list[int] = []
    with pytest.raises(Unavailable, match="lost the connection"):
        _read_after_losing_its_connection(service, pids)
    assert checked_out(service) == 0
    with service.driver_read() as read:
        assert read.rows("SELECT pg_backend_pid()", {})[0][0] not in pids


def _read_after_losing_its_connection(service: SqlStoreService, pids: list[int]) -> None:
    """A driver read whose server backend is terminated between two statements."""
    with service.driver_read() as read:
        pids.append(read.rows("SELECT pg_backend_pid()", {})[0][0])
        with service.engine.connect() as other:  # another pooled connection
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})
            other.commit()
        read.rows("SELECT 1", {})


def test_an_id_search_is_one_statement_on_the_driver_connection(
    service: SqlStoreService,
) -> None:
    cid = factories.customer(service.engine, "Steamer", external_id=STEAM64)
    service.search_customers("warm-up")  # the currency and metadata keys, now cached
    with observed(service) as (statements, begins):
        page = service.search_customers(STEAM64)
    assert [(item.id, item.matched_by) for item in page.items] == [(cid, MatchKind.EXTERNAL_ID)]
    selects = [(runner, sql) for runner, sql in statements if not sql.startswith("BEGIN")]
    assert len(selects) == 1
    assert isinstance(selects[0][0], DriverRead)
    assert begins == []
    assert checked_out(service) == 0


def test_an_id_that_matches_nothing_searches_names_as_before(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine, f"fan{STEAM64}")
    service.search_customers("warm-up")
    with observed(service) as (_statements, begins):
        page = service.search_customers(STEAM64)
    assert [item.id for item in page.items] == [cid]
    assert len(begins) == 1  # the name phases' read, after the driver read found no ID


def test_stale_metadata_keys_are_read_again_before_an_id_search(
    service: SqlStoreService,
) -> None:
    cid = factories.customer(service.engine, "Discordian")
    factories.metadata(service.engine, cid, DiscordID="123456789012345678")
    service.search_customers("warm-up")
    service.metadata_keys.clear()
    with observed(service) as (_statements, begins):
        page = service.search_customers("123456789012345678")
    assert [(item.id, item.matched_by) for item in page.items] == [(cid, MatchKind.METADATA)]
    assert len(begins) == 1  # keys are no prepared statement: the SQLAlchemy path
    assert service.metadata_keys.peek() == ["DiscordID"]
