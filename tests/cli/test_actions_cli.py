"""The write commands: edit, ban/unban, tokens, metadata, assign, revoke."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest

from storeadmin.core.models import CustomerDetails
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.engine import make_engine
from support import factories
from support.cli import run


@dataclass(frozen=True)
class Shop:
    """A small populated store."""

    url: str
    alice: int
    bob: int
    server: int
    other_server: int
    vip: int
    kit: int
    item: int
    bobs_item: int


@pytest.fixture
def shop(sqlite_url: str) -> Shop:
    """Two customers (Bob banned), two servers, two products, an active item each."""
    return populate(sqlite_url)


def populate(url: str) -> Shop:
    """Fill the store at ``url`` (see ``shop``)."""
    service = open_sql_store(url, actor="setup")
    try:
        engine = service.engine
        factories.store_settings(engine)
        server = factories.game_server(engine, "Rust EU #1")
        other = factories.game_server(engine, "Rust US #2")
        vip = factories.product(engine, "VIP Rank", server_ids=[server, other])
        kit = factories.product(engine, "Starter Kit", server_ids=[server], duration_days=None)
        alice = factories.customer(engine, "Alice", external_id="76561198000000001")
        bob = factories.customer(engine, "Bob", external_id="76561198000000002", ban_reason="fraud")
        item = factories.item(engine, alice, vip, server_ids=[server])
        bobs_item = factories.item(engine, bob, vip, server_ids=[server])
        factories.metadata(engine, alice, DiscordID="123456789012345678", Note="hi")
    finally:
        service.close()
    return Shop(url, alice, bob, server, other, vip, kit, item, bobs_item)


def details(shop: Shop, customer_id: int) -> CustomerDetails:
    """Read the customer straight from the store."""
    service = open_sql_store(shop.url, actor="check")
    try:
        return service.get_customer(customer_id)
    finally:
        service.close()


def audit_count(shop: Shop, customer_id: int) -> int:
    """How many audit entries the customer has (to prove nothing changed)."""
    service = open_sql_store(shop.url, actor="check")
    try:
        return len(service.list_audit(customer_id).items)
    finally:
        service.close()


# ---------------------------------------------------------------- edit


def test_edit_name_and_id(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(
        capsys,
        "customers",
        "edit",
        str(shop.alice),
        "--name",
        "Alicia",
        "--external-id",
        "STEAM_0:1:5",
        "--admin",
        "carol",
        "--db",
        shop.url,
    )
    assert code == 0, err
    assert "Alicia" in out
    customer = details(shop, shop.alice).customer
    assert customer.username == "Alicia"
    assert customer.external_id == "76561197960265739"
    assert customer.updated_by == "carol"


def test_edit_json(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, _ = run(
        capsys, "customers", "edit", str(shop.alice), "--name", "Al", "--json", "--db", shop.url
    )
    assert code == 0
    data = json.loads(out)
    assert data["username"] == "Al"
    assert data["version"] == "2"  # versions and IDs are opaque strings in JSON


def test_edit_nothing_to_change(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(capsys, "customers", "edit", str(shop.alice), "--db", shop.url)
    assert (code, out) == (2, "")
    assert "nothing to change" in err


def test_edit_invalid_id_changes_nothing(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(
        capsys, "customers", "edit", str(shop.alice), "--external-id", "12345", "--db", shop.url
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert details(shop, shop.alice).customer.external_id == "76561198000000001"
    assert audit_count(shop, shop.alice) == 0


def test_edit_duplicate_id_is_a_conflict(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, _, err = run(
        capsys,
        "customers",
        "edit",
        str(shop.alice),
        "--external-id",
        "76561198000000002",
        "--db",
        shop.url,
    )
    assert code == 3
    assert err.count("\n") == 1


def test_edit_unknown_customer(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, _, err = run(capsys, "customers", "edit", "999", "--name", "x", "--db", shop.url)
    assert code == 2
    assert err.count("\n") == 1


def bob_saves_after_our_first_read(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race: right after the command reads the customer, admin bob renames them."""
    real_get = SqlStoreService.get_customer
    raced: list[bool] = []

    def get_then_race(self: SqlStoreService, customer_id: str) -> CustomerDetails:
        result = real_get(self, customer_id)
        if not raced:
            raced.append(True)
            other = open_sql_store(shop.url, actor="bob")
            try:
                other.edit_customer(
                    customer_id, expected_version=result.customer.version, username="ByBob"
                )
            finally:
                other.close()
        return result

    monkeypatch.setattr(SqlStoreService, "get_customer", get_then_race)


def test_edit_after_someone_else_saved_exits_3(
    capsys: pytest.CaptureFixture[str], shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another admin saves between our read and our write: refused, their change kept."""
    bob_saves_after_our_first_read(shop, monkeypatch)
    code, out, err = run(
        capsys, "customers", "edit", str(shop.alice), "--name", "Mine", "--db", shop.url
    )
    assert (code, out) == (3, "")
    assert err.count("\n") == 1
    monkeypatch.undo()
    assert details(shop, shop.alice).customer.username == "ByBob"


# ---------------------------------------------------------------- ban / unban


def test_ban_and_unban(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(
        capsys,
        "customers",
        "ban",
        str(shop.alice),
        "--reason",
        "abuse",
        "--until",
        "7d",
        "--db",
        shop.url,
    )
    assert code == 0, err
    assert "BANNED until" in out
    assert "abuse" in out
    ban = details(shop, shop.alice).customer.ban
    assert ban is not None
    assert ban.expires_at is not None

    code, out, err = run(
        capsys, "customers", "ban", str(shop.alice), "--reason", "x", "--db", shop.url
    )
    assert code == 0
    assert "nothing changed" in err
    assert details(shop, shop.alice).customer.ban.reason == "abuse"  # type: ignore[union-attr]

    code, out, _ = run(capsys, "customers", "unban", str(shop.alice), "--json", "--db", shop.url)
    assert code == 0
    assert json.loads(out)["ban"] is None
    code, out, err = run(capsys, "customers", "unban", str(shop.alice), "--db", shop.url)
    assert (code, out) == (0, "")
    assert "nothing changed" in err


def test_ban_json(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, _ = run(
        capsys,
        "customers",
        "ban",
        str(shop.alice),
        "--reason",
        "abuse",
        "--until",
        "2035-12-31",
        "--json",
        "--db",
        shop.url,
    )
    assert code == 0
    ban = json.loads(out)["ban"]
    assert ban["reason"] == "abuse"
    assert ban["expires_at"].startswith("2035-12-31T23:59:59")


# ---------------------------------------------------------------- tokens


def test_token_lifecycle(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    alice = str(shop.alice)
    code, out, err = run(capsys, "customers", "tokens", alice, "list", "--db", shop.url)
    assert (code, out) == (0, "")
    assert "no tokens" in err

    code, out, err = run(
        capsys, "customers", "tokens", alice, "create", "--label", "discord bot", "--db", shop.url
    )
    assert code == 0, err
    secret_line = next(line for line in out.splitlines() if line.startswith("secret: "))
    secret = secret_line.removeprefix("secret: ")
    assert len(secret) >= 20
    assert "cannot be shown again" in out

    code, out, _ = run(capsys, "customers", "tokens", alice, "list", "--db", shop.url)
    assert code == 0
    assert "discord bot" in out
    assert "active" in out
    assert secret not in out

    code, out, _ = run(capsys, "customers", "tokens", alice, "list", "--json", "--db", shop.url)
    tokens = json.loads(out)
    assert [token["state"] for token in tokens] == ["active"]
    assert secret not in out
    token_id = str(tokens[0]["id"])

    code, out, _ = run(capsys, "customers", "tokens", alice, "revoke", token_id, "--db", shop.url)
    assert code == 0
    assert "revoked" in out
    code, out, err = run(capsys, "customers", "tokens", alice, "revoke", token_id, "--db", shop.url)
    assert (code, out) == (0, "")
    assert "nothing changed" in err


def test_token_create_json_has_the_secret_once(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    code, out, _ = run(
        capsys,
        "customers",
        "tokens",
        str(shop.alice),
        "create",
        "--expires",
        "30d",
        "--json",
        "--db",
        shop.url,
    )
    assert code == 0
    data = json.loads(out)
    assert data["secret"]
    assert data["token"]["expires_at"] is not None
    assert data["token"]["state"] == "active"
    assert "cannot be shown again" in data["note"]


def test_token_revoke_someone_elses_token_exits_2(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    code, out, _ = run(
        capsys, "customers", "tokens", str(shop.bob), "create", "--json", "--db", shop.url
    )
    token_id = str(json.loads(out)["token"]["id"])
    code, _, err = run(
        capsys, "customers", "tokens", str(shop.alice), "revoke", token_id, "--db", shop.url
    )
    assert code == 2
    assert err.count("\n") == 1


def test_revoke_all_needs_yes_without_a_terminal(
    capsys: pytest.CaptureFixture[str], shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = str(shop.alice)
    for _ in range(2):
        assert run(capsys, "customers", "tokens", alice, "create", "--db", shop.url)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "customers", "tokens", alice, "revoke-all", "--db", shop.url)
    assert (code, out) == (2, "")
    assert "--yes" in err
    code, out, _ = run(
        capsys, "customers", "tokens", alice, "revoke-all", "--yes", "--json", "--db", shop.url
    )
    assert code == 0
    assert json.loads(out)["revoked"] == 2
    code, out, err = run(
        capsys, "customers", "tokens", alice, "revoke-all", "--yes", "--db", shop.url
    )
    assert (code, out) == (0, "")
    assert "no active tokens" in err


class _Terminal(io.StringIO):
    """A stdin that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "revoked"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_revoke_all_asks_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
    shop: Shop,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    revoked: bool,
) -> None:
    alice = str(shop.alice)
    assert run(capsys, "customers", "tokens", alice, "create", "--db", shop.url)[0] == 0
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    code, out, err = run(capsys, "customers", "tokens", alice, "revoke-all", "--db", shop.url)
    assert code == 0
    assert "Revoke all 1 active token(s) of Alice" in err
    assert ("revoked 1 token(s)" in out) is revoked
    code, out, _ = run(capsys, "customers", "tokens", alice, "list", "--json", "--db", shop.url)
    assert json.loads(out)[0]["state"] == ("revoked" if revoked else "active")


# ---------------------------------------------------------------- metadata


def test_metadata_get(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    alice = str(shop.alice)
    code, out, _ = run(capsys, "customers", "metadata", alice, "get", "--db", shop.url)
    assert code == 0
    assert "DiscordID" in out
    assert "123456789012345678" in out
    code, out, _ = run(capsys, "customers", "metadata", alice, "get", "--json", "--db", shop.url)
    assert json.loads(out) == {"DiscordID": "123456789012345678", "Note": "hi"}
    code, out, _ = run(capsys, "customers", "metadata", alice, "get", "Note", "--db", shop.url)
    assert (code, out) == (0, "hi\n")
    code, out, err = run(capsys, "customers", "metadata", alice, "get", "Nope", "--db", shop.url)
    assert (code, out) == (2, "")
    assert "no metadata key 'Nope'" in err


def test_metadata_set_and_unset(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    alice = str(shop.alice)
    code, out, err = run(
        capsys, "customers", "metadata", alice, "set", "Note", "bye", "--json", "--db", shop.url
    )
    assert code == 0, err
    assert json.loads(out) == {"DiscordID": "123456789012345678", "Note": "bye"}
    code, out, _ = run(
        capsys, "customers", "metadata", alice, "set", "DiscordUsername", "al#1", "--db", shop.url
    )
    assert code == 0
    assert "DiscordUsername" in out
    code, out, _ = run(
        capsys, "customers", "metadata", alice, "unset", "Note", "--json", "--db", shop.url
    )
    assert code == 0
    assert json.loads(out) == {
        "DiscordID": "123456789012345678",
        "DiscordUsername": "al#1",
    }
    code, out, err = run(capsys, "customers", "metadata", alice, "unset", "Note", "--db", shop.url)
    assert (code, out) == (0, "")
    assert "nothing changed" in err


def test_metadata_invalid_value_changes_nothing(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    alice = str(shop.alice)
    before = audit_count(shop, shop.alice)
    code, out, err = run(
        capsys, "customers", "metadata", alice, "set", "Note", "x" * 100_000, "--db", shop.url
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert audit_count(shop, shop.alice) == before
    code, out, _ = run(capsys, "customers", "metadata", alice, "get", "Note", "--db", shop.url)
    assert out == "hi\n"


def test_metadata_set_after_someone_else_saved_exits_3(
    capsys: pytest.CaptureFixture[str], shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob_saves_after_our_first_read(shop, monkeypatch)
    code, out, err = run(
        capsys, "customers", "metadata", str(shop.alice), "set", "Note", "x", "--db", shop.url
    )
    assert (code, out) == (3, "")
    assert err.count("\n") == 1


# ---------------------------------------------------------------- assign / revoke


@pytest.mark.parametrize("product", ["VIP Rank", "vip rank", "vip-rank", "by-id"])
def test_assign_by_name_slug_or_id(
    capsys: pytest.CaptureFixture[str], shop: Shop, product: str
) -> None:
    wanted = str(shop.vip) if product == "by-id" else product
    code, out, err = run(
        capsys, "customers", "assign", str(shop.alice), wanted, "--json", "--db", shop.url
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["item"]["product_id"] == shop.vip
    assert data["item"]["source"] == "manual"
    assert data["item"]["state"] == "active"
    commands = data["commands"]
    assert commands
    assert {command["stage"] for command in commands} == {"on_purchase"}
    assert all("76561198000000001" in command["command"] for command in commands)


def test_assign_to_one_server_by_name_prints_queued_commands(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    code, out, err = run(
        capsys,
        "customers",
        "assign",
        str(shop.alice),
        "vip-rank",
        "--server",
        "rust us #2",
        "--expires",
        "30d",
        "--db",
        shop.url,
    )
    assert code == 0, err
    assert "VIP Rank" in out
    assert "Queued commands" in out
    assert "Rust US #2" in out
    assert "Rust EU #1" not in out
    assert "oxide.usergroup add 76561198000000001 vip" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope"], "no product"),
        (["vip-rank", "--server", "nowhere"], "no game server"),
        (["vip-rank", "--expires", "yesterday"], "--expires"),
    ],
)
def test_assign_bad_input_exits_2_and_grants_nothing(
    capsys: pytest.CaptureFixture[str], shop: Shop, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "customers", "assign", str(shop.alice), *argv, "--db", shop.url)
    assert (code, out) == (2, "")
    assert message in err
    assert err.count("\n") == 1
    assert audit_count(shop, shop.alice) == 0


def test_assign_to_banned_customer_is_refused(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    code, out, err = run(capsys, "customers", "assign", str(shop.bob), "vip-rank", "--db", shop.url)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1


def test_revoke_item(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    alice, item = str(shop.alice), str(shop.item)
    code, out, err = run(
        capsys, "customers", "revoke", alice, item, "--reason", "refund", "--db", shop.url
    )
    assert code == 0, err
    assert "revoked" in out
    assert "oxide.usergroup remove 76561198000000001 vip" in out
    code, out, err = run(
        capsys, "customers", "revoke", alice, item, "--reason", "again", "--db", shop.url
    )
    assert (code, out) == (0, "")
    assert "nothing changed" in err


def test_revoke_json(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, _ = run(
        capsys,
        "customers",
        "revoke",
        str(shop.alice),
        str(shop.item),
        "--reason",
        "refund",
        "--json",
        "--db",
        shop.url,
    )
    assert code == 0
    data = json.loads(out)
    assert data["item"]["state"] == "revoked"
    assert data["item"]["revoke_reason"] == "refund"
    assert {command["stage"] for command in data["commands"]} == {"on_expire"}


def test_revoke_someone_elses_item_exits_2(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(
        capsys,
        "customers",
        "revoke",
        str(shop.alice),
        str(shop.bobs_item),
        "--reason",
        "x",
        "--db",
        shop.url,
    )
    assert (code, out) == (2, "")
    assert f"has no inventory item {shop.bobs_item}" in err
    assert audit_count(shop, shop.bob) == 0


def test_writes_on_both_backends(capsys: pytest.CaptureFixture[str], store_url: str) -> None:
    """--db with a PostgreSQL URL: assign, revoke, ban and a version-checked edit."""
    shop = populate(store_url)
    alice = str(shop.alice)
    code, out, err = run(
        capsys, "customers", "assign", alice, "starter kit", "--json", "--db", store_url
    )
    assert code == 0, err
    item = str(json.loads(out)["item"]["id"])
    code, _, err = run(
        capsys, "customers", "revoke", alice, item, "--reason", "r", "--db", store_url
    )
    assert code == 0, err
    code, _, err = run(capsys, "customers", "ban", alice, "--reason", "r", "--db", store_url)
    assert code == 0, err
    code, out, err = run(
        capsys, "customers", "edit", alice, "--name", "Al", "--json", "--db", store_url
    )
    assert code == 0, err
    assert json.loads(out)["username"] == "Al"
    code, out, _ = run(capsys, "customers", "history", alice, "--json", "--db", store_url)
    actions = [entry["action"] for entry in json.loads(out)]
    assert actions[0] == "customer.edit"
    assert len(actions) == 4


def test_assign_warns_about_placeholders_without_a_value(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    engine = make_engine(shop.url)
    steve = factories.customer(
        engine, "Steve", platform="minecraft", external_id="069a79f4-44e9-4726-a5be-fca90e38aaf5"
    )
    engine.dispose()
    code, out, err = run(capsys, "customers", "assign", str(steve), "vip-rank", "--db", shop.url)
    assert code == 0, err
    assert "oxide.usergroup add {steam_id} vip" in out
    assert "warning: {steam_id} has no value for this customer: sent as written" in err
