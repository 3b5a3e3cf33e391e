"""HTTP-level behaviour: auth errors, malformed bodies, oversized bodies, floods, a
database outage mid-poll (503, nothing lost), and access logs without tokens."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.delivery.conftest import Store

from storeadmin.core.errors import Unavailable
from storeadmin.delivery.app import create_app
from storeadmin.delivery.limits import RateLimiter

QUEUE = "/v1/delivery/command-queue/"


def _paynow_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert isinstance(body["code"], str)
    assert isinstance(body["message"], str)
    assert isinstance(body["trace_id"], str)
    return body


def test_missing_unknown_and_disabled_tokens(client: TestClient, sqlite_store: Store) -> None:
    _paynow_error(client.get(QUEUE, headers={"Authorization": ""}), 401)
    _paynow_error(client.get(QUEUE, headers={"Authorization": "Bearer x"}), 401)
    _paynow_error(client.get(QUEUE, headers={"Authorization": "Gameserver nope"}), 401)
    sqlite_store.admin.disable_game_server(sqlite_store.server_id)
    _paynow_error(client.get(QUEUE), 403)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/delivery/gameserver/link", b"{not json"),
        (
            "POST",
            "/v1/delivery/gameserver/link",
            b'{"ip": 1, "hostname": "h", "platform": "p", "version": "v"}',
        ),
        ("POST", "/v1/delivery/gameserver/link", b'{"hostname": "h"}'),
        ("POST", QUEUE, b'{"steam_ids": "76561198000000001"}'),
        ("POST", QUEUE, b'{"unknown": []}'),
        ("DELETE", QUEUE, b'{"attempt_id": "1"}'),
        ("DELETE", QUEUE, b'[{"attempt_id": 1}]'),
        ("POST", "/v1/delivery/events", b'[{"event": "player_join"}]'),
        (
            "POST",
            "/v1/delivery/events",
            b'[{"event": "boom", "timestamp": "2026-01-01T00:00:00Z"}]',
        ),
        ("POST", "/v1/delivery/events", b"[" * 100_000),
    ],
)
def test_malformed_bodies_are_400(client: TestClient, method: str, path: str, body: bytes) -> None:
    response = client.request(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )
    _paynow_error(response, 400)


def test_unknown_attempt_is_404_and_unknown_route_is_paynow_shaped(client: TestClient) -> None:
    _paynow_error(client.delete(QUEUE + "123456"), 404)
    _paynow_error(client.request("DELETE", QUEUE, json=[{"attempt_id": "abc"}]), 404)
    _paynow_error(client.get("/v1/nope"), 404)
    _paynow_error(client.put(QUEUE), 405)


def test_an_oversized_body_is_413(client: TestClient) -> None:
    huge = b'{"steam_ids": [' + b'"76561198000000001",' * 20_000 + b'"1"]}'
    _paynow_error(
        client.post(QUEUE, content=huge, headers={"Content-Type": "application/json"}), 413
    )


def test_a_flood_from_one_token_is_429_with_retry_after(sqlite_store: Store) -> None:
    app = create_app(
        sqlite_store.delivery, limiter=RateLimiter(rate=1, burst=5), sweep_interval=None
    )
    with TestClient(app, headers={"Authorization": f"Gameserver {sqlite_store.token}"}) as c:
        statuses = [c.get(QUEUE).status_code for _ in range(8)]
        assert statuses[:5] == [200] * 5
        assert set(statuses[5:]) == {429}
        limited = c.get(QUEUE)
        _paynow_error(limited, 429)
        assert int(limited.headers["Retry-After"]) >= 1


class _Outage:
    """Wraps a delivery service; polls fail with Unavailable while ``down``."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.down = False

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def poll(self, *args: object, **kwargs: object) -> object:
        if self.down:
            raise Unavailable("cannot reach the database at db:5432: connection refused")
        return self.inner.poll(*args, **kwargs)  # type: ignore[attr-defined]


def test_database_outage_mid_poll_is_503_and_nothing_is_lost(sqlite_store: Store) -> None:
    attempt = sqlite_store.attempt(
        sqlite_store.item(sqlite_store.customer(), sqlite_store.product())
    )
    outage = _Outage(sqlite_store.delivery)
    app = create_app(outage, limiter=RateLimiter(rate=100, burst=100), sweep_interval=None)  # type: ignore[arg-type]
    with TestClient(app, headers={"Authorization": f"Gameserver {sqlite_store.token}"}) as c:
        outage.down = True
        body = _paynow_error(c.post(QUEUE, json={"steam_ids": []}), 503)
        assert "db:5432" not in str(body["message"])
        outage.down = False
        [entry] = c.post(QUEUE, json={"steam_ids": []}).json()
        assert entry["attempt_id"] == attempt


def test_a_real_database_outage_is_503_then_the_next_poll_succeeds(
    sqlite_store: Store, sqlite_url: str
) -> None:
    attempt = sqlite_store.attempt(
        sqlite_store.item(sqlite_store.customer(), sqlite_store.product())
    )
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    away = path.with_name(path.name + ".away")
    app = create_app(sqlite_store.delivery, sweep_interval=None)
    with TestClient(app, headers={"Authorization": f"Gameserver {sqlite_store.token}"}) as c:
        sqlite_store.engine.dispose()
        path.rename(away)
        try:
            response = c.post(QUEUE, json={"steam_ids": []})
        finally:
            sqlite_store.engine.dispose()
            for leftover in path.parent.glob(path.name + "*"):
                if leftover != away:
                    leftover.unlink()
            away.rename(path)
        _paynow_error(response, 503)
        assert response.headers["Retry-After"] == "5"
        [entry] = c.post(QUEUE, json={"steam_ids": []}).json()
        assert entry["attempt_id"] == attempt


def test_access_log_never_contains_the_token(
    client: TestClient, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="storeadmin.delivery.access"):
        client.get(QUEUE)
        client.get(QUEUE, headers={"Authorization": "Gameserver gs_wrong-token"})
        client.post("/v1/delivery/gameserver/link", content=b"{bad")
    text = caplog.text
    assert "GET /v1/delivery/command-queue/ 200" in text
    assert sqlite_store.token not in text
    assert "gs_wrong-token" not in text


def test_guessing_tokens_from_one_address_is_429(sqlite_store: Store) -> None:
    app = create_app(
        sqlite_store.delivery,
        limiter=RateLimiter(rate=100, burst=100),
        sweep_interval=None,
    )
    with TestClient(app) as c:
        statuses = [
            c.get(QUEUE, headers={"Authorization": f"Gameserver gs_guess{n}"}).status_code
            for n in range(40)
        ]
        assert statuses[:30] == [401] * 30
        assert set(statuses[30:]) == {429}
