"""``open_customer`` on PayNow: the single reads' header and first pages, together."""

from __future__ import annotations

import pytest

from paynow.fake import FakePayNow
from storeadmin.core.errors import NotFound
from storeadmin.paynow import PayNowStore


def test_open_customer_is_the_single_reads(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer("Bob", metadata={"DiscordID": "80351110224678912"})
    fake.add_order(customer["id"])
    fake.add_subscription(customer["id"])
    cid = customer["id"]
    overview = store.open_customer(cid, limit=50)
    assert overview.details == store.get_customer(cid)
    assert overview.orders == store.list_orders(cid, limit=50)
    assert overview.subscriptions == store.list_subscriptions(cid, limit=50)
    assert overview.inventory == store.list_inventory(cid, limit=50)
    assert overview.metadata == store.get_metadata(cid)
    assert overview.history == store.list_audit(cid, limit=50)
    assert overview.details.stats.total_spent_net.amount == 999


def test_open_customer_of_nobody(store: PayNowStore) -> None:
    with pytest.raises(NotFound):
        store.open_customer("411486491630370816")
