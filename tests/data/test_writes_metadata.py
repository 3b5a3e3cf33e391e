"""replace_metadata: all rows or nothing, version-checked when asked, audited when changed."""

from __future__ import annotations

import pytest
from write_checks import audit_rows, one, rows

from storeadmin.core.errors import Conflict, InvalidRows, NotFound
from storeadmin.core.models import MetadataField
from storeadmin.data import SqlStoreService, open_sql_store
from support import factories

DISCORD = "80351110224678912"


def stored(service: SqlStoreService, customer_id: int) -> dict[str, str]:
    return {r.key: r.value for r in rows(service, "customer_metadata", customer_id=customer_id)}


def test_replace_adds_changes_and_removes(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    factories.metadata(service.engine, cid, DiscordUsername="old#1", Note="bye")
    result = service.replace_metadata(
        cid,
        [
            MetadataField("DiscordUsername", "new#2"),
            MetadataField("DiscordID", DISCORD),
            MetadataField("", ""),  # a cleared row: "Note" is gone
            MetadataField("apiKey", "x"),
        ],
    )
    assert result == (
        MetadataField("apiKey", "x"),
        MetadataField("DiscordID", DISCORD),
        MetadataField("DiscordUsername", "new#2"),
    )
    assert stored(service, cid) == {"DiscordUsername": "new#2", "DiscordID": DISCORD, "apiKey": "x"}
    [entry] = audit_rows(service)
    assert (entry.action, entry.target_type, str(entry.customer_id)) == (
        "metadata.replace",
        "customer",
        cid,
    )
    assert entry.before == {"DiscordUsername": "old#1", "Note": "bye"}
    assert entry.after == {"DiscordUsername": "new#2", "DiscordID": DISCORD, "apiKey": "x"}
    # Without expected_version the customer's version is left alone.
    assert one(service, "customers", id=cid).version == 1


def test_unchanged_map_writes_no_audit(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    factories.metadata(service.engine, cid, A="1", b="2")
    result = service.replace_metadata(
        cid, [MetadataField("b", "2"), MetadataField("A", "1")], expected_version=1
    )
    assert result == (MetadataField("A", "1"), MetadataField("b", "2"))
    assert audit_rows(service) == []
    assert one(service, "customers", id=cid).version == 1


@pytest.mark.parametrize(
    "bad",
    [
        [MetadataField("", "value without key")],
        [MetadataField("k", "1"), MetadataField("K", "2")],
        [MetadataField("k", "x" * 1025)],
        [MetadataField("bad key", "x")],
        [MetadataField("DiscordID", "not-a-snowflake")],
        [MetadataField("k", "line\nbreak")],
    ],
)
def test_bad_rows_leave_the_old_metadata(
    service: SqlStoreService, bad: list[MetadataField]
) -> None:
    cid = factories.customer(service.engine)
    factories.metadata(service.engine, cid, Keep="me")
    with pytest.raises(InvalidRows) as refused:
        service.replace_metadata(cid, [MetadataField("Fine", "row"), *bad])
    assert refused.value.rows  # the UI can point at the bad row
    assert stored(service, cid) == {"Keep": "me"}
    assert audit_rows(service) == []


def test_expected_version_guards_against_a_concurrent_edit(
    service: SqlStoreService, store_url: str
) -> None:
    cid = factories.customer(service.engine)
    factories.metadata(service.engine, cid, Note="first")
    bob = open_sql_store(store_url, actor="bob")
    try:
        bob.edit_customer(cid, expected_version=1, username="Renamed")
    finally:
        bob.close()
    with pytest.raises(Conflict) as stale:
        service.replace_metadata(cid, [MetadataField("Note", "second")], expected_version=1)
    assert stale.value.changed_by == "bob"
    assert stored(service, cid) == {"Note": "first"}

    service.replace_metadata(cid, [MetadataField("Note", "second")], expected_version=2)
    row = one(service, "customers", id=cid)
    assert (row.version, row.updated_by) == (3, "alice")
    assert stored(service, cid) == {"Note": "second"}
    assert [e.action for e in audit_rows(service)] == ["customer.edit", "metadata.replace"]


def test_clearing_everything_and_unknown_customer(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    factories.metadata(service.engine, cid, A="1")
    assert service.replace_metadata(cid, [MetadataField(" ", " ")]) == ()
    assert stored(service, cid) == {}
    [entry] = audit_rows(service)
    assert (entry.before, entry.after) == ({"A": "1"}, {})
    with pytest.raises(NotFound):
        service.replace_metadata(404, [])
