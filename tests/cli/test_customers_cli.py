"""``storeadmin customers search|show|history`` and the CLI's argument and error layer."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from storeadmin.cli import main
from storeadmin.data import open_sql_store
from support import factories
from support.cli import run

STOREADMIN = Path(sys.executable).parent / "storeadmin"
"""The console script installed beside the interpreter running the tests."""


@dataclass(frozen=True)
class Shop:
    """A small populated store."""

    url: str
    alice: int
    bob: int
    eve: int
    markup: int
    vip: int
    order: int


def populate(url: str) -> Shop:
    """Customers, a product, an order, a subscription, an item and metadata."""
    service = open_sql_store(url, actor="setup")
    try:
        engine = service.engine
        factories.store_settings(engine)
        server = factories.game_server(engine)
        vip = factories.product(engine, server_ids=[server])
        alice = factories.customer(engine, "Alice", external_id="76561198000000001")
        bob = factories.customer(
            engine,
            "Bob",
            external_id="76561198000000002",
            ban_reason="chargeback fraud",
        )
        eve = factories.customer(
            engine, "Eve\x1b]0;PWNED\x07\x1b[2J", external_id="76561198000000003"
        )
        markup = factories.customer(engine, "[bold red]x[/]", external_id="76561198000000004")
        order = factories.order(engine, alice, vip, total=1999)
        factories.subscription(engine, alice, vip)
        factories.item(engine, alice, vip, order_id=order, server_ids=[server])
        factories.metadata(engine, alice, DiscordID="123456789012345678")
    finally:
        service.close()
    return Shop(url, alice, bob, eve, markup, vip, order)


@pytest.fixture
def shop(sqlite_url: str) -> Shop:
    """A populated SQLite store."""
    return populate(sqlite_url)


# ---------------------------------------------------------------- argument layer


@pytest.mark.parametrize(
    "argv",
    [
        ["customers"],
        ["customers", "search"],
        ["customers", "show"],
        ["customers", "history"],
        ["customers", "edit"],
        ["customers", "ban"],
        ["customers", "unban"],
        ["customers", "tokens", "1"],
        ["customers", "tokens", "1", "list"],
        ["customers", "tokens", "1", "create"],
        ["customers", "tokens", "1", "revoke"],
        ["customers", "tokens", "1", "revoke-all"],
        ["customers", "metadata", "1"],
        ["customers", "metadata", "1", "get"],
        ["customers", "metadata", "1", "set"],
        ["customers", "metadata", "1", "unset"],
        ["customers", "assign"],
        ["customers", "revoke"],
        ["products"],
        ["products", "list"],
    ],
)
def test_help_of_every_subcommand(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, _ = run(capsys, *argv, "--help")
    assert code == 0
    assert out.startswith("usage: storeadmin")
    assert "--store LOCATION" in out  # the common options work after the subcommand too


@pytest.mark.parametrize(
    "argv",
    [
        ["customers", "show", "abc"],
        ["customers", "show", "７"],  # int() would accept a fullwidth digit
        ["customers", "show", "1_0"],
        ["customers", "history", "-"],
        ["customers", "edit", "x", "--name", "N"],
        ["customers", "ban", "x", "--reason", "r"],
        ["customers", "unban", "1.5"],
        ["customers", "tokens", "x", "list"],
        ["customers", "metadata", "x", "get"],
        ["customers", "assign", "x", "vip"],
        ["customers", "revoke", "x", "1", "--reason", "r"],
    ],
)
def test_a_customer_id_that_is_no_id_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv, "--db", sqlite_url)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert re.search(r"(no customer with ID|customer ID .* is not an ID|no customer )", err), err


def test_non_numeric_item_and_token_ids(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    code, _, err = run(capsys, "customers", "revoke", "1", "x", "--reason", "r", "--db", sqlite_url)
    assert (code, err.count("\n")) == (2, 1)
    assert err.startswith("storeadmin: no customer with ID 1")
    code, _, err = run(capsys, "customers", "tokens", "1", "revoke", "x y", "--db", sqlite_url)
    assert (code, err.strip()) == (2, "storeadmin: token ID 'x y' is not an ID")


@pytest.mark.parametrize("when", ["garbage", "-3d", "2001-01-01"])
def test_bad_when_exits_2_before_touching_the_store(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, when: str
) -> None:
    code, out, err = run(
        capsys, "customers", "ban", "1", "--reason", "r", f"--until={when}", "--db", sqlite_url
    )
    assert code == 2
    assert out == ""
    assert err.startswith("storeadmin: --until: ")
    assert err.count("\n") == 1


def test_bad_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "customers", "search", "bob", "--limit", "0")
    assert code == 2
    assert "--limit" in err


def test_unreachable_postgresql_exits_4_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "customers", "search", "bob", "--db", "postgresql://u:secret@127.0.0.1:1/x"
    )
    assert code == 4
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("storeadmin: ")
    assert "secret" not in err
    assert "Traceback" not in err


def test_not_a_database_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A file that is not a store is refused like a missing one (issue 14, item 5)."""
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database file at all" * 100)
    code, out, err = run(capsys, "products", "list", "--db", str(junk))
    assert code == 2
    assert "is not a SQLite database" in err
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_console_script_exit_codes_and_one_line_errors(tmp_path: Path) -> None:
    """The installed entry point maps errors to exit codes without a traceback."""
    env = {
        **os.environ,
        "STOREADMIN_HOME": str(tmp_path / "home"),
        "STOREADMIN_CONFIG": str(tmp_path / "config.toml"),
    }
    bad_db = subprocess.run(
        [str(STOREADMIN), "customers", "show", "1", "--db", "postgresql://u:secret@127.0.0.1:1/x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad_db.returncode == 4
    assert bad_db.stdout == ""
    assert "secret" not in bad_db.stderr
    assert "Traceback" not in bad_db.stderr
    assert bad_db.stderr.count("\n") == 1
    bad_id = subprocess.run(
        [str(STOREADMIN), "customers", "show", "abc"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad_id.returncode == 2
    assert bad_id.stderr == "storeadmin: no customer 'abc'\n"


# ---------------------------------------------------------------- read commands


def test_search_prints_a_table_with_badges(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(capsys, "customers", "search", "bob", "--db", shop.url)
    assert code == 0, err
    assert "Bob" in out
    assert "76561198000000002" in out
    assert "BANNED" in out
    assert "Alice" not in out


def test_search_json_parses_and_carries_match_kind(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    code, out, _ = run(
        capsys, "customers", "search", "76561198000000001", "--json", "--db", shop.url
    )
    assert code == 0
    rows = json.loads(out)
    assert [row["id"] for row in rows] == [shop.alice]
    assert rows[0]["matched_by"] == "external id"
    assert rows[0]["active_subscriber"] is True
    assert rows[0]["net_spent"]["currency"] == "USD"


def test_search_nothing_found(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(capsys, "customers", "search", "zzzznobody", "--db", shop.url)
    assert (code, out) == (0, "")
    assert "no customers match 'zzzznobody'" in err
    code, out, err = run(capsys, "customers", "search", "zzzznobody", "--json", "--db", shop.url)
    assert (code, json.loads(out), err) == (0, [], "")
    link = "https://steamcommunity.com/id/gabelogannewell"
    code, out, err = run(capsys, "customers", "search", link, "--db", shop.url)
    assert (code, out) == (0, "")
    assert "paste the 7656119" in err


def test_search_limit_says_there_is_more(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(capsys, "customers", "search", "", "--limit", "1", "--db", shop.url)
    assert code == 0
    assert "raise --limit" in err
    code, out, _ = run(
        capsys, "customers", "search", "", "--limit", "2", "--json", "--db", shop.url
    )
    assert len(json.loads(out)) == 2


def test_show_prints_header_and_sections(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(capsys, "customers", "show", str(shop.alice), "--db", shop.url)
    assert code == 0, err
    for expected in (
        "Alice",
        "76561198000000001",
        "https://steamcommunity.com/profiles/76561198000000001",
        "Total spent (net): $19.99",
        "Total payments: 1",
        "Active subscriptions: 1",
        "Inventory",
        "VIP Rank",
        "Orders",
        "Subscriptions",
        "30 days",
        "DiscordID",
        "123456789012345678",
    ):
        assert expected in out


def test_show_banned_customer(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, _ = run(capsys, "customers", "show", str(shop.bob), "--db", shop.url)
    assert code == 0
    assert "BANNED permanently — chargeback fraud" in out


def test_show_json_is_one_object(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, _ = run(capsys, "customers", "show", str(shop.alice), "--json", "--db", shop.url)
    assert code == 0
    data = json.loads(out)
    assert data["customer"]["username"] == "Alice"
    assert data["profile_url"].endswith("76561198000000001")
    assert data["stats"]["total_spent_net"]["amount"] == 1999
    assert data["stats"]["active_subscriptions"] == 1
    assert [order["id"] for order in data["orders"]] == [shop.order]
    assert len(data["inventory"]) == 1
    assert len(data["subscriptions"]) == 1
    assert data["metadata"] == {"DiscordID": "123456789012345678"}


def test_unknown_customer_exits_2(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    for argv in (
        ["customers", "show", "999"],
        ["customers", "history", "999"],
        ["customers", "tokens", "999", "list"],
        ["customers", "metadata", "999", "get"],
    ):
        code, out, err = run(capsys, *argv, "--db", shop.url)
        assert code == 2, argv
        assert out == ""
        assert err.count("\n") == 1
        assert "Traceback" not in err


def test_markup_and_escape_sequences_print_literally(
    capsys: pytest.CaptureFixture[str], shop: Shop
) -> None:
    code, out, _ = run(capsys, "customers", "show", str(shop.markup), "--db", shop.url)
    assert code == 0
    assert "[bold red]x[/]" in out
    code, out, _ = run(capsys, "customers", "show", str(shop.eve), "--db", shop.url)
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Eve␛]0;PWNED␇␛[2J" in out
    code, out, _ = run(capsys, "customers", "search", "", "--db", shop.url)
    assert code == 0
    assert "\x1b" not in out
    assert "[bold red]x[/]" in out
    code, out, _ = run(capsys, "customers", "show", str(shop.eve), "--json", "--db", shop.url)
    assert "\x1b" not in out  # JSON escapes it as \u001b
    assert json.loads(out)["customer"]["username"] == "Eve\x1b]0;PWNED\x07\x1b[2J"


def test_history_newest_first(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    alice = str(shop.alice)
    assert run(capsys, "customers", "edit", alice, "--name", "Alicia", "--db", shop.url)[0] == 0
    assert run(capsys, "customers", "ban", alice, "--reason", "spam", "--db", shop.url)[0] == 0
    code, out, _ = run(capsys, "customers", "history", str(shop.alice), "--json", "--db", shop.url)
    assert code == 0
    entries = json.loads(out)
    assert [entry["action"] for entry in entries][:2] == ["customer.ban", "customer.edit"]
    code, out, _ = run(
        capsys, "customers", "history", str(shop.alice), "--admin", "carol", "--db", shop.url
    )
    assert code == 0
    assert "customer.edit" in out
    assert "Alice → Alicia" in out
    assert "spam" in out


def test_history_empty(capsys: pytest.CaptureFixture[str], shop: Shop) -> None:
    code, out, err = run(capsys, "customers", "history", str(shop.alice), "--db", shop.url)
    assert (code, out) == (0, "")
    assert "no audit entries" in err


def test_search_and_show_on_both_backends(
    capsys: pytest.CaptureFixture[str], store_url: str
) -> None:
    """--db accepts a PostgreSQL URL as well as SQLite."""
    shop = populate(store_url)
    code, out, _ = run(capsys, "customers", "search", "ali", "--json", "--db", store_url)
    assert code == 0
    assert [row["username"] for row in json.loads(out)] == ["Alice"]
    code, out, _ = run(capsys, "--db", store_url, "customers", "show", str(shop.alice))
    assert code == 0
    assert "Total spent (net): $19.99" in out


def test_console_script_happy_path(shop: Shop, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COLUMNS": "200",
        "STOREADMIN_HOME": str(tmp_path / "home"),
        "STOREADMIN_CONFIG": str(tmp_path / "config.toml"),
        "STOREADMIN_DB": shop.url,
    }
    done = subprocess.run(
        [str(STOREADMIN), "customers", "search", "", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 4
    shown = subprocess.run(
        [str(STOREADMIN), "customers", "show", str(shop.eve)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0
    assert b"\x1b" not in shown.stdout


def test_a_mistyped_store_path_is_refused_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    typo = tmp_path / "no-such-dir" / "store.sqlite3"
    code = main(["customers", "search", "foo", "--db", str(typo)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"no store at {typo}" in err
    assert not typo.parent.exists()
