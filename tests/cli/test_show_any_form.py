"""``customers show|history`` take any customer form the search takes when it names one
customer; ``db current --demo`` reports the demo store; a foreign URL scheme exits 2."""

from __future__ import annotations

import json
import sqlite3
from functools import partial

import pytest

from storeadmin.config import demo_database
from storeadmin.data import open_sql_store
from storeadmin.demo import build as demo_build
from support import factories
from support.cli import run

UUID = "069a79f4-44e9-4726-a5be-fca90e38aaf5"
STEAM = "76561198000000001"


@pytest.fixture
def shop(sqlite_url: str) -> dict[str, str]:
    """Customers of every platform form, two of one name; an order and a subscription."""
    service = open_sql_store(sqlite_url, actor="setup")
    try:
        engine = service.engine
        factories.store_settings(engine)
        server = factories.game_server(engine)
        product = factories.product(engine, server_ids=[server])
        ids = {
            "steam": factories.customer(engine, "Alice", external_id=STEAM),
            "mc": factories.customer(engine, "Müller", platform="minecraft", external_id=UUID),
            "sam1": factories.customer(engine, "Sam", external_id="76561198000000011"),
            "sam2": factories.customer(engine, "sam", external_id="76561198000000012"),
        }
        factories.metadata(engine, ids["steam"], DiscordID="123456789012345678", level="777")
        ids["order"] = str(factories.order(engine, ids["mc"], product, total=500))
        ids["sub"] = str(factories.subscription(engine, ids["mc"], product))
        # Order 1 is Müller's while customer 1 is Alice; the last order has no namesake.
        for _ in range(10):
            ids["far_order"] = str(factories.order(engine, ids["mc"], product))
    finally:
        service.close()
    ids["url"] = sqlite_url
    return ids


def _shown(capsys: pytest.CaptureFixture[str], shop: dict[str, str], form: str) -> str:
    code, out, err = run(capsys, "customers", "show", form, "--json", "--db", shop["url"])
    assert code == 0, (form, err)
    return str(json.loads(out)["customer"]["id"])


@pytest.mark.parametrize(
    ("form", "who"),
    [
        ("{steam}", "steam"),
        ("#{steam}", "steam"),
        (STEAM, "steam"),
        ("STEAM_0:1:19867136", "steam"),
        ("[U:1:39734273]", "steam"),
        (f"https://steamcommunity.com/profiles/{STEAM}", "steam"),
        ("123456789012345678", "steam"),
        ("<@!123456789012345678>", "steam"),
        (UUID.replace("-", "").upper(), "mc"),
        (f"https://namemc.com/profile/{UUID}", "mc"),
        ("order {order}", "mc"),
        ("sub {sub}", "mc"),
        ("alice", "steam"),
        ("Muller", "mc"),
    ],
)
def test_show_takes_any_form_that_names_one_customer(
    capsys: pytest.CaptureFixture[str], shop: dict[str, str], form: str, who: str
) -> None:
    assert _shown(capsys, shop, form.format(**shop)) == shop[who]


def test_history_takes_the_same_forms(
    capsys: pytest.CaptureFixture[str], shop: dict[str, str]
) -> None:
    code, out, err = run(capsys, "customers", "history", STEAM, "--json", "--db", shop["url"])
    assert code == 0, err
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ("Sam", "names 2 customers by that name"),
        ("nobody", "no customer 'nobody'"),
        ("Ali", "no customer 'Ali' (1 customer partly matches: see"),
        ("777", "no customer '777'"),  # a metadata value, not a customer form
    ],
)
def test_show_refuses_what_names_none_or_several(
    capsys: pytest.CaptureFixture[str], shop: dict[str, str], form: str, says: str
) -> None:
    code, out, err = run(capsys, "customers", "show", form, "--db", shop["url"])
    assert (code, out) == (2, "")
    assert says in err
    assert err.count("\n") == 1


def test_bare_digits_are_a_customer_id_never_an_order(
    capsys: pytest.CaptureFixture[str], shop: dict[str, str]
) -> None:
    """``show N`` is customer N, never the owner of order N (issue 12's #5000 hazard)."""
    assert shop["order"] == shop["steam"]
    assert _shown(capsys, shop, shop["order"]) == shop["steam"]
    code, out, err = run(capsys, "customers", "show", shop["far_order"], "--db", shop["url"])
    assert (code, out) == (2, "")
    assert f"say 'order {shop['far_order']}'" in err


def test_db_current_demo_builds_the_demo_store_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_build, "DEFAULT_DEMO_CUSTOMERS", 100)
    monkeypatch.setattr(
        demo_build, "build_demo_store", partial(demo_build.build_demo_store, whale_orders=20)
    )
    for _ in range(2):
        code, out, err = run(capsys, "db", "current", "--demo")
        assert code == 0, err
        assert "— current" in out
    with sqlite3.connect(demo_database()) as connection:
        assert connection.execute("SELECT count(*) FROM customers").fetchone() == (100,)
    code, out, err = run(capsys, "--demo", "customers", "search", "WhaleKing", "--json")
    assert code == 0, err
    assert [row["username"] for row in json.loads(out)] == ["WhaleKing"]


@pytest.mark.parametrize("url", ["ftp://host/store", "mysql://user@host/db", "http://x"])
def test_an_unsupported_url_scheme_exits_2(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err = run(capsys, "customers", "search", "a", "--db", url)
    assert (code, out) == (2, "")
    assert "not a store location" in err
