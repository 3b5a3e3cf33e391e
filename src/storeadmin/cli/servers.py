"""``storeadmin servers list | add NAME --game G | token SERVER | disable SERVER``.

A token is printed once, alone on stdout (``TOKEN=$(storeadmin servers token 3)``),
and only its hash is stored; it is never part of ``--json`` output, an error or a log.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from storeadmin.cli import render
from storeadmin.cli.common import EXIT_OK, print_json
from storeadmin.config import Settings
from storeadmin.core.models import GameServer

GAMES = ("rust", "minecraft", "fivem", "redm", "gmod", "other")


def register(subcommands: Any) -> None:
    """Add the ``servers`` command group."""
    from storeadmin.cli import add_common_options
    from storeadmin.cli.customers import add_json, leaf

    group = subcommands.add_parser("servers", help="game servers that run the store's commands")
    add_common_options(group)
    actions = group.add_subparsers(dest="servers_command", metavar="ACTION", required=True)
    listing = leaf(actions, "list", "every game server: link, last poll, queue", _list)
    add_json(listing)
    add = leaf(actions, "add", "add a game server (then give it a token)", _add)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--game", required=True, choices=GAMES, help="the server's game")
    add_json(add)
    token = leaf(
        actions, "token", "issue a new token (shown once; the old one stops working)", _token
    )
    token.add_argument("server", metavar="SERVER")
    disable = leaf(actions, "disable", "refuse the server's requests from now on", _disable)
    disable.add_argument("server", metavar="SERVER")
    add_json(disable)


def servers_table(servers: Sequence[GameServer], now: datetime) -> Any:
    """The game servers, with what they last told us and their queue."""
    grid = render.table("ID", "Name", "Game", "State", "Linked as", "Last poll", "Queue", "Oldest")
    for server in servers:
        linked = " ".join(
            part
            for part in (server.linked_hostname, server.linked_platform, server.linked_version)
            if part
        )
        oldest = server.oldest_pending_at
        grid.add_row(
            render.cell(server.id),
            render.cell(server.name),
            render.cell(server.game),
            render.cell("enabled" if server.enabled else "DISABLED"),
            render.cell(f"{linked} ({server.linked_ip})" if server.linked_ip else linked or "—"),
            render.cell(render.when(server.last_poll_at) if server.last_poll_at else "never"),
            render.cell(str(server.pending)),
            render.cell(_age(now - oldest) if oldest else "—"),
        )
    return grid


def _age(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import store

    with store(settings) as service:
        servers = service.list_game_servers()
    if args.json:
        print_json(list(servers))
    elif not servers:
        render.note("no game servers yet: storeadmin servers add NAME --game G")
    else:
        render.console().print(servers_table(servers, datetime.now(UTC)))
    return EXIT_OK


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import store

    with store(settings) as service:
        server = service.add_game_server(args.name, game=args.game)
    if args.json:
        print_json(server)
    else:
        render.note(
            f"added game server {server.id} ({render.safe(server.name)}); "
            f"give it a token: storeadmin servers token {server.id}"
        )
    return EXIT_OK


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import parse_id, store

    with store(settings) as service:
        created = service.issue_server_token(parse_id(args.server, "game server"))
    render.note(
        f"new token for {render.safe(created.server.name)} — shown once; set it in the "
        "plugin's config (e.g. `set paynow.token …`); the previous token no longer works"
    )
    sys.stdout.write(created.secret + "\n")
    sys.stdout.flush()
    return EXIT_OK


def _disable(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import parse_id, store

    with store(settings) as service:
        server = service.disable_game_server(parse_id(args.server, "game server"))
    if args.json:
        print_json(server)
    else:
        render.note(f"disabled {render.safe(server.name)}: its requests are refused from now on")
    return EXIT_OK
