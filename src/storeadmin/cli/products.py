"""``storeadmin products list``: the catalogue, for picking what to assign."""

from __future__ import annotations

import argparse
from typing import Any

from storeadmin.cli import render
from storeadmin.cli.common import EXIT_OK, print_json
from storeadmin.config import Settings


def register(subcommands: Any) -> None:
    """Add the ``products`` command group."""
    from storeadmin.cli import add_common_options
    from storeadmin.cli.customers import add_json, leaf

    group = subcommands.add_parser("products", help="the product catalogue")
    add_common_options(group)
    actions = group.add_subparsers(dest="products_command", metavar="ACTION", required=True)
    listing = leaf(actions, "list", "every product: price, term, servers, commands", _list)
    add_json(listing)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import store

    with store(settings) as service:
        products = service.list_products()
        servers = service.list_game_servers()
    if args.json:
        print_json(list(products))
    elif not products:
        render.note("the catalogue is empty")
    else:
        render.console().print(render.products_table(products, servers))
    return EXIT_OK
