"""``storeadmin serve [--host 127.0.0.1] [--port 8080]``: the game-server API.

Point the official PayNow plugins' base URL at it (through a TLS reverse proxy when
the game servers are elsewhere). Listens on loopback unless ``--host`` is given.
Needs a SQL store (SQLite file or PostgreSQL); several ``serve`` processes may share
one PostgreSQL.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from storeadmin.cli import render
from storeadmin.cli.common import EXIT_INVALID, EXIT_OK, fail
from storeadmin.config import Settings
from storeadmin.core.delivery import SYSTEM_ACTOR
from storeadmin.core.errors import Unsupported

if TYPE_CHECKING:
    from storeadmin.data.delivery_server import SqlDeliveryService

DEFAULT_PORT = 8080


def register(subcommands: Any) -> None:
    """Add the ``serve`` command."""
    from storeadmin.cli.customers import leaf

    parser = leaf(subcommands, "serve", "serve PayNow's game-server API to the plugins", _serve)
    parser.add_argument(
        "--host",
        default=None,
        help="address to listen on (default 127.0.0.1; anything else only when given here)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8080)")
    parser.add_argument(
        "--sweep-every",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="run the expiry sweep this often (default 60; 0 = never)",
    )


def open_delivery(settings: Settings) -> SqlDeliveryService:
    """The delivery service over the configured SQL store (Unsupported for others)."""
    from storeadmin import stores
    from storeadmin.data.base import ServiceBase
    from storeadmin.data.delivery_server import SqlDeliveryService

    location = stores.parse_location(settings.location)
    if location.backend is not stores.Backend.SQL:
        raise Unsupported(
            "serving game servers needs a SQL store (SQLite or PostgreSQL); "
            "a PayNow store delivers through PayNow itself"
        )
    stores.check_exists(location, created_on_first_use=settings.created_on_first_use)
    opened = stores.open_store(location, actor=SYSTEM_ACTOR)
    assert isinstance(opened, ServiceBase)
    return SqlDeliveryService(opened.engine, actor=SYSTEM_ACTOR)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.delivery.app import create_app
    from storeadmin.delivery.server import HostRefused, is_loopback, resolve_host, serve

    try:
        host = resolve_host(args.host, explicit=args.host is not None)
    except HostRefused as error:
        return fail(str(error), EXIT_INVALID)
    if not 0 < args.port < 65536:
        return fail("--port must be between 1 and 65535", EXIT_INVALID)
    delivery = open_delivery(settings)
    if not is_loopback(host):
        render.note(
            f"listening on {render.safe(host)} beyond loopback: put a TLS reverse proxy in front"
        )
    app = create_app(delivery, sweep_interval=args.sweep_every or None)
    try:
        serve(app, host=host, port=args.port)
    finally:
        delivery.close()
    return EXIT_OK
