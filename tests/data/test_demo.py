"""The demo store generator: deterministic, realistic, valid, and schema-preserving."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from storeadmin.core.commands import preview_commands
from storeadmin.core.errors import Invalid, Unavailable
from storeadmin.core.identifiers import canonical_external_id, parse_discord_id
from storeadmin.core.models import ItemState, OrderStatus, Platform, SubscriptionStatus
from storeadmin.data import open_sql_store
from storeadmin.data.engine import make_engine
from storeadmin.demo import DEMO_ANCHOR, build_demo_store, ensure_demo_store
from storeadmin.demo import build as demo
from support import factories

SMALL = {"customers": 300, "whale_orders": 400}


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on the (migrated, empty) store."""
    eng = make_engine(store_url)
    try:
        yield eng
    finally:
        eng.dispose()


def schema_objects(engine: Engine) -> list[tuple[Any, ...]]:
    """Every index, trigger and constraint with its definition."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE type IN ('index', 'trigger', 'table') AND name NOT LIKE 'sqlite_stat%' "
                    "ORDER BY type, name"
                )
            )
        else:
            rows = connection.execute(
                text(
                    "SELECT 'index', indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() "
                    "UNION ALL SELECT 'trigger', tgname, tgrelid::regclass::text FROM pg_trigger "
                    "WHERE NOT tgisinternal "
                    "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                    "ORDER BY 1, 2"
                )
            )
        return [tuple(row) for row in rows]


def scalars(engine: Engine, sql: str) -> set[Any]:
    with engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


def test_build_has_every_status_and_keeps_the_schema(store_url: str, engine: Engine) -> None:
    before = schema_objects(engine)
    progress: list[tuple[str, int, int]] = []
    summary = build_demo_store(store_url, progress=lambda *p: progress.append(p), **SMALL)
    engine.dispose()  # a SQLite target is replaced by a new file: reconnect
    assert schema_objects(engine) == before

    assert summary.customers == 300
    assert {step for step, _done, _total in progress} >= {"schema", "customers", "indexes"}
    assert ("customers", 300, 300) in progress
    assert scalars(engine, "SELECT status FROM orders") == set(OrderStatus)
    assert scalars(engine, "SELECT status FROM subscriptions") == set(SubscriptionStatus)
    assert scalars(engine, "SELECT status FROM command_attempts") == {
        "pending",
        "executed",
        "failed",
    }
    assert scalars(engine, "SELECT source FROM inventory_items") == {"order", "manual"}
    with engine.connect() as connection:
        counts = dict(
            connection.execute(
                text(
                    "SELECT customer_id, count(*) FROM orders WHERE customer_id IN (42, 43) GROUP BY 1"
                )
            ).all()
        )
        assert connection.execute(
            text("SELECT username FROM customers WHERE id = 42")
        ).scalar() == ("WhaleKing")
        assert connection.execute(text("SELECT count(*) FROM orders")).scalar() == summary.orders
        refunded = connection.execute(
            text("SELECT count(*) FROM orders WHERE status = 'refunded' AND refunded <> total")
        ).scalar()
        failed_without_error = connection.execute(
            text("SELECT count(*) FROM command_attempts WHERE status = 'failed' AND error IS NULL")
        ).scalar()
        unfilled = connection.execute(
            text("SELECT count(*) FROM command_attempts WHERE command LIKE '%{%'")
        ).scalar()
    assert counts == {42: 400, 43: 5}
    assert refunded == 0
    assert failed_without_error == 0
    assert unfilled == 0

    # Through the service: rows map to dataclasses, expired items read as expired,
    # bans whose end has passed are not in force.
    service = open_sql_store(store_url, actor="alice", clock=lambda: DEMO_ANCHOR)
    try:
        assert service.get_customer(42).customer.username == "WhaleKing"
        states: set[ItemState] = set()
        banned_now = banned_past = 0
        for cid in range(1, 301):
            states |= {item.state for item in service.list_inventory(cid, limit=50).items}
        with engine.connect() as connection:
            banned = connection.execute(
                text("SELECT id FROM customers WHERE ban_reason IS NOT NULL")
            ).scalars()
            for cid in banned:
                if service.get_customer(cid).customer.is_banned:
                    banned_now += 1
                else:
                    banned_past += 1
        assert states == set(ItemState)
        assert banned_now >= 2
        assert banned_past >= 1
    finally:
        service.close()

    # Later writes get fresh ids (PostgreSQL sequences moved past the loaded ids).
    assert factories.customer(engine, "Newcomer", external_id="76561197960265729") == "301"


def test_rebuild_only_with_force_and_only_a_demo_store(store_url: str, engine: Engine) -> None:
    build_demo_store(store_url, **SMALL)
    with pytest.raises(Invalid, match="--force"):
        build_demo_store(store_url, **SMALL)
    summary = build_demo_store(store_url, seed=2, force=True, customers=150, whale_orders=50)
    engine.dispose()
    assert scalars(engine, "SELECT count(*) FROM customers") == {150}
    assert summary.customers == 150


def test_never_overwrites_a_real_store(store_url: str, engine: Engine) -> None:
    factories.game_server(engine)
    with pytest.raises(Invalid, match="real store"):
        build_demo_store(store_url, force=True, **SMALL)
    assert scalars(engine, "SELECT count(*) FROM customers") == {0}


def _dump(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_same_seed_same_rows_other_seed_differs(tmp_path: Path) -> None:
    paths = [tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "c.sqlite3"]
    for path, seed in zip(paths, (7, 7, 8), strict=True):
        build_demo_store(str(path), seed=seed, customers=200, whale_orders=100)
    for sql in (
        "SELECT * FROM customers ORDER BY id",
        "SELECT * FROM orders ORDER BY id",
        "SELECT * FROM command_attempts ORDER BY id",
        "SELECT * FROM customer_metadata ORDER BY customer_id, key",
    ):
        assert _dump(paths[0], sql) == _dump(paths[1], sql)
        assert _dump(paths[0], sql) != _dump(paths[2], sql)


def test_identifiers_valid_and_unique_fts_works(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    build_demo_store(str(path), customers=400, whale_orders=50)
    customers = _dump(path, "SELECT platform, external_id, username FROM customers")
    for platform, external_id, _name in customers:
        assert canonical_external_id(Platform(platform), external_id) == external_id
    assert len({(p, e) for p, e, _ in customers}) == len(customers)
    platforms = {p for p, _e, _n in customers}
    assert platforms == {"steam", "minecraft", "xbox"}
    names = {n for _p, _e, n in customers}
    assert "[bold]Hacker[/]" in names
    assert any("\x1b" in n for n in names)
    for (value,) in _dump(path, "SELECT value FROM customer_metadata WHERE key = 'DiscordID'"):
        assert parse_discord_id(value, now=DEMO_ANCHOR) == value
    assert _dump(path, "PRAGMA foreign_key_check") == []
    assert _dump(path, "PRAGMA integrity_check") == [("ok",)]

    fts = "SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?"
    with sqlite3.connect(path) as connection:
        assert (42,) in connection.execute(fts, ['"halek"']).fetchall()
        # The sync triggers are back: a new customer is searchable at once.
        connection.execute(
            "INSERT INTO customers (username, name_key, search_key, platform, external_id, "
            "first_seen, version) VALUES ('Zqxjkv', 'zqxjkv', 'zqxjkv', 'other', 'x-1', "
            "'2026-01-01 00:00:00.000000', 1)"
        )
        assert connection.execute(fts, ['"qxjk"']).fetchall() == [(401,)]


def test_ensure_demo_store_builds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "DEFAULT_DEMO_CUSTOMERS", 120)
    calls: list[str] = []
    real = demo.build_demo_store

    def spy(url: str, **kwargs: Any) -> Any:
        calls.append(url)
        return real(url, **{**kwargs, "whale_orders": 30})

    monkeypatch.setattr(demo, "build_demo_store", spy)
    path = tmp_path / "sub" / "demo.sqlite3"
    ensure_demo_store(str(path))
    ensure_demo_store(str(path))
    assert len(calls) == 1
    assert _dump(path, "SELECT count(*) FROM customers") == [(120,)]
    assert not list(path.parent.glob("*.building-*"))


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Unavailable, match="demo build"):
        build_demo_store(str(path), customers=100, whale_orders=10)
    assert path.read_bytes().startswith(b"this is not")


def test_attempt_commands_are_what_the_core_renders(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    build_demo_store(str(path), customers=100, whale_orders=20)
    service = open_sql_store(str(path), actor="alice", clock=lambda: DEMO_ANCHOR)
    try:
        products = {p.id: p for p in service.list_products()}
        servers = service.list_game_servers()
        checked = 0
        for cid in range(1, 101):
            customer = service.get_customer(cid).customer
            metadata = {f.key: f.value for f in service.get_metadata(cid)}
            for item in service.list_inventory(cid, limit=100).items:
                product = products[item.product_id]
                for attempt in service.list_command_attempts(item.id):
                    previews = preview_commands(
                        customer, product, attempt.stage, servers, metadata=metadata
                    )
                    assert attempt.command in {p.command for p in previews}
                    assert all(not p.unresolved for p in previews)
                    checked += 1
        assert checked > 100
    finally:
        service.close()
