"""The delivery CLI: servers, deliveries, customers commands — JSON with string IDs,
a token shown once and never in ``--json``, exit codes of the existing conventions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from tests.delivery.conftest import Store

from support.cli import run


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


def test_servers_add_token_list_disable(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    code, out, _ = run(capsys, "servers", "add", "Minecraft #1", "--game", "minecraft", "--db", sqlite_url, "--json")  # fmt: skip
    assert code == 0
    server = json.loads(out)
    assert isinstance(server["id"], str)
    assert server["enabled"] is True
    code, out, err = run(capsys, "servers", "token", server["id"], "--db", sqlite_url)
    assert code == 0
    secret = out.strip()
    assert secret.startswith("gs_")
    assert secret not in err
    code, out, _ = run(capsys, "servers", "list", "--db", sqlite_url, "--json")
    assert code == 0
    assert secret not in out
    assert [s["name"] for s in json.loads(out)] == ["Minecraft #1"]
    code, out, _ = run(capsys, "servers", "disable", server["id"], "--db", sqlite_url, "--json")
    assert (code, json.loads(out)["enabled"]) == (0, False)
    code, _, err = run(capsys, "servers", "disable", server["id"], "--db", sqlite_url)
    assert code == 0
    assert "nothing changed" in err
    code, _, err = run(capsys, "servers", "token", "999", "--db", sqlite_url)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    code, _, _ = run(capsys, "servers", "add", "Minecraft #1", "--game", "minecraft", "--db", sqlite_url)  # fmt: skip
    assert code == 3


def test_customers_commands_resend_cancel_stuck(
    capsys: pytest.CaptureFixture[str], sqlite_store: Store, sqlite_url: str
) -> None:
    customer = sqlite_store.customer()
    item = sqlite_store.item(customer, sqlite_store.product())
    attempt = sqlite_store.attempt(item, "say hi")
    code, out, _ = run(capsys, "customers", "commands", str(customer), "--db", sqlite_url, "--json")
    assert code == 0
    [listed] = json.loads(out)
    assert (listed["id"], listed["status"], listed["customer_id"]) == (
        attempt,
        "pending",
        str(customer),
    )
    code, out, _ = run(
        capsys, "customers", "commands", str(customer), str(item), "--db", sqlite_url
    )
    assert code == 0
    assert "say hi" in out
    code, out, _ = run(capsys, "deliveries", "cancel", attempt, "--db", sqlite_url, "--json")
    assert (code, json.loads(out)["status"]) == (0, "canceled")
    code, out, _ = run(capsys, "deliveries", "resend", attempt, "--db", sqlite_url, "--json")
    rerun = json.loads(out)
    assert (code, rerun["rerun"], rerun["status"]) == (0, True, "pending")
    code, out, _ = run(capsys, "deliveries", "stuck", "--waiting", "0s", "--db", sqlite_url, "--json")  # fmt: skip
    assert code == 0
    assert [a["id"] for a in json.loads(out)["waiting"]] == [rerun["id"]]
    code, _, _ = run(capsys, "deliveries", "stuck", "--waiting", "soon", "--db", sqlite_url)
    assert code == 2


def test_deliveries_sweep_and_rule(
    capsys: pytest.CaptureFixture[str], sqlite_store: Store, sqlite_url: str
) -> None:
    past = datetime.now(UTC) - timedelta(minutes=1)
    sqlite_store.item(sqlite_store.customer(), sqlite_store.product(), expires_at=past)
    code, out, _ = run(capsys, "deliveries", "sweep", "--db", sqlite_url, "--json")
    assert (code, json.loads(out)) == (0, {"items": 1, "commands": 1})
    code, out, _ = run(capsys, "deliveries", "sweep", "--db", sqlite_url, "--json")
    assert json.loads(out) == {"items": 0, "commands": 0}
    code, out, _ = run(capsys, "deliveries", "rule", "--max-deliveries", "3", "--ack-timeout", "2m", "--db", sqlite_url, "--json")  # fmt: skip
    assert (code, json.loads(out)) == (0, {"max_deliveries": 3, "ack_timeout_seconds": 120})


def test_serve_refuses_a_non_sql_store(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "serve", "--db", "paynow://411486491630370816")
    assert code == 2
    assert "SQL store" in err
