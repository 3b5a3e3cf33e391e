"""Audit guarantees: the actor is the effective OS user (``$USER`` cannot forge it)
unless ``--admin`` / ``$STOREADMIN_ADMIN`` name one, timestamps come from the database's
clock, and the log is append-only (TRUNCATE included).

UPDATE and DELETE on audit_log are proven refused on both backends in
tests/data/test_writes_customer.py::test_audit_rows_cannot_be_changed_or_deleted.
"""

from __future__ import annotations

import os
import pwd
from datetime import UTC, datetime, timedelta

import pytest
from fault_tools import fresh_pg_store
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from storeadmin.cli import main
from storeadmin.config import resolve_admin
from storeadmin.data import open_sql_store
from storeadmin.data.schema import AuditRow, CustomerRow
from support import factories

EUID_NAME = pwd.getpwuid(os.geteuid()).pw_name


def _audit(url: str) -> list[tuple[str, str, datetime]]:
    service = open_sql_store(url, actor="reader")
    try:
        with service.engine.connect() as connection:
            return [
                (row.actor, row.action, row.at)
                for row in connection.execute(
                    select(AuditRow.actor, AuditRow.action, AuditRow.at).order_by(AuditRow.id)
                )
            ]
    finally:
        service.close()


def test_actor_is_the_effective_user_not_dollar_user(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "evil")
    assert EUID_NAME != "evil"
    assert resolve_admin(None) == EUID_NAME
    setup = open_sql_store(sqlite_url, actor="setup")
    try:
        customer = factories.customer(setup.engine)
    finally:
        setup.close()
    assert main(["customers", "ban", str(customer), "--reason", "spam", "--db", sqlite_url]) == 0
    assert main(["customers", "unban", str(customer), "--admin", "bob", "--db", sqlite_url]) == 0
    monkeypatch.setenv("STOREADMIN_ADMIN", "carol")
    assert main(["customers", "ban", str(customer), "--reason", "again", "--db", sqlite_url]) == 0
    capsys.readouterr()
    assert [(actor, action) for actor, action, _ in _audit(sqlite_url)] == [
        (EUID_NAME, "customer.ban"),
        ("bob", "customer.unban"),
        ("carol", "customer.ban"),
    ]


def test_audit_time_is_the_databases_clock(store_url: str) -> None:
    """A service whose clock is 25 years off still writes audit rows at the real time."""
    past = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    service = open_sql_store(store_url, actor="alice", clock=lambda: past)
    try:
        customer = factories.customer(service.engine)
        before = datetime.now(UTC)
        banned = service.ban_customer(customer, reason="spam")
        after = datetime.now(UTC)
        assert banned.ban is not None
        assert banned.ban.banned_at == past  # the action's own fields use the service clock
        with service.engine.connect() as connection:
            updated_at = connection.execute(
                select(CustomerRow.updated_at).where(CustomerRow.id == int(customer))
            ).scalar_one()
    finally:
        service.close()
    assert updated_at.replace(tzinfo=UTC) == past
    [(actor, action, at)] = _audit(store_url)
    assert (actor, action) == ("alice", "customer.ban")
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    # The database and this process share the host's clock here.
    slack = timedelta(seconds=5)
    assert before - slack <= at <= after + slack


@pytest.mark.postgres
def test_truncate_of_the_audit_log_is_refused_on_postgresql(pg_template: str) -> None:
    """Row triggers do not see TRUNCATE; the statement trigger does."""
    with fresh_pg_store(pg_template) as url:
        service = open_sql_store(url, actor="alice")
        try:
            customer = factories.customer(service.engine)
            service.ban_customer(customer, reason="spam")
            with (
                pytest.raises(DBAPIError, match="append-only"),
                service.engine.begin() as connection,
            ):
                connection.execute(text("TRUNCATE audit_log"))
        finally:
            service.close()
        assert len(_audit(url)) == 1
