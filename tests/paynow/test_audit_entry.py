"""get_audit_entry on PayNow: an entry of the local journal in full (its metadata
entries hold whole maps); NotFound for an unknown entry or another customer's."""

from __future__ import annotations

import pytest

from paynow.fake import FakePayNow
from storeadmin.core.audit_detail import ChangeKind
from storeadmin.core.errors import NotFound
from storeadmin.core.models import MetadataField
from storeadmin.paynow import PayNowStore


def test_metadata_entry_gives_the_whole_maps(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer(metadata={"old": "1", "keep": "k"})
    cid = customer["id"]
    store.replace_metadata(cid, [MetadataField("keep", "k"), MetadataField("new", "2")])
    [entry] = store.list_audit(cid).items
    detail = store.get_audit_entry(cid, entry.id)
    assert detail.is_metadata
    assert detail.entry == entry
    assert dict(detail.before) == {"old": "1", "keep": "k"}
    assert dict(detail.after) == {"keep": "k", "new": "2"}
    assert [(c.key, c.kind) for c in detail.changes()] == [
        ("new", ChangeKind.ADDED),
        ("old", ChangeKind.REMOVED),
    ]


def test_other_entry_and_not_found(store: PayNowStore, fake: FakePayNow) -> None:
    cid = fake.add_customer()["id"]
    other = fake.add_customer("Other")["id"]
    store.ban_customer(cid, reason="fraud")
    [entry] = store.list_audit(cid).items
    detail = store.get_audit_entry(cid, entry.id)
    assert not detail.is_metadata
    assert dict(detail.after) == dict(entry.after or {})
    assert detail.entry.reason == "fraud"
    for customer, audit_id in ((other, entry.id), (cid, "999999"), (cid, "nope")):
        with pytest.raises(NotFound):
            store.get_audit_entry(customer, audit_id)
