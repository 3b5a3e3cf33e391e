"""Against Prism serving the official contract: every read and write succeeds, and no
request storeadmin sends fails Prism's validation (a 422 is a failed test)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from paynow.contract import ValidatingTransport
from paynow.prism import Prism
from storeadmin.core.errors import AlreadyDone, Unsupported
from storeadmin.core.models import MetadataField
from storeadmin.paynow import PayNowStore, open_paynow_store
from storeadmin.paynow.sync import sync_mirror

ID = "411486491630370816"
"""Prism's example flake ID: every path it mocks answers with it."""
KEY = "prism-test-key-not-secret"


class StatusLog(httpx.BaseTransport):
    """Records every status code seen, to prove no request got a 422."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.statuses: list[tuple[str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.statuses.append((f"{request.method} {request.url.path}", response.status_code))
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def on_prism(prism: Prism, tmp_path: Path) -> Iterator[tuple[PayNowStore, StatusLog]]:
    log = StatusLog(httpx.HTTPTransport())
    service = open_paynow_store(
        f"paynow://{ID}",
        actor="prism-admin",
        transport=ValidatingTransport(log, responses=False),
        environ={"PAYNOW_API_URL": prism.url, "PAYNOW_API_KEY": KEY},
        home=tmp_path,
    )
    yield service, log
    service.close()
    assert [s for s in log.statuses if s[1] == 422] == []
    assert prism.violations() == []


def test_every_service_call_on_prism(on_prism: tuple[PayNowStore, StatusLog]) -> None:
    service, log = on_prism
    info = service.store_info()
    assert info.kind == "PayNow"
    assert service.search_customers("m0uka").items
    assert service.search_customers("76561197960287930").items
    details = service.get_customer(ID)
    service.get_customer_summary(ID)
    service.get_metadata(ID)
    service.list_inventory(ID)
    service.get_item(ID)
    service.list_command_attempts(ID)
    service.list_customer_commands(ID)
    service.list_orders(ID)
    service.get_order(ID)
    service.list_subscriptions(ID)
    service.get_subscription(ID)
    service.list_products()
    service.list_game_servers()
    service.preview_assign(ID, ID)
    service.edit_customer(ID, expected_version=details.customer.version, username="Bob")
    service.replace_metadata(ID, [MetadataField("DiscordID", "80351110224678912")])
    service.ban_customer(ID, reason="prism")
    with pytest.raises(AlreadyDone):
        service.unban_customer(ID)  # Prism's ban check says "not banned" (see prism.py)
    assert service.create_token(ID, label="cli").secret
    service.revoke_all_tokens(ID)
    assert service.assign_product(ID, ID).id == ID
    with contextlib.suppress(AlreadyDone):  # Prism's example item may read as expired
        service.revoke_item(ID, reason="prism")
    (attempt, *_) = service.list_command_attempts(ID)
    with contextlib.suppress(AlreadyDone):
        service.cancel_command(attempt.id)
    service.list_stuck_deliveries(
        waiting_longer_than=timedelta(minutes=5), player_unseen_for=timedelta(days=1)
    )
    with pytest.raises(Unsupported):
        service.list_tokens(ID)
    sync_mirror(service.client, service.mirror)
    assert service.search_customers("m0uka").items[0].id == ID
    assert len(log.statuses) > 25


CLI_OK = [
    ["customers", "search", "m0uka"],
    ["customers", "search", "STEAM_0:0:11101", "--json"],
    ["customers", "show", ID],
    ["customers", "show", ID, "--json"],
    ["customers", "history", ID],
    ["customers", "metadata", ID, "get"],
    ["products", "list", "--json"],
    ["customers", "edit", ID, "--name", "Bob"],
    ["customers", "metadata", ID, "set", "DiscordID", "80351110224678912"],
    ["customers", "ban", ID, "--reason", "prism"],
    ["customers", "unban", ID],
    ["customers", "tokens", ID, "create"],
    ["customers", "assign", ID, ID],
    ["customers", "revoke", ID, ID, "--reason", "prism"],
    ["sync"],
]


@pytest.fixture
def cli_env(prism: Prism, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Prism:
    monkeypatch.setenv("PAYNOW_API_URL", prism.url)
    monkeypatch.setenv("PAYNOW_API_KEY", KEY)
    monkeypatch.setenv("STOREADMIN_HOME", str(tmp_path))
    monkeypatch.setenv("STOREADMIN_CONFIG", str(tmp_path / "none.toml"))
    return prism


@pytest.mark.parametrize("argv", CLI_OK, ids=[" ".join(a[:3]) for a in CLI_OK])
def test_cli_command_on_prism(
    argv: list[str], cli_env: Prism, capsys: pytest.CaptureFixture[str]
) -> None:
    from storeadmin.cli import main

    code = main(["--store", f"paynow://{ID}", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert KEY not in out + err
    assert cli_env.violations() == []


def test_cli_unsupported_is_one_line(cli_env: Prism, capsys: pytest.CaptureFixture[str]) -> None:
    from storeadmin.cli import main

    code = main(["--store", f"paynow://{ID}", "customers", "tokens", ID, "list"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "PayNow cannot list" in err


def test_cli_revoke_all_on_prism(cli_env: Prism, capsys: pytest.CaptureFixture[str]) -> None:
    from storeadmin.cli import main

    assert (
        main(["--store", f"paynow://{ID}", "customers", "tokens", ID, "revoke-all", "--yes"]) == 0
    )
