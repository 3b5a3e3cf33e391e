"""The catalogue: products with their commands, and game servers — their row mappers
and the one loader of each.

Product and server IDs leave as strings (``server_ids`` tuples too); the loaders take
the integer keys ``data.ids`` parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storeadmin.core.errors import Invalid, NotFound
from storeadmin.core.models import (
    BillingInterval,
    CommandStage,
    GameServer,
    IntervalScale,
    Product,
    ProductCommand,
    ProductType,
)
from storeadmin.core.money import Money
from storeadmin.data.base import ServiceBase
from storeadmin.data.ids import out_ids, parse_int, shown
from storeadmin.data.schema import GameServerRow, ProductCommandRow, ProductRow

PRODUCTS = ProductRow.__table__
COMMANDS = ProductCommandRow.__table__
SERVERS = GameServerRow.__table__


# ------------------------------------------------------------------ rows


def server_from_row(row: Any) -> GameServer:
    """A GameServer from a ``game_servers`` row."""
    return GameServer(id=str(row.id), name=row.name, game=row.game)


def product_from_rows(row: Any, command_rows: Iterable[Any], currency: str) -> Product:
    """A Product from its ``products`` row and its ``product_commands`` rows (in order)."""
    interval = (
        BillingInterval(row.interval_value, IntervalScale(row.interval_scale))
        if row.interval_value and row.interval_scale
        else None
    )
    return Product(
        id=str(row.id),
        name=row.name,
        slug=row.slug,
        type=ProductType(row.type),
        price=Money(row.price, currency),
        interval=interval,
        duration_days=row.duration_days,
        server_ids=out_ids(row.server_ids),
        commands=tuple(
            ProductCommand(
                stage=CommandStage(c.stage),
                content=c.content,
                server_ids=out_ids(c.server_ids),
                online_only=bool(c.online_only),
            )
            for c in command_rows
        ),
    )


# ------------------------------------------------------------------ loaders


def load_products(
    session: Session, currency: str, product_id: int | None = None
) -> tuple[Product, ...]:
    """Every product by name (or the one with ``product_id``), with its commands in
    position order."""
    products = select(PRODUCTS).order_by(PRODUCTS.c.name, PRODUCTS.c.id)
    commands = select(COMMANDS).order_by(COMMANDS.c.product_id, COMMANDS.c.position, COMMANDS.c.id)
    if product_id is not None:
        products = products.where(PRODUCTS.c.id == product_id)
        commands = commands.where(COMMANDS.c.product_id == product_id)
    by_product: dict[int, list[Any]] = {}
    for command in session.execute(commands):
        by_product.setdefault(int(command.product_id), []).append(command)
    return tuple(
        product_from_rows(row, by_product.get(int(row.id), ()), currency)
        for row in session.execute(products)
    )


def load_product(session: Session, product_id: int, currency: str) -> Product:
    """One product with its commands, or NotFound."""
    found = load_products(session, currency, product_id)
    if not found:
        raise NotFound(f"no product with ID {product_id}")
    return found[0]


def server_keys(server_ids: Iterable[str | int]) -> list[int]:
    """The keys of servers an admin chose; one that cannot be a key is refused as a
    missing server is (``Invalid`` on ``servers``)."""
    values = list(server_ids)
    bad = [shown(value) for value in values if parse_int(value) is None]
    if bad:
        raise Invalid({"servers": f"no game server with ID {', '.join(bad)}"})
    return [int(str(value)) for value in values]


def load_servers(
    session: Session, server_ids: Sequence[int] | None, *, strict: bool = True
) -> tuple[GameServer, ...]:
    """The servers with these keys in the order given (None: every server, by name).

    ``strict`` refuses unknown keys — a choice the admin made — as
    ``Invalid({"servers": "no game server with ID …"})``, in a preview as in an assign;
    otherwise servers removed since are skipped, so an old item can still be revoked.
    """
    if server_ids is None:
        rows = session.execute(select(SERVERS).order_by(SERVERS.c.name, SERVERS.c.id))
        return tuple(server_from_row(row) for row in rows)
    wanted = list(dict.fromkeys(server_ids))
    matched = session.execute(select(SERVERS).where(SERVERS.c.id.in_(wanted))).all()
    found = {int(row.id): server_from_row(row) for row in matched}
    missing = [str(server_id) for server_id in wanted if server_id not in found]
    if missing and strict:
        raise Invalid({"servers": f"no game server with ID {', '.join(missing)}"})
    return tuple(found[server_id] for server_id in wanted if server_id in found)


# ------------------------------------------------------------------ service


class Catalog(ServiceBase):
    """The catalogue's reads: products and game servers."""

    def list_products(self) -> tuple[Product, ...]:
        """The catalogue, by name, each with its commands in position order."""
        with self.read() as session:
            return load_products(session, self.currency(session))

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server, by name."""
        with self.read() as session:
            return load_servers(session, None)
