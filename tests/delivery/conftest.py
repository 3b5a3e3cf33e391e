"""Fixtures of the delivery tests: a store on each backend with a linked-ready game
server, its token, the delivery service, the admin mixin and an in-process client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert
from starlette.testclient import TestClient

from storeadmin.data.base import ServiceBase
from storeadmin.data.delivery import Delivery
from storeadmin.data.delivery_schema import ATTEMPTS, ITEMS
from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.data.engine import make_engine
from storeadmin.data.schema import CustomerRow, ProductCommandRow, ProductRow
from storeadmin.delivery.app import create_app
from storeadmin.delivery.limits import RateLimiter

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
STEAM = "76561198000000001"
UUID = "069a79f4-44e9-4726-a5be-fca90e38aaf5"


class Admin(Delivery, ServiceBase):
    """The admin mixin on its own (the lead composes it into SqlStoreService)."""


@dataclass
class Store:
    """One store with a game server and its token."""

    engine: Engine
    delivery: SqlDeliveryService
    admin: Admin
    server_id: str
    token: str

    def customer(
        self, name: str = "Alice", *, platform: str = "steam", external: str = STEAM
    ) -> int:
        """Insert a customer; returns its id."""
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    insert(CustomerRow.__table__)
                    .values(
                        username=name,
                        name_key=name.casefold(),
                        platform=platform,
                        external_id=external,
                        first_seen=T0,
                        version=1,
                    )
                    .returning(CustomerRow.__table__.c.id)
                ).scalar_one()
            )

    def product(self, *, expire_command: str | None = "remove {steam_id} vip") -> int:
        """Insert a product on the server with an on_expire command; returns its id."""
        with self.engine.begin() as connection:
            product_id = int(
                connection.execute(
                    insert(ProductRow.__table__)
                    .values(
                        name="VIP",
                        slug=f"vip-{datetime.now().timestamp()}",
                        type="one_time",
                        price=999,
                        duration_days=30,
                        server_ids=[int(self.server_id)],
                    )
                    .returning(ProductRow.__table__.c.id)
                ).scalar_one()
            )
            commands = [("on_purchase", "add {steam_id} vip")]
            if expire_command:
                commands.append(("on_expire", expire_command))
            for position, (stage, content) in enumerate(commands):
                connection.execute(
                    insert(ProductCommandRow.__table__).values(
                        product_id=product_id,
                        position=position,
                        stage=stage,
                        content=content,
                        online_only=False,
                        server_ids=[],
                    )
                )
        return product_id

    def item(self, customer_id: int, product_id: int, *, expires_at: datetime | None = None) -> int:
        """Insert an active item; returns its id."""
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    insert(ITEMS)
                    .values(
                        customer_id=customer_id,
                        product_id=product_id,
                        state="active",
                        source="manual",
                        granted_at=T0,
                        expires_at=expires_at,
                        server_ids=[int(self.server_id)],
                    )
                    .returning(ITEMS.c.id)
                ).scalar_one()
            )

    def attempt(
        self,
        item_id: int,
        command: str = "say hi",
        *,
        online_only: bool = False,
        server_id: str | None = None,
    ) -> str:
        """Insert a pending attempt; returns its id."""
        with self.engine.begin() as connection:
            return str(
                connection.execute(
                    insert(ATTEMPTS)
                    .values(
                        item_id=item_id,
                        server_id=int(server_id or self.server_id),
                        stage="on_purchase",
                        command=command,
                        online_only=online_only,
                        status="pending",
                        queued_at=datetime.now(UTC) - timedelta(seconds=1),
                    )
                    .returning(ATTEMPTS.c.id)
                ).scalar_one()
            )


def open_store(url: str) -> Store:
    """Delivery service + admin on ``url`` with one server and its token."""
    engine = make_engine(url)
    delivery = SqlDeliveryService(engine, actor="delivery")
    admin = Admin(engine, actor="alice")
    server = admin.add_game_server("Rust EU #1", game="rust")
    token = admin.issue_server_token(server.id).secret
    return Store(engine, delivery, admin, server.id, token)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A store on each backend (SQLite always, PostgreSQL when configured)."""
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.engine.dispose()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    """A SQLite store (for HTTP-level tests that need one backend)."""
    opened = open_store(sqlite_url)
    try:
        yield opened
    finally:
        opened.engine.dispose()


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[TestClient]:
    """An in-process client of the app, authenticated as the store's server."""
    app = create_app(
        sqlite_store.delivery, limiter=RateLimiter(rate=1000, burst=1000), sweep_interval=None
    )
    with TestClient(app, headers={"Authorization": f"Gameserver {sqlite_store.token}"}) as c:
        yield c
