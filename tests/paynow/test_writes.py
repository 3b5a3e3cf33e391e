"""Writes against the fake: each one validated against the contract and journalled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paynow.fake import FakePayNow
from storeadmin.core.errors import AlreadyDone, Conflict, Invalid, InvalidRows, Unsupported
from storeadmin.core.models import CommandStatus, ItemState, MetadataField, Platform
from storeadmin.paynow import PayNowStore


def test_assign_then_see_it(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    product = store.list_products()[0]
    item = store.assign_product(customer["id"], product.id, server_ids=[fake.server["id"]])
    assert item.state is ItemState.ACTIVE
    listed = store.list_inventory(customer["id"])
    assert item.id in {i.id for i in listed.items}
    entries = store.list_audit(customer["id"]).items
    assert entries[0].action == "item.assign"
    assert entries[0].actor == "alice-admin"


def test_assign_refused_for_banned_customer(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    store.ban_customer(customer["id"], reason="chargeback fraud")
    with pytest.raises(Invalid, match="banned"):
        store.assign_product(customer["id"], store.list_products()[0].id)


def test_revoke_twice(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    item = fake.add_item(customer["id"])
    store.list_inventory(customer["id"])
    revoked = store.revoke_item(item["id"], reason="refund")
    assert revoked.state is ItemState.REVOKED
    with pytest.raises(AlreadyDone):
        store.revoke_item(item["id"], reason="again")
    history = store.list_audit(customer["id"]).items
    assert [e.action for e in history] == ["item.revoke"]
    assert history[0].reason == "refund"


def test_stale_edit_is_refused(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer("Carol")
    seen = store.get_customer(customer["id"]).customer
    store.edit_customer(customer["id"], expected_version=seen.version, username="Carol2")
    with pytest.raises(Conflict, match="reload"):
        store.edit_customer(customer["id"], expected_version=seen.version, username="Carol3")
    assert fake.customers[customer["id"]]["name"] == "Carol2"


def test_edit_canonicalises_and_refuses_a_taken_id(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer("Dan", steam_id=None)
    fake.add_customer("Other", steam_id="76561197960287931")
    version = store.get_customer(customer["id"]).customer.version
    edited = store.edit_customer(
        customer["id"],
        expected_version=version,
        platform=Platform.STEAM,
        external_id="STEAM_0:0:11101",
    )
    assert edited.external_id == "76561197960287930"
    with pytest.raises(Conflict, match="belongs to customer"):
        store.edit_customer(
            customer["id"],
            expected_version=edited.version,
            platform=Platform.STEAM,
            external_id="76561197960287931",
        )
    with pytest.raises(Invalid):
        store.edit_customer(customer["id"], expected_version=edited.version, username="bad\nname")


def test_metadata_replace_and_stale(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer(metadata={"old": "1"})
    version = store.get_customer(customer["id"]).customer.version
    saved = store.replace_metadata(
        customer["id"],
        [MetadataField("DiscordID", "80351110224678912"), MetadataField("", "")],
        expected_version=version,
    )
    assert [(f.key, f.value) for f in saved] == [("DiscordID", "80351110224678912")]
    assert fake.customers[customer["id"]]["metadata"] == {"DiscordID": "80351110224678912"}
    with pytest.raises(Conflict):
        store.replace_metadata(customer["id"], [MetadataField("a", "b")], expected_version=version)
    with pytest.raises(InvalidRows):
        store.replace_metadata(customer["id"], [MetadataField("a", "1"), MetadataField("a", "2")])


def test_ban_and_unban(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    banned = store.ban_customer(customer["id"], reason="fraud")
    assert banned.is_banned
    assert banned.ban is not None
    assert banned.ban.reason == "fraud"
    (ban,) = fake.bans.values()
    assert {"ban_type": "steam", "ban_type_value": "76561197960287930"} in ban["identities"]
    with pytest.raises(AlreadyDone):
        store.ban_customer(customer["id"], reason="again")
    assert not store.unban_customer(customer["id"]).is_banned
    with pytest.raises(AlreadyDone):
        store.unban_customer(customer["id"])
    assert [e.action for e in store.list_audit(customer["id"]).items] == [
        "customer.unban",
        "customer.ban",
    ]


def test_tokens_create_once_and_invalidate_all(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    created = store.create_token(customer["id"], label="")
    assert created.secret.startswith("pnc_")
    assert created.secret not in repr(store.list_audit(customer["id"]).items)
    store.create_token(customer["id"], label="")
    assert store.revoke_all_tokens(customer["id"]) == 2
    assert fake.tokens[customer["id"]] == 0
    with pytest.raises(Unsupported):
        store.list_tokens(customer["id"])
    with pytest.raises(Unsupported):
        store.revoke_token(customer["id"], "1")
    with pytest.raises(Unsupported):
        store.create_token(customer["id"], label="", expires_at=datetime(2027, 1, 1, tzinfo=UTC))
    assert store.create_token(customer["id"], label="laptop").token.label == "laptop"


def test_resend_and_cancel(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    item = fake.add_item(customer["id"])
    (attempt,) = store.list_command_attempts(item["id"])
    again = store.resend_command(attempt.id)
    assert again.rerun
    assert again.id != attempt.id
    canceled = store.cancel_command(attempt.id)
    assert canceled.status is CommandStatus.CANCELED
    with pytest.raises(AlreadyDone):
        store.cancel_command(attempt.id)
    actions = [e.action for e in store.list_audit(customer["id"]).items]
    assert actions == ["command.cancel", "command.resend"]


def test_request_id_replay_is_already_done(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    product = store.list_products()[0]
    store.assign_product(customer["id"], product.id, request_id="r-1")
    with pytest.raises(AlreadyDone):
        store.assign_product(customer["id"], product.id, request_id="r-1")
    assert len(fake.items) == 1


def test_invalid_from_paynow_names_the_field(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    fake.product["id"], real = "400000000000000077", fake.product["id"]
    product = store.list_products()[0]
    fake.product["id"] = real
    with pytest.raises(Invalid) as caught:
        store.assign_product(customer["id"], product.id)
    assert "product_id" in caught.value.fields
    assert store._journal.outcomes(customer["id"]) == [
        ("item.assign", "failed: PayNow refused: invalid product (product_id: unknown product)")
    ]
    assert store.list_audit(customer["id"]).items[0].action == "item.assign.failed"
