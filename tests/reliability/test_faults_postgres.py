"""Faults against a real PostgreSQL (the test server) and against endpoints that are not
one: a backend killed mid-transaction, a restart while idle (of a server of the test's
own), a server that is down, an endpoint that accepts TCP and never answers, and a row
locked by another session."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from fault_tools import (
    closed_port,
    fresh_pg_store,
    own_pg_server,
    pg_admin_engine,
    pg_backends,
    pg_database_name,
    pg_terminate,
    row_count,
    snapshot,
    wedged_endpoint,
)
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storeadmin.core.errors import Unavailable
from storeadmin.core.models import ItemState
from storeadmin.data import audit, open_sql_store
from storeadmin.data.engine import PG_CONNECT_TIMEOUT_S
from support import factories

PASSWORD = "S3cretPw"


@dataclass(frozen=True)
class PgStore:
    """A fresh PostgreSQL store with one customer holding one active item."""

    url: str
    customer: int
    item: int


@pytest.fixture
def pg_store(pg_template: str) -> Iterator[PgStore]:
    """A fresh database from the migrated template, seeded."""
    with fresh_pg_store(pg_template) as url:
        setup = open_sql_store(url, actor="setup")
        try:
            engine = setup.engine
            servers = [factories.game_server(engine, f"Rust #{n}") for n in (1, 2)]
            product = factories.product(engine, server_ids=servers)
            customer = factories.customer(engine)
            item = factories.item(engine, customer, product, server_ids=servers)
        finally:
            setup.close()
        yield PgStore(url=url, customer=customer, item=item)


def _in_thread(call: Any, *, timeout: float = 60) -> BaseException | object:
    """Run ``call`` in a thread (a hang fails the test instead of freezing it)."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # handed back to the test to assert on
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still blocked after {timeout} s"
    return outcome[0]


# ---------------------------------------------------------------- a live server


@pytest.mark.postgres
def test_session_settings_are_the_safe_ones(pg_store: PgStore) -> None:
    """READ COMMITTED, pre-ping, lock/statement/idle-in-transaction timeouts, keepalives."""
    service = open_sql_store(pg_store.url, actor="alice")
    try:
        engine = service.engine
        assert engine.pool._pre_ping  # type: ignore[attr-defined]
        with engine.connect() as connection:
            shown = {
                name: connection.execute(text(f"SHOW {name}")).scalar_one()
                for name in (
                    "transaction_isolation",
                    "lock_timeout",
                    "statement_timeout",
                    "idle_in_transaction_session_timeout",
                )
            }
            info = connection.connection.driver_connection.info  # type: ignore[union-attr]
            params = info.get_parameters()
        assert shown == {
            "transaction_isolation": "read committed",
            "lock_timeout": "5s",
            "statement_timeout": "15s",
            "idle_in_transaction_session_timeout": "1min",
        }
        assert int(params["connect_timeout"]) == PG_CONNECT_TIMEOUT_S
        assert params["keepalives"] == "1"
        assert int(params["keepalives_idle"]) > 0
    finally:
        service.close()


@pytest.mark.postgres
def test_backend_terminated_mid_transaction(
    pg_store: PgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_terminate_backend while a revoke is half written: not saved, next call works."""
    service = open_sql_store(pg_store.url, actor="alice")
    admin = pg_admin_engine()
    try:
        expected = snapshot(service.engine)
        entered, release = threading.Event(), threading.Event()
        real_record = audit.record

        def record_after_release(*args: Any, **kwargs: Any) -> None:
            entered.set()  # the item UPDATE and its commands are written, uncommitted
            assert release.wait(30)
            real_record(*args, **kwargs)

        monkeypatch.setattr(audit, "record", record_after_release)
        outcome: list[BaseException | object] = []
        writer = threading.Thread(
            target=lambda: outcome.append(
                _catch(lambda: service.revoke_item(pg_store.item, reason="refund"))
            ),
            daemon=True,
        )
        writer.start()
        assert entered.wait(30)
        busy = [
            pid
            for pid, state in pg_backends(admin, pg_database_name(pg_store.url))
            if state == "idle in transaction"
        ]
        assert len(busy) == 1, busy
        pg_terminate(admin, busy[0])
        release.set()
        writer.join(60)
        assert not writer.is_alive()

        [error] = outcome
        assert isinstance(error, Unavailable), error
        message = str(error)
        assert message.startswith("lost the connection to 127.0.0.1:")
        assert "nothing was saved" in message
        assert "\n" not in message
        monkeypatch.undo()
        assert snapshot(service.engine) == expected
        # The pool dropped the dead connection: the retry just works.
        assert service.revoke_item(pg_store.item, reason="refund").state is ItemState.REVOKED
        assert row_count(service.engine, "audit_log") == 1
    finally:
        service.close()
        admin.dispose()


def _catch(call: Any) -> BaseException | object:
    try:
        return call()
    except BaseException as error:  # handed back to the test to assert on
        return error


@pytest.mark.postgres
def test_row_locked_by_another_session_times_out_with_a_notice(pg_store: PgStore) -> None:
    """Another session holds the customer FOR UPDATE: lock_timeout, a notice, no change."""
    service = open_sql_store(pg_store.url, actor="alice")
    raw_url = make_url(pg_store.url).set(drivername="postgresql")
    holder = psycopg.connect(raw_url.render_as_string(hide_password=False))
    try:
        expected = snapshot(service.engine)
        holder.execute("SELECT id FROM customers WHERE id = %s FOR UPDATE", (pg_store.customer,))
        error = _in_thread(
            lambda: service.edit_customer(pg_store.customer, expected_version=1, username="Alicia"),
            timeout=30,
        )
        assert isinstance(error, Unavailable), error
        assert str(error) == (
            "another admin is changing this record right now: nothing was saved — try again"
        )
        holder.rollback()
        assert snapshot(service.engine) == expected
        edited = service.edit_customer(pg_store.customer, expected_version=1, username="Alicia")
        assert edited.username == "Alicia"
    finally:
        holder.close()
        service.close()


def test_server_restarted_while_idle_next_action_just_works() -> None:
    """pg_ctl restart under an open pool: pre-ping swaps the dead connection silently.

    On a server of its own: restarting the shared one would break the other tests."""
    with own_pg_server() as (url, control):
        setup = open_sql_store(url, actor="setup")
        try:
            engine = setup.engine
            servers = [factories.game_server(engine, f"Rust #{n}") for n in (1, 2)]
            product = factories.product(engine, server_ids=servers)
            customer = factories.customer(engine)
            item = factories.item(engine, customer, product, server_ids=servers)
        finally:
            setup.close()
        service = open_sql_store(url, actor="alice")
        try:
            assert service.get_customer(customer).customer.username == "Alice"
            control.restart()
            assert service.get_customer(customer).customer.username == "Alice"
            assert service.revoke_item(item, reason="after restart").state is ItemState.REVOKED
        finally:
            service.close()


# ---------------------------------------------------------------- no server at all


def test_server_down_fails_at_once_naming_host_and_port() -> None:
    """A refused connection is reported at once (it does not wait for the timeout)."""
    port = closed_port()
    started = time.monotonic()
    error = _in_thread(
        lambda: open_sql_store(f"postgresql://admin:{PASSWORD}@127.0.0.1:{port}/store", actor="a")
    )
    elapsed = time.monotonic() - started
    assert isinstance(error, Unavailable), error
    message = str(error)
    assert f"127.0.0.1:{port}" in message
    assert PASSWORD not in message
    assert "\n" not in message
    # Behaviour, not speed: a refusal must not be mistaken for a silent server.
    assert elapsed < PG_CONNECT_TIMEOUT_S


def test_wedged_endpoint_gives_up_after_the_connect_timeout() -> None:
    """An endpoint that accepts TCP and never answers (a dead SSH tunnel)."""
    with wedged_endpoint() as endpoint:
        url = f"postgresql://admin:{PASSWORD}@127.0.0.1:{endpoint.port}/store"
        error = _in_thread(lambda: open_sql_store(url, actor="a"), timeout=60)
        assert endpoint.accepted, "the client never reached the silent endpoint"
    assert isinstance(error, Unavailable), error
    message = str(error)
    assert f"127.0.0.1:{endpoint.port}" in message
    assert "timeout" in message.lower()
    assert PASSWORD not in message
    assert "\n" not in message
