"""edit_customer: validated, canonical, unique per platform, version-checked, audited once."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from write_checks import audit_rows, one

from storeadmin.core.errors import Conflict, Invalid, NotFound
from storeadmin.core.models import Platform
from storeadmin.data import SqlStoreService, open_sql_store
from support import factories

NOTCH = "069a79f4-44e9-4726-a5be-fca90e38aaf5"


def test_edit_username_bumps_version_and_audits_once(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine, "Alice")
    customer = service.edit_customer(cid, expected_version=1, username="  Alicia  ")
    assert customer.username == "Alicia"  # trimmed by the validator
    assert customer.version == "2"
    assert customer.updated_by == "alice"
    row = one(service, "customers", id=cid)
    assert (row.username, row.name_key, row.version) == ("Alicia", "alicia", 2)
    [entry] = audit_rows(service)
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        "customer.edit",
        "alice",
        "customer",
        str(cid),
    )
    assert str(entry.customer_id) == cid
    assert entry.before == {"username": "Alice"}
    assert entry.after == {"username": "Alicia"}
    assert entry.request_id is None
    assert entry.at.tzinfo is not None


def test_edit_external_id_is_canonical_and_platform_change_needs_valid_id(
    service: SqlStoreService,
) -> None:
    cid = factories.customer(service.engine, "Steve")
    with pytest.raises(Invalid) as refused:
        service.edit_customer(cid, expected_version=1, platform=Platform.MINECRAFT)
    assert "external_id" in refused.value.fields  # a SteamID64 is no Minecraft UUID
    with pytest.raises(Invalid) as refused:
        service.edit_customer(cid, expected_version=1, external_id="123")
    assert "external_id" in refused.value.fields
    assert audit_rows(service) == []
    assert one(service, "customers", id=cid).version == 1

    customer = service.edit_customer(
        cid,
        expected_version=1,
        platform=Platform.MINECRAFT,
        external_id=NOTCH.replace("-", "").upper(),
    )
    assert (customer.platform, customer.external_id) == (Platform.MINECRAFT, NOTCH)
    [entry] = audit_rows(service, "customer.edit")
    assert entry.before == {"platform": "steam", "external_id": "76561198000000001"}
    assert entry.after == {"platform": "minecraft", "external_id": NOTCH}


def test_bad_username_and_platform_are_refused(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    for bad in ("", "   ", "x" * 200, "Bob\x1b]0;T\x07"):
        with pytest.raises(Invalid) as refused:
            service.edit_customer(cid, expected_version=1, username=bad)
        assert set(refused.value.fields) == {"username"}
    with pytest.raises(Invalid) as refused:
        service.edit_customer(cid, expected_version=1, platform="psn")  # type: ignore[arg-type]
    assert "platform" in refused.value.fields
    assert one(service, "customers", id=cid).username == "Alice"
    assert audit_rows(service) == []


def test_external_id_of_another_customer_is_a_conflict(service: SqlStoreService) -> None:
    factories.customer(service.engine, "Alice", external_id="76561198000000001")
    bob = factories.customer(service.engine, "Bob", external_id="76561198000000002")
    alice = one(service, "customers", username="Alice").id
    with pytest.raises(Conflict) as clash:
        service.edit_customer(bob, expected_version=1, external_id="76561198000000001")
    assert str(clash.value) == f"that steam ID belongs to customer {alice} (Alice)"
    assert one(service, "customers", id=bob).external_id == "76561198000000002"
    assert audit_rows(service) == []


def test_no_op_edit_changes_nothing(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine, "Alice")
    customer = service.edit_customer(
        cid,
        expected_version=1,
        username="Alice",
        platform=Platform.STEAM,
        external_id="76561198000000001",
    )
    assert customer.version == "1"
    assert one(service, "customers", id=cid).updated_by is None
    assert audit_rows(service) == []


def test_unknown_customer_is_not_found(service: SqlStoreService) -> None:
    with pytest.raises(NotFound, match="no customer with ID 999"):
        service.edit_customer(999, expected_version=1, username="X")


def test_stale_version_is_refused(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine, "Alice")
    service.edit_customer(cid, expected_version=1, username="First")
    with pytest.raises(Conflict) as stale:
        service.edit_customer(cid, expected_version=1, username="Second")
    assert stale.value.changed_by == "alice"
    assert one(service, "customers", id=cid).username == "First"
    assert len(audit_rows(service)) == 1


def test_two_admins_editing_at_once(service: SqlStoreService, store_url: str) -> None:
    """Both open version 1; bob saves first; alice's save is refused and names bob."""
    cid = factories.customer(service.engine, "Alice")
    bob = open_sql_store(store_url, actor="bob")
    try:
        seen_by_alice = one(service, "customers", id=cid).version
        seen_by_bob = one(bob, "customers", id=cid).version
        bob.edit_customer(cid, expected_version=seen_by_bob, username="Bobs Choice")
        with pytest.raises(Conflict) as stale:
            service.edit_customer(cid, expected_version=seen_by_alice, username="Alices Choice")
    finally:
        bob.close()
    assert stale.value.changed_by == "bob"
    assert stale.value.changed_at is not None
    assert str(stale.value).startswith("changed by bob at ")
    assert str(stale.value).endswith(" UTC — reload")
    row = one(service, "customers", id=cid)
    assert (row.username, row.version, row.updated_by) == ("Bobs Choice", 2, "bob")
    assert [entry.actor for entry in audit_rows(service)] == ["bob"]


def test_rename_keeps_sqlite_search_index_in_step(service: SqlStoreService) -> None:
    if service.engine.dialect.name != "sqlite":
        pytest.skip("the trigram FTS table exists on SQLite only")
    cid = factories.customer(service.engine, "Alice")
    service.edit_customer(cid, expected_version=1, username="Zebediah")
    with service.engine.connect() as connection:
        hits = connection.execute(
            text("SELECT rowid FROM customers_fts WHERE customers_fts MATCH :q"),
            {"q": '"ebedia"'},
        ).all()
    assert [str(hit.rowid) for hit in hits] == [cid]


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"]
)
def test_audit_rows_cannot_be_changed_or_deleted(service: SqlStoreService, statement: str) -> None:
    cid = factories.customer(service.engine, "Alice")
    service.edit_customer(cid, expected_version=1, username="Alicia")
    with pytest.raises(DBAPIError, match="append-only"), service.engine.begin() as connection:
        connection.execute(text(statement))
    [entry] = audit_rows(service)
    assert entry.actor == "alice"
