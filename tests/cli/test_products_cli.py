"""``storeadmin products list``."""

from __future__ import annotations

import json

import pytest

from storeadmin.data import open_sql_store
from support import factories
from support.cli import run


@pytest.fixture
def catalogue(sqlite_url: str) -> str:
    """Three products on two servers, one with a markup-like name."""
    service = open_sql_store(sqlite_url, actor="setup")
    try:
        engine = service.engine
        factories.store_settings(engine, currency="EUR")
        eu = factories.game_server(engine, "Rust EU #1")
        us = factories.game_server(engine, "Rust US #2")
        factories.product(engine, "VIP Rank", price=999, server_ids=[eu, us])
        factories.product(
            engine,
            "Monthly VIP",
            type="subscription",
            price=499,
            interval=(1, "month"),
            server_ids=[eu],
            commands=[("on_purchase", "a {steam_id}"), ("on_renew", "b"), ("on_expire", "c")],
        )
        factories.product(
            engine, "[red]Kit[/]\x1b[2J", duration_days=None, commands=(), server_ids=[]
        )
    finally:
        service.close()
    return sqlite_url


def test_products_list_table(capsys: pytest.CaptureFixture[str], catalogue: str) -> None:
    code, out, err = run(capsys, "products", "list", "--db", catalogue)
    assert code == 0, err
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert "€9.99" in rows["VIP Rank"]
    assert "Rust EU #1, Rust US #2" in rows["VIP Rank"]
    assert "30 days" in rows["VIP Rank"]
    assert "on_purchase 1, on_expire 1" in rows["VIP Rank"]
    monthly = rows["Monthly VIP"]
    assert "subscription" in monthly
    assert "every 1 month" in monthly
    assert "on_purchase 1, on_expire 1, on_renew 1" in monthly
    kit = rows["[red]Kit[/]␛[2J"]  # literal, no markup, no ESC
    assert "permanent" in kit
    assert "none" in kit
    assert "\x1b" not in out


def test_products_list_json(capsys: pytest.CaptureFixture[str], catalogue: str) -> None:
    code, out, _ = run(capsys, "--db", catalogue, "products", "list", "--json")
    assert code == 0
    products = {product["slug"]: product for product in json.loads(out)}
    vip = products["vip-rank"]
    assert vip["price"] == {"amount": 999, "currency": "EUR", "formatted": "€9.99"}
    assert vip["type"] == "one_time"
    assert vip["duration_days"] == 30
    assert len(vip["server_ids"]) == 2
    assert [c["stage"] for c in vip["commands"]] == ["on_purchase", "on_expire"]
    assert products["monthly-vip"]["interval"] == {"value": 1, "scale": "month"}


def test_products_list_empty(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, err = run(capsys, "products", "list", "--db", sqlite_url)
    assert (code, out) == (0, "")
    assert "catalogue is empty" in err
    code, out, _ = run(capsys, "products", "list", "--json", "--db", sqlite_url)
    assert json.loads(out) == []
