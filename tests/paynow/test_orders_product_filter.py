"""PayNow ``list_orders(product_id=)`` sends the spec's ``product_id`` filter of
``GET /orders`` (checked against the OpenAPI document) and lists what it returns."""

from __future__ import annotations

import pytest

from paynow.contract import ValidatingTransport
from paynow.fake import FakePayNow
from storeadmin.core.errors import NotFound
from storeadmin.paynow import PayNowStore

OTHER_PRODUCT = "411486491630370816"


def test_orders_filtered_by_product(
    store: PayNowStore, fake: FakePayNow, transport: ValidatingTransport
) -> None:
    customer = fake.add_customer()
    vip = [fake.add_order(customer["id"]) for _ in range(3)]
    other = fake.add_order(customer["id"])
    other["lines"][0]["product_id"] = OTHER_PRODUCT
    product_id = str(fake.product["id"])

    page = store.list_orders(customer["id"], product_id=product_id)
    assert sorted(o.id for o in page.items) == sorted(o["id"] for o in vip)
    assert f"product_id={product_id}" in str(transport.sent[-1].url)
    only = store.list_orders(customer["id"], product_id=OTHER_PRODUCT)
    assert [o.id for o in only.items] == [other["id"]]
    assert len(store.list_orders(customer["id"]).items) == 4
    with pytest.raises(NotFound):
        store.list_orders(customer["id"], product_id="not-an-id")
