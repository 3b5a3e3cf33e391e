"""assign_product / revoke_item: change, queued commands and audit commit together, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from write_checks import audit_rows, count, one, rows

from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.core.models import ItemSource, ItemState
from storeadmin.data import SqlStoreService, audit
from support import factories

STEAM = "76561198000000001"


def setup_store(service: SqlStoreService) -> tuple[int, int, list[int]]:
    """A customer, two servers and a 30-day product on both: (customer, product, servers)."""
    servers = [
        factories.game_server(service.engine, "Rust EU #1"),
        factories.game_server(service.engine, "Rust US #1"),
    ]
    pid = factories.product(service.engine, "VIP Rank", server_ids=servers)
    cid = factories.customer(service.engine, "Alice", external_id=STEAM)
    return cid, pid, servers


def test_assign_grants_queues_and_audits(service: SqlStoreService) -> None:
    cid, pid, servers = setup_store(service)
    before = datetime.now(UTC)
    item = service.assign_product(cid, pid)

    assert (item.customer_id, item.product_id, item.product_name) == (cid, pid, "VIP Rank")
    assert (item.state, item.source, item.granted_by) == (
        ItemState.ACTIVE,
        ItemSource.MANUAL,
        "alice",
    )
    assert item.server_ids == tuple(servers)
    assert item.expires_at is not None
    assert before + timedelta(days=30) <= item.expires_at <= datetime.now(UTC) + timedelta(days=30)
    attempts = rows(service, "command_attempts", item_id=item.id)
    assert [(str(a.server_id), a.stage, a.status) for a in attempts] == [
        (servers[0], "on_purchase", "pending"),
        (servers[1], "on_purchase", "pending"),
    ]
    assert {a.command for a in attempts} == {f"oxide.usergroup add {STEAM} vip"}
    [entry] = audit_rows(service)
    assert (entry.action, entry.target_type, entry.target_id, str(entry.customer_id)) == (
        "item.assign",
        "item",
        str(item.id),
        cid,
    )
    assert entry.after["product_id"] == int(pid)
    assert entry.after["server_ids"] == [int(s) for s in servers]  # audit JSON keeps the keys
    assert entry.after["expires_at"] == item.expires_at.isoformat()
    assert entry.after["commands_queued"] == 2


def test_assign_with_chosen_servers_and_expiry(service: SqlStoreService) -> None:
    cid, pid, servers = setup_store(service)
    until = datetime.now(UTC) + timedelta(days=3)
    item = service.assign_product(cid, pid, server_ids=[servers[1]], expires_at=until)
    assert (item.server_ids, item.expires_at) == ((servers[1],), until)
    attempts = rows(service, "command_attempts", item_id=item.id)
    assert [str(a.server_id) for a in attempts] == [servers[1]]
    forever = factories.product(
        service.engine, "Forever", server_ids=servers[:1], duration_days=None
    )
    assert service.assign_product(cid, forever).expires_at is None


def test_assign_refusals_write_nothing(service: SqlStoreService) -> None:
    cid, pid, servers = setup_store(service)
    with pytest.raises(Invalid) as refused:
        service.assign_product(cid, pid, server_ids=[servers[0], 9999])
    assert "9999" in refused.value.fields["servers"]
    with pytest.raises(Invalid) as refused:
        service.assign_product(cid, pid, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert set(refused.value.fields) == {"expires_at"}
    with pytest.raises(NotFound, match="no customer with ID 404"):
        service.assign_product(404, pid)
    with pytest.raises(NotFound, match="no product with ID 404"):
        service.assign_product(cid, 404)
    assert count(service, "inventory_items") == 0
    assert count(service, "command_attempts") == 0
    assert audit_rows(service) == []


def test_banned_customer_is_refused_until_the_ban_ends(service: SqlStoreService) -> None:
    cid, pid, _ = setup_store(service)
    service.ban_customer(cid, reason="chargeback fraud")
    with pytest.raises(Invalid) as refused:
        service.assign_product(cid, pid)
    assert refused.value.fields == {"customer": "banned: chargeback fraud"}
    assert count(service, "inventory_items") == 0

    ended = factories.customer(
        service.engine,
        "Old Ban",
        external_id="76561198000000002",
        ban_reason="spam",
        ban_expires_at=datetime.now(UTC) - timedelta(days=1),
    )
    assert service.assign_product(ended, pid).state is ItemState.ACTIVE


def test_replayed_assign_is_already_done(service: SqlStoreService) -> None:
    cid, pid, _ = setup_store(service)
    service.assign_product(cid, pid, request_id="assign-1")
    with pytest.raises(AlreadyDone, match="already done"):
        service.assign_product(cid, pid, request_id="assign-1")
    assert count(service, "inventory_items") == 1
    assert count(service, "command_attempts") == 2
    assert len(audit_rows(service)) == 1


def test_replay_that_slips_past_the_check_rolls_back_whole(
    service: SqlStoreService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: both transactions pass the look-up; the unique request_id stops one."""
    cid, pid, _ = setup_store(service)
    service.assign_product(cid, pid, request_id="assign-1")
    monkeypatch.setattr(audit, "ensure_new_request", lambda session, request_id: None)
    with pytest.raises(AlreadyDone, match="already done"):
        service.assign_product(cid, pid, request_id="assign-1")
    assert count(service, "inventory_items") == 1
    assert count(service, "command_attempts") == 2
    assert len(audit_rows(service)) == 1


def test_revoke_marks_queues_and_audits(service: SqlStoreService) -> None:
    cid, pid, servers = setup_store(service)
    iid = factories.item(service.engine, cid, pid)  # from an order, servers from the product
    item = service.revoke_item(iid, reason=" refund requested ")

    assert (item.state, item.revoked_by, item.revoke_reason) == (
        ItemState.REVOKED,
        "alice",
        "refund requested",
    )
    assert item.revoked_at is not None
    attempts = rows(service, "command_attempts", item_id=iid)
    assert [(str(a.server_id), a.stage, a.status) for a in attempts] == [
        (servers[0], "on_expire", "pending"),
        (servers[1], "on_expire", "pending"),
    ]
    assert {a.command for a in attempts} == {f"oxide.usergroup remove {STEAM} vip"}
    [entry] = audit_rows(service)
    assert (entry.action, entry.target_id, entry.reason) == (
        "item.revoke",
        str(iid),
        "refund requested",
    )
    assert entry.before == {"state": "active"}
    assert entry.after["state"] == "revoked"


def test_revoke_twice_changes_queues_and_audits_once(service: SqlStoreService) -> None:
    cid, pid, _ = setup_store(service)
    iid = factories.item(service.engine, cid, pid)
    first = service.revoke_item(iid, reason="refund")
    with pytest.raises(AlreadyDone, match="already revoked"):
        service.revoke_item(iid, reason="double press")
    row = one(service, "inventory_items", id=iid)
    assert (row.revoke_reason, row.revoked_at) == ("refund", first.revoked_at)
    assert count(service, "command_attempts", item_id=iid) == 2
    assert len(audit_rows(service)) == 1


def test_replayed_revoke_is_already_done(service: SqlStoreService) -> None:
    cid, pid, _ = setup_store(service)
    iid = factories.item(service.engine, cid, pid)
    service.revoke_item(iid, reason="refund", request_id="revoke-1")
    with pytest.raises(AlreadyDone, match="already done"):
        service.revoke_item(iid, reason="refund", request_id="revoke-1")
    assert count(service, "command_attempts", item_id=iid) == 2
    assert len(audit_rows(service)) == 1


def test_revoke_refusals(service: SqlStoreService) -> None:
    cid, pid, _ = setup_store(service)
    expired = factories.item(
        service.engine, cid, pid, expires_at=datetime.now(UTC) - timedelta(days=1)
    )
    active = factories.item(service.engine, cid, pid)
    with pytest.raises(Invalid) as refused:
        service.revoke_item(expired, reason="too late")
    assert refused.value.fields == {"item": "expired items cannot be revoked"}
    with pytest.raises(Invalid) as refused:
        service.revoke_item(active, reason="   ")
    assert set(refused.value.fields) == {"reason"}
    with pytest.raises(NotFound, match="no item with ID 404"):
        service.revoke_item(404, reason="gone")
    assert [r.state for r in rows(service, "inventory_items")] == ["active", "active"]
    assert count(service, "command_attempts") == 0
    assert audit_rows(service) == []


def test_failure_after_the_update_leaves_nothing_behind(
    service: SqlStoreService, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid, pid, _ = setup_store(service)
    iid = factories.item(service.engine, cid, pid)

    def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected after the UPDATE")

    monkeypatch.setattr(audit, "record", broken_audit)
    with pytest.raises(RuntimeError, match="injected"):
        service.revoke_item(iid, reason="refund")
    row = one(service, "inventory_items", id=iid)
    assert (row.state, row.revoked_at, row.revoked_by) == ("active", None, None)
    assert count(service, "command_attempts") == 0
    assert audit_rows(service) == []

    monkeypatch.undo()
    assert service.revoke_item(iid, reason="refund").state is ItemState.REVOKED
    assert count(service, "command_attempts") == 2
