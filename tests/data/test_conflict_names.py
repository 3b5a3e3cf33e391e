"""A stale save names who changed what was being edited (issue 14, item 7): edits, bans
and metadata saves share the customer's version, so the customer's last writer is often
not the admin whose change made the copy stale ("changed by alice" shown to alice)."""

from __future__ import annotations

import pytest

from storeadmin.core.errors import Conflict
from storeadmin.core.models import MetadataField
from storeadmin.data import SqlStoreService, open_sql_store
from support import factories


def _as(service: SqlStoreService, store_url: str, actor: str) -> SqlStoreService:
    return open_sql_store(store_url, actor=actor)


def test_stale_metadata_names_the_metadata_writer_not_the_last_writer(
    store_url: str, service: SqlStoreService
) -> None:
    customer = factories.customer(service.engine)
    alice, bob = _as(service, store_url, "alice"), _as(service, store_url, "bob")
    try:
        read_at = alice.get_customer(customer).customer.version  # alice opens Metadata
        bob.replace_metadata(customer, [MetadataField("Note", "bob's")], expected_version=read_at)
        alice.ban_customer(customer, reason="chargeback")  # alice, elsewhere, bans
        with pytest.raises(Conflict, match="changed by bob") as stale:
            alice.replace_metadata(
                customer, [MetadataField("Note", "alice's")], expected_version=read_at
            )
        assert stale.value.changed_by == "bob"
        assert alice.get_metadata(customer) == (MetadataField("Note", "bob's"),)
    finally:
        alice.close()
        bob.close()


def test_stale_edit_names_the_editor_not_the_last_writer(
    store_url: str, service: SqlStoreService
) -> None:
    customer = factories.customer(service.engine)
    alice, bob = _as(service, store_url, "alice"), _as(service, store_url, "bob")
    try:
        read_at = alice.get_customer(customer).customer.version  # alice opens Edit
        bob.edit_customer(customer, expected_version=read_at, username="Bobbed")
        alice.ban_customer(customer, reason="chargeback")
        with pytest.raises(Conflict, match="changed by bob") as stale:
            alice.edit_customer(customer, expected_version=read_at, username="Alicia")
        assert stale.value.changed_by == "bob"
    finally:
        alice.close()
        bob.close()


def test_without_such_a_change_the_last_writer_is_named(
    store_url: str, service: SqlStoreService
) -> None:
    customer = factories.customer(service.engine)
    alice, bob = _as(service, store_url, "alice"), _as(service, store_url, "bob")
    try:
        read_at = alice.get_customer(customer).customer.version
        bob.ban_customer(customer, reason="chargeback")
        with pytest.raises(Conflict, match="changed by bob"):
            alice.edit_customer(customer, expected_version=read_at, username="Alicia")
    finally:
        alice.close()
        bob.close()
