"""Reads against the fake: header, tabs, paging, a response with only required fields."""

from __future__ import annotations

from paynow.contract import ValidatingTransport
from paynow.fake import FakePayNow
from storeadmin.core.models import (
    CommandStatus,
    Feature,
    ItemSource,
    ItemState,
    OrderStatus,
    Platform,
    SubscriptionStatus,
)
from storeadmin.paynow import PayNowStore


def test_store_info_declares_what_paynow_cannot_do(store: PayNowStore) -> None:
    info = store.store_info()
    assert info.kind == "PayNow"
    assert info.name == "Rusty"
    assert info.currency == "USD"
    assert info.location.startswith("paynow://")
    for missing in (
        Feature.LIST_TOKENS,
        Feature.REVOKE_ONE_TOKEN,
        Feature.TOKEN_LABELS,
        Feature.AUDIT_LOG,
    ):
        assert missing not in info.features
    assert "never synced" in info.extra["mirror"]


def test_customer_header_maps_customer_stats_and_ban(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer("Bob", metadata={"DiscordID": "80351110224678912"})
    fake.add_order(customer["id"])
    fake.add_subscription(customer["id"])
    details = store.get_customer(customer["id"])
    assert details.customer.username == "Bob"
    assert details.customer.platform is Platform.STEAM
    assert details.customer.external_id == "76561197960287930"
    assert details.customer.version == "2026-03-01T00:00:00Z"
    assert details.stats.total_spent_net.amount == 999
    assert details.stats.mrr.amount == 499
    assert details.stats.active_subscriptions == 1
    assert not details.customer.is_banned
    assert [(f.key, f.value) for f in store.get_metadata(customer["id"])] == [
        ("DiscordID", "80351110224678912")
    ]


def test_header_requests_go_out_in_parallel(
    fake: FakePayNow, transport: ValidatingTransport, tmp_path
) -> None:
    import time

    from paynow.conftest import ENV, NOW
    from paynow.fake import STORE_ID
    from storeadmin.paynow import open_paynow_store

    customer = fake.add_customer("Par", steam_id=None)  # one ban check: no SteamID
    fake.latency = 0.2
    service = open_paynow_store(
        f"paynow://{STORE_ID}",
        actor="a",
        clock=lambda: NOW,
        transport=transport,
        environ=ENV,
        home=tmp_path,
    )
    service.store_info()  # the store (currency) is cached from here on
    started = time.perf_counter()
    service.get_customer(customer["id"])
    elapsed = time.perf_counter() - started
    service.close()
    assert elapsed < 0.45, f"header took {elapsed:.2f}s: its requests ran in sequence"


def test_minimal_customer_missing_every_optional_field(
    store: PayNowStore, fake: FakePayNow
) -> None:
    customer = fake.add_customer("", steam_id=None)
    del customer["name"], customer["updated_at"]
    details = store.get_customer(customer["id"])
    assert details.customer.username == customer["id"]
    assert details.customer.platform is Platform.OTHER
    assert details.customer.version == customer["created_at"]


def test_inventory_items_states_and_commands(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    active = fake.add_item(customer["id"])
    fake.add_item(customer["id"], state="used")
    fake.add_item(customer["id"], state="usable", expires_at="2026-01-01T00:00:00Z")
    page = store.list_inventory(customer["id"])
    states = {i.id: i.state for i in page.items}
    assert states[active["id"]] is ItemState.ACTIVE
    assert sorted(s.value for s in states.values()) == ["active", "expired", "expired"]
    assert page.items[0].id > page.items[-1].id  # newest first
    item = store.get_item(active["id"])
    assert item.source is ItemSource.MANUAL
    assert item.granted_by == "user:400000000000000009"
    attempts = store.list_command_attempts(active["id"])
    assert [a.status for a in attempts] == [CommandStatus.PENDING]
    assert attempts[0].server_name == "EU Main"
    only_active = store.list_inventory(customer["id"], state=ItemState.ACTIVE)
    assert [i.id for i in only_active.items] == [active["id"]]
    assert active["id"] in {a.item_id for a in store.list_customer_commands(customer["id"])}


def test_keyset_paging_with_after(
    store: PayNowStore, fake: FakePayNow, transport: ValidatingTransport
) -> None:
    customer = fake.add_customer()
    for _ in range(5):
        fake.add_order(customer["id"])
    first = store.list_orders(customer["id"], limit=2)
    second = store.list_orders(customer["id"], limit=2, cursor=first.next_cursor)
    third = store.list_orders(customer["id"], limit=2, cursor=second.next_cursor)
    ids = [o.id for o in first.items + second.items + third.items]
    assert len(ids) == len(set(ids)) == 5
    assert ids == sorted(ids, reverse=True)
    assert any("after=" in str(r.url) for r in transport.sent)


def test_orders_subscriptions_and_details(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    order = fake.add_order(customer["id"])
    fake.add_order(customer["id"], status="refunded")
    sub = fake.add_subscription(customer["id"])
    completed = store.list_orders(customer["id"], status=OrderStatus.COMPLETED)
    assert [o.id for o in completed.items] == [order["id"]]
    details = store.get_order(order["id"])
    assert details.lines[0].product_name == "VIP"
    assert details.order.total.amount == 999
    subs = store.list_subscriptions(customer["id"], status=SubscriptionStatus.ACTIVE)
    assert [s.id for s in subs.items] == [sub["id"]]
    assert store.get_subscription(sub["id"]).subscription.interval.label() == "1 month"


def test_catalogue_servers_and_preview(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    products = store.list_products()
    assert [p.name for p in products] == ["VIP"]
    assert products[0].duration_days == 30
    assert [s.name for s in store.list_game_servers()] == ["EU Main"]
    preview = store.preview_assign(customer["id"], products[0].id)
    assert preview[0].command == "oxide.grant user 76561197960287930 vip"
