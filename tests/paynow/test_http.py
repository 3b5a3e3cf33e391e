"""Failures over HTTP: one clear line each, retries only where safe, the key never shown."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest

from paynow.contract import ValidatingTransport
from paynow.fake import API_KEY, STORE_ID, FakePayNow
from storeadmin.core.errors import NotFound, StoreError, Unavailable
from storeadmin.paynow import PayNowStore, open_paynow_store
from storeadmin.paynow.http import KeyRejected, RateLimited, retry_after_seconds
from storeadmin.paynow.location import ApiKey, parse_store_id, resolve_location


def test_401_says_the_key_was_rejected(store: PayNowStore, fake: FakePayNow) -> None:
    fake.fail_next(401)
    with pytest.raises(KeyRejected, match="PayNow rejected the API key"):
        store.store_info()


def test_wrong_key_is_rejected_and_never_shown(fake: FakePayNow, tmp_path, caplog) -> None:
    wrong = "pnapi_WRONG_KEY_0123456789"
    transport = ValidatingTransport(httpx.MockTransport(fake.handler))
    caplog.set_level(logging.DEBUG)
    service = open_paynow_store(
        f"paynow://{STORE_ID}",
        actor="a",
        transport=transport,
        home=tmp_path,
        environ={"PAYNOW_API_KEY": wrong},
        sleep=lambda _: None,
    )
    with pytest.raises(KeyRejected) as caught:
        service.store_info()
    shown = [
        str(caught.value),
        repr(caught.value),
        repr(service),
        repr(service._client),
        caplog.text,
    ]
    assert all(wrong not in text for text in shown)
    service.close()


def test_404_is_not_found(store: PayNowStore) -> None:
    with pytest.raises(NotFound):
        store.get_customer("400000000000000999")
    with pytest.raises(NotFound):
        store.get_customer("not-a-number")


def test_429_honours_retry_after_then_succeeds(
    store: PayNowStore, fake: FakePayNow, sleeps: list[float]
) -> None:
    fake.fail_next(429, headers={"Retry-After": "2"})
    assert store.store_info().name == "Rusty"
    assert sleeps == [2.0]


def test_429_with_a_long_wait_says_when(
    store: PayNowStore, fake: FakePayNow, sleeps: list[float]
) -> None:
    fake.fail_next(429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited, match="rate limited — retry in 120 s"):
        store.store_info()
    assert sleeps == []


def test_429_on_a_write_is_retried(
    store: PayNowStore, fake: FakePayNow, sleeps: list[float]
) -> None:
    customer = fake.add_customer()
    fake.fail_next(429, method="POST", path_contains="/tokens", headers={"Retry-After": "1"})
    assert store.create_token(customer["id"], label="").secret
    assert fake.tokens[customer["id"]] == 1


def test_5xx_read_is_retried_with_backoff(
    store: PayNowStore, fake: FakePayNow, sleeps: list[float]
) -> None:
    fake.fail_next(503)
    fake.fail_next(502)
    assert store.store_info().name == "Rusty"
    assert sleeps == [0.25, 0.5]


def test_5xx_persisting_is_unavailable(store: PayNowStore, fake: FakePayNow) -> None:
    for _ in range(3):
        fake.fail_next(500)
    with pytest.raises(Unavailable, match="PayNow error 500"):
        store.store_info()


def test_5xx_write_is_not_retried_and_journalled_failed(
    store: PayNowStore, fake: FakePayNow
) -> None:
    customer = fake.add_customer()
    item = fake.add_item(customer["id"])
    store.list_inventory(customer["id"])
    fake.fail_next(500, method="DELETE")
    with pytest.raises(Unavailable, match="may not be saved"):
        store.revoke_item(item["id"], reason="refund")
    assert fake.items[item["id"]]["state"] == "active"
    assert [r for r in fake.requests if r.startswith("DELETE")] == [
        f"DELETE /v1/stores/{STORE_ID}/customers/{customer['id']}/delivery/items/{item['id']}"
    ]
    (entry,) = store.list_audit(customer["id"]).items
    assert entry.action == "item.revoke.failed"


def test_timeout_on_read_retries_then_unreachable(store: PayNowStore, fake: FakePayNow) -> None:
    for _ in range(3):
        fake.fail_next(timeout=True)
    with pytest.raises(Unavailable, match="PayNow unreachable"):
        store.store_info()


def test_timeout_on_write_is_not_retried(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    fake.fail_next(timeout=True, method="POST", path_suffix="/bans")
    with pytest.raises(Unavailable, match="may or may not be saved"):
        store.ban_customer(customer["id"], reason="x")
    assert store.list_audit(customer["id"]).items[0].action == "customer.ban.failed"


def test_connect_error_is_unreachable(store: PayNowStore, fake: FakePayNow) -> None:
    for _ in range(3):
        fake.fail_next(connect_error=True)
    with pytest.raises(Unavailable, match="PayNow unreachable"):
        store.list_products()


def test_key_is_never_in_repr_or_errors(store: PayNowStore, fake: FakePayNow) -> None:
    where = resolve_location(f"paynow://{STORE_ID}", {"PAYNOW_API_KEY": API_KEY})
    assert API_KEY not in repr(where)
    assert API_KEY not in str(where.api_key)
    assert API_KEY not in repr(store)
    assert API_KEY not in repr(store._client)
    assert API_KEY not in repr(store._client._http.auth)
    key = ApiKey(API_KEY)
    with pytest.raises(TypeError):
        pickle.dumps(key)


def test_server_message_echoing_the_key_is_redacted(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    original = fake.handler

    def echo(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith(customer["id"]):
            return httpx.Response(
                404,
                json={
                    "status": 404,
                    "code": "x",
                    "message": f"bad {request.headers['Authorization']}",
                },
            )
        return original(request)

    store._client._http._transport = ValidatingTransport(httpx.MockTransport(echo))
    with pytest.raises(StoreError) as caught:
        store.get_customer(customer["id"])
    assert API_KEY not in str(caught.value)


def test_location_and_key_resolution(monkeypatch, tmp_path) -> None:
    from storeadmin.config import ConfigError

    assert parse_store_id("paynow://411486491630370816/") == "411486491630370816"
    with pytest.raises(StoreError):
        parse_store_id("paynow://abc")
    config = tmp_path / "config.toml"
    config.write_text('paynow_api_key = "from-config"\n')
    config.chmod(0o644)
    monkeypatch.setenv("STOREADMIN_CONFIG", str(config))
    with pytest.raises(ConfigError, match="readable by other users"):
        resolve_location("paynow://1", {})
    config.chmod(0o600)
    assert resolve_location("paynow://1", {}).api_key.reveal() == "from-config"
    config.unlink()
    with pytest.raises(Unavailable, match="no PayNow API key"):
        open_paynow_store("paynow://1", actor="a", environ={}, home=tmp_path)


def test_retry_after_as_http_date() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:05 GMT"})
    assert retry_after_seconds(response, now=lambda: 1445412480.0) == 5.0


def test_crash_screen_locals_never_show_the_key(store: PayNowStore, fake: FakePayNow) -> None:
    """A traceback rendered with every frame's locals (as a crash screen does) stays clean."""
    import io

    from rich.console import Console
    from rich.traceback import Traceback

    fake.fail_next(401)
    try:
        store.store_info()
    except KeyRejected:
        trace = Traceback(show_locals=True, locals_max_string=10_000, locals_max_length=1_000)
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(trace)
    text = console.export_text()
    assert "auth_flow" in text or "request" in text
    assert API_KEY not in text
