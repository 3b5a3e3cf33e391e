"""ban_customer / unban_customer: compare-and-set, idempotent, audited once, items kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from write_checks import audit_rows, count, one

from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.data import SqlStoreService
from support import factories


def test_ban_sets_the_ban_and_keeps_what_they_own(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    pid = factories.product(service.engine)
    factories.item(service.engine, cid, pid)
    factories.subscription(service.engine, cid, pid)
    until = datetime.now(UTC) + timedelta(days=7)

    customer = service.ban_customer(cid, reason="  chargeback fraud ", until=until)

    assert customer.ban is not None
    assert (customer.ban.reason, customer.ban.banned_by) == ("chargeback fraud", "alice")
    assert customer.ban.expires_at == until
    assert customer.version == "2"
    row = one(service, "customers", id=cid)
    assert (row.ban_reason, row.banned_by, row.updated_by) == ("chargeback fraud", "alice", "alice")
    assert count(service, "inventory_items", customer_id=cid, state="active") == 1
    assert count(service, "subscriptions", customer_id=cid, status="active") == 1
    [entry] = audit_rows(service)
    assert (entry.action, entry.target_id, entry.reason) == (
        "customer.ban",
        str(cid),
        "chargeback fraud",
    )
    assert entry.before == {"banned": False, "reason": None, "until": None}
    assert entry.after == {"banned": True, "reason": "chargeback fraud", "until": until.isoformat()}


def test_ban_refusals_write_nothing(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    for reason in ("", "   ", "line\nbreak", "x" * 501):
        with pytest.raises(Invalid) as refused:
            service.ban_customer(cid, reason=reason)
        assert set(refused.value.fields) == {"reason"}
    with pytest.raises(Invalid) as refused:
        service.ban_customer(cid, reason="spam", until=datetime.now(UTC) - timedelta(minutes=1))
    assert set(refused.value.fields) == {"until"}
    with pytest.raises(NotFound, match="no customer with ID 404"):
        service.ban_customer(404, reason="spam")
    assert one(service, "customers", id=cid).ban_reason is None
    assert audit_rows(service) == []


def test_ban_twice_is_already_done(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    service.ban_customer(cid, reason="spam")
    with pytest.raises(AlreadyDone, match="already banned"):
        service.ban_customer(cid, reason="other reason")
    assert one(service, "customers", id=cid).ban_reason == "spam"
    assert len(audit_rows(service)) == 1


def test_replayed_request_id_changes_nothing(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    service.ban_customer(cid, reason="spam", request_id="req-ban-1")
    service.unban_customer(cid, request_id="req-unban-1")
    with pytest.raises(AlreadyDone, match="already done"):
        service.ban_customer(cid, reason="spam", request_id="req-ban-1")
    with pytest.raises(AlreadyDone, match="already done"):
        service.unban_customer(cid, request_id="req-unban-1")
    assert one(service, "customers", id=cid).ban_reason is None
    assert [e.request_id for e in audit_rows(service)] == ["req-ban-1", "req-unban-1"]


def test_unban_lifts_the_ban_and_audits_it(service: SqlStoreService) -> None:
    until = datetime.now(UTC) + timedelta(days=1)
    cid = factories.customer(service.engine, ban_reason="abuse", ban_expires_at=until)
    customer = service.unban_customer(cid)
    assert customer.ban is None
    assert customer.version == "2"
    row = one(service, "customers", id=cid)
    assert (row.ban_reason, row.banned_at, row.banned_by, row.ban_expires_at) == (None,) * 4
    [entry] = audit_rows(service)
    assert entry.action == "customer.unban"
    assert entry.before == {
        "banned": True,
        "reason": "abuse",
        "until": until.isoformat(),
        "banned_by": "fixture",
    }
    assert entry.after == {"banned": False, "reason": None, "until": None}
    with pytest.raises(AlreadyDone, match="not banned"):
        service.unban_customer(cid)
    assert len(audit_rows(service)) == 1


def test_a_ban_whose_end_has_passed_no_longer_counts(service: SqlStoreService) -> None:
    ended = datetime.now(UTC) - timedelta(hours=1)
    cid = factories.customer(service.engine, ban_reason="old", ban_expires_at=ended)
    with pytest.raises(AlreadyDone, match="not banned"):
        service.unban_customer(cid)
    customer = service.ban_customer(cid, reason="new")
    assert customer.ban is not None
    assert customer.ban.reason == "new"
    assert customer.ban.expires_at is None
    assert [e.action for e in audit_rows(service)] == ["customer.ban"]


def test_unban_unknown_customer_is_not_found(service: SqlStoreService) -> None:
    with pytest.raises(NotFound):
        service.unban_customer(404)
