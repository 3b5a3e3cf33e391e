"""The official plugins' exact request shapes, replayed end to end through the app."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from tests.delivery.conftest import STEAM, UUID, Store

from storeadmin.core.models import CommandStatus

LINK = {"ip": "203.0.113.7", "hostname": "My Rust Server", "platform": "rust", "version": "1.4"}


def _status(store: Store, attempt_id: str) -> CommandStatus:
    return store.admin.get_command_attempt(attempt_id).status


def test_link_answers_the_dto_and_omits_previously_linked_the_first_time(
    client: TestClient, sqlite_store: Store
) -> None:
    first = client.post("/v1/delivery/gameserver/link", json=LINK)
    assert first.status_code == 200
    body = first.json()
    assert "previously_linked" not in body
    assert body["update_available"] is False
    assert body["gameserver"] == {
        "id": sqlite_store.server_id,
        "name": "Rust EU #1",
        "enabled": True,
    }
    assert int(body["gameserver"]["id"]) < 2**63
    restart = client.post("/v1/delivery/gameserver/link", json=LINK)
    assert "previously_linked" not in restart.json()
    second = client.post("/v1/delivery/gameserver/link/", json={**LINK, "hostname": "Other"})
    assert second.json()["previously_linked"]["host_name"] == "My Rust Server"
    server = sqlite_store.admin.list_game_servers()[0]
    assert (server.linked_hostname, server.linked_platform, server.linked_ip) == (
        "Other",
        "rust",
        "203.0.113.7",
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/delivery/command-queue", None),
        ("GET", "/v1/delivery/command-queue/", None),
        ("POST", "/v1/delivery/command-queue/", {"steam_ids": [STEAM]}),
        ("POST", "/v1/delivery/command-queue", {"customer_names": [], "minecraft_uuids": []}),
    ],
)
def test_every_poll_form_hands_out_the_queue(
    client: TestClient, sqlite_store: Store, method: str, path: str, body: object
) -> None:
    item = sqlite_store.item(sqlite_store.customer(), sqlite_store.product())
    attempt = sqlite_store.attempt(item, "oxide.usergroup add 76561198000000001 vip")
    response = client.request(method, path, json=body)
    assert response.status_code == 200
    [entry] = response.json()
    assert entry["attempt_id"] == attempt
    assert entry["steam_id"] == STEAM
    assert entry["minecraft_uuid"] is None
    assert entry["command"] == "oxide.usergroup add 76561198000000001 vip"
    assert entry["queued_at"].endswith("Z")
    assert _status(sqlite_store, attempt) is CommandStatus.DELIVERED


def test_steam_id_is_omitted_for_a_minecraft_player(
    client: TestClient, sqlite_store: Store
) -> None:
    customer = sqlite_store.customer("Notch", platform="minecraft", external=UUID)
    sqlite_store.attempt(sqlite_store.item(customer, sqlite_store.product()), "lp user Notch")
    [entry] = client.post(
        "/v1/delivery/command-queue/", json={"customer_names": ["Notch"], "minecraft_uuids": [UUID]}
    ).json()
    assert "steam_id" not in entry
    assert entry["minecraft_uuid"] == UUID
    assert entry["customer_name"] == "Notch"


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("DELETE", "/v1/delivery/command-queue/", "bulk"),
        ("DELETE", "/v1/delivery/command-queue", "bulk"),
        ("POST", "/v1/delivery/command-queue/acknowledge", "bulk"),
        ("DELETE", "/v1/delivery/command-queue/{id}", "one"),
        ("DELETE", "/v1/delivery/command-queue/{id}/", "one"),
    ],
)
def test_every_ack_form_marks_executed_with_the_ip(
    client: TestClient, sqlite_store: Store, method: str, path: str, kind: str
) -> None:
    attempt = sqlite_store.attempt(
        sqlite_store.item(sqlite_store.customer(), sqlite_store.product())
    )
    client.get("/v1/delivery/command-queue/")
    body = [{"attempt_id": attempt}] if kind == "bulk" else None
    response = client.request(method, path.format(id=attempt), json=body)
    assert response.status_code == 204, response.text
    read = sqlite_store.admin.get_command_attempt(attempt)
    assert read.status is CommandStatus.EXECUTED
    assert read.executed_by_ip == "testclient"
    assert read.executed_at is not None
    assert client.get("/v1/delivery/command-queue/").json() == []


def test_assign_in_the_service_then_poll_ack_reads_executed(
    client: TestClient, sqlite_store: Store, sqlite_url: str
) -> None:
    from storeadmin.data import open_sql_store

    customer = sqlite_store.customer()
    product = sqlite_store.product()
    service = open_sql_store(sqlite_url, actor="alice")
    try:
        service.assign_product(str(customer), str(product))
    finally:
        service.close()
    [entry] = client.post("/v1/delivery/command-queue/", json={"steam_ids": [STEAM]}).json()
    assert entry["command"] == f"add {STEAM} vip"
    assert (
        client.request(
            "DELETE", "/v1/delivery/command-queue/", json=[{"attempt_id": entry["attempt_id"]}]
        ).status_code
        == 204
    )
    [read] = sqlite_store.admin.list_customer_commands(str(customer))
    assert read.status is CommandStatus.EXECUTED
    assert read.executed_by_ip == "testclient"
    assert read.delivered_count == 1


def test_events_record_when_and_where_a_customer_was_last_seen(
    client: TestClient, sqlite_store: Store
) -> None:
    customer = sqlite_store.customer()
    events = [
        {
            "event": "player_join",
            "timestamp": "2026-11-30T10:00:00Z",
            "player_join": {"ip_address": "198.51.100.4", "steam_id": STEAM},
        },
        {
            "event": "player_join",
            "timestamp": "2026-11-30T09:00:00Z",
            "player_join": {"ip_address": "198.51.100.9", "steam_id": STEAM},
        },
        {
            "event": "player_join",
            "timestamp": "2026-11-30T10:00:00Z",
            "player_join": {
                "ip_address": "198.51.100.5",
                "minecraft_uuid": UUID.replace("-", ""),
                "minecraft_name": "Nobody",
            },
        },
    ]
    assert client.post("/v1/delivery/events", json=events).status_code == 204
    assert client.post("/v1/delivery/events/", json=[]).status_code == 204
    seen = sqlite_store.admin.last_seen(str(customer))
    assert seen is not None
    assert seen.ip == "198.51.100.4"
    assert seen.server_id == sqlite_store.server_id
    assert seen.at.isoformat().startswith("2026-11-30T10:00")
