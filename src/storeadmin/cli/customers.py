"""``storeadmin customers …``: find and inspect customers from scripts (writes: customer_actions).

Every command only calls the ``StoreService`` protocol; output is a Rich table for
humans or, with ``--json``, JSON on stdout. Errors are one line on stderr and an exit
code (see ``storeadmin.cli``).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from storeadmin.cli import render
from storeadmin.cli.common import EXIT_OK, open_store, print_json
from storeadmin.cli.jsonable import to_jsonable
from storeadmin.config import Settings
from storeadmin.core.errors import Invalid, NotFound
from storeadmin.core.identifiers import VANITY_LINK_SEARCH, is_vanity_steam_link, profile_url
from storeadmin.core.models import (
    CustomerSummary,
    GameServer,
    MatchKind,
    MetadataField,
    Platform,
    Product,
)
from storeadmin.core.search_text import canonical_query, search_key
from storeadmin.core.service import StoreService
from storeadmin.core.validation import parse_when

_DIGITS = re.compile(r"[0-9]{1,18}")
"""ASCII digits only: ``int()`` alone would accept ``'７'``, ``'1_0'`` and padding."""

_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
"""What any store's ID looks like on a command line (the store decides if it exists)."""

SHOW_PAGE = 20
"""Rows of each list ``customers show`` prints (the first page)."""

RESOLVE_PAGE = 20
"""Search rows read to tell which customer a ``show`` argument names."""

_SNOWFLAKE = re.compile(r"[0-9]{17,20}")
"""A metadata value that names a customer (a Discord ID), not a level or a count."""


# ---------------------------------------------------------------- shared helpers


def parse_id(text: str, what: str = "customer") -> str:
    """An ID as the store spells it (opaque: a SQL number, a hosted store's flake).

    Only its shape is checked here, so a typo fails with a clear line before any request.
    """
    value = text.strip()
    if not _ID.fullmatch(value):
        shown = render.safe(text, max_length=40)
        raise Invalid({what: "not an ID"}, f"{what} ID {shown!r} is not an ID")
    return value


def resolve_customer(service: StoreService, text: str) -> str:
    """The ID of the one customer ``text`` names, in any form the search takes: a
    customer ID (``5000``, ``#5000``), a SteamID / UUID / XUID in any form or a profile
    link, ``order 12`` / ``sub 3`` (their customer), a Discord ID or mention, or a whole
    name (case, accents and separators aside). Bare digits are a customer ID only.

    Raises ``NotFound`` when it names no customer, ``Invalid`` when it names several.
    """
    wanted = text.strip()
    if not wanted or len(wanted) > 200:
        raise Invalid({"customer": "empty or too long"}, "give a customer ID, platform ID or name")
    page = service.search_customers(wanted, limit=RESOLVE_PAGE)
    by_kind: dict[MatchKind, list[CustomerSummary]] = {}
    for row in page.items:
        by_kind.setdefault(row.matched_by, []).append(row)
    bare = wanted.isascii() and wanted.isdigit()
    kinds = [MatchKind.CUSTOMER_ID, MatchKind.EXTERNAL_ID]
    if not bare:
        kinds += [MatchKind.ORDER_ID, MatchKind.SUBSCRIPTION_ID]
    if _SNOWFLAKE.fullmatch(canonical_query(wanted)):
        kinds.append(MatchKind.METADATA)
    for kind in kinds:
        if kind in by_kind:
            return _one(by_kind[kind], text, f"{kind.value} {wanted}")
    key = search_key(wanted)
    named = [
        row for row in by_kind.get(MatchKind.NAME_PREFIX, []) if search_key(row.username) == key
    ]
    if named:
        return _one(named, text, "that name")
    shown = render.safe(text, max_length=60)
    hint = ""
    if bare and (MatchKind.ORDER_ID in by_kind or MatchKind.SUBSCRIPTION_ID in by_kind):
        hint = (
            f" (an order or subscription {wanted} exists: say 'order {wanted}' or 'sub {wanted}')"
        )
    elif page.items:
        count = f"{len(page.items)}{'+' if page.has_more else ''}"
        verb = "customer partly matches" if count == "1" else "customers partly match"
        hint = f" ({count} {verb}: see `storeadmin customers search`)"
    raise NotFound(f"no customer {shown!r}{hint}")


def _one(rows: list[CustomerSummary], text: str, what: str) -> str:
    """The one customer of ``rows``, or Invalid naming a few of them."""
    ids = list(dict.fromkeys(row.id for row in rows))
    if len(ids) == 1:
        return ids[0]
    few = ", ".join(f"#{row.id} {render.safe(row.username, max_length=30)}" for row in rows[:5])
    more = "…" if len(ids) > 5 else ""
    shown = render.safe(text, max_length=60)
    raise Invalid(
        {"customer": "names several customers"},
        f"{shown!r} names {len(ids)} customers by {render.safe(what, max_length=60)} "
        f"({few}{more}): give the customer ID",
    )


def parse_when_arg(text: str | None, option: str) -> datetime | None:
    """Parse a ``--until``/``--expires`` value ("7d", "2026-12-31", ISO) or raise Invalid."""
    if text is None:
        return None
    try:
        return parse_when(text, now=datetime.now(UTC))
    except ValueError as error:
        raise Invalid({option: str(error)}, f"{option}: {error}") from None


@contextmanager
def store(settings: Settings) -> Iterator[StoreService]:
    """The configured store, closed when the command is done."""
    service = open_store(settings)
    try:
        yield service
    finally:
        service.close()


def add_json(parser: argparse.ArgumentParser) -> None:
    """The ``--json`` switch of a data command."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_limit(parser: argparse.ArgumentParser, default: int) -> None:
    """The ``--limit N`` option."""
    parser.add_argument(
        "--limit",
        type=_positive,
        default=default,
        metavar="N",
        help=f"at most N rows (default {default})",
    )


def _positive(text: str) -> int:
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError("must be a number from 1 to 10000")
    return int(text)


def leaf(subparsers: Any, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    """A subcommand parser with the common options and its handler."""
    from storeadmin.cli import add_common_options

    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    add_common_options(parser)
    parser.set_defaults(handler=handler)
    return parser


def metadata_map(fields: Iterable[MetadataField]) -> dict[str, str]:
    """Metadata fields as an ordered {key: value} map for JSON."""
    return {field.key: field.value for field in fields}


def profile_link(platform: Platform, external_id: str) -> str | None:
    """The public profile URL, or None (an ID stored before validation may not parse)."""
    try:
        return profile_url(platform, external_id)
    except ValueError:
        return None


def find_product(products: tuple[Product, ...], text: str) -> Product:
    """A product by ID, slug or exact name (case-insensitive)."""
    wanted = text.strip().casefold()
    for product in products:
        if product.id.casefold() == wanted:
            return product
    for attribute in ("slug", "name"):
        matches = [p for p in products if getattr(p, attribute).casefold() == wanted]
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(p.id) for p in matches)
            raise Invalid({"product": "ambiguous"}, f"{len(matches)} products are named "
                          f"{render.safe(text)!r} (IDs {ids}): give the ID")  # fmt: skip
    raise NotFound(f"no product with ID, slug or name {render.safe(text)!r}")


def find_servers(servers: tuple[GameServer, ...], texts: list[str]) -> list[str]:
    """Game server IDs from IDs or names (case-insensitive)."""
    found: list[str] = []
    for text in texts:
        wanted = text.strip().casefold()
        match = [s for s in servers if s.id.casefold() == wanted] or [
            s for s in servers if s.name.casefold() == wanted
        ]
        if len(match) != 1:
            problem = "no" if not match else "more than one"
            raise NotFound(f"{problem} game server with ID or name {render.safe(text)!r}")
        if match[0].id not in found:
            found.append(match[0].id)
    return found


# ---------------------------------------------------------------- registration


def register(subcommands: Any) -> None:
    """Add the ``customers`` command group."""
    from storeadmin.cli import add_common_options, customer_actions, deliveries

    group = subcommands.add_parser(
        "customers",
        help="find, show and manage customers",
        description="Find, show and manage customers. Add --json to data commands for scripts.",
    )
    add_common_options(group)
    actions = group.add_subparsers(dest="customers_command", metavar="ACTION", required=True)

    search = leaf(
        actions, "search", "find customers by name, external ID, order/sub ID or metadata", _search
    )
    search.add_argument("query", metavar="QUERY", help="name, SteamID64, UUID, ID, Discord ID…")
    add_limit(search, 50)
    add_json(search)

    show = leaf(actions, "show", "a customer's header, inventory, orders, subs, metadata", _show)
    show.add_argument(
        "customer",
        metavar="CUSTOMER",
        help="customer ID, SteamID64, UUID, profile link, Discord ID, 'order N' or a whole name",
    )
    add_json(show)

    history = leaf(actions, "history", "the customer's audit entries, newest first", _history)
    history.add_argument(
        "customer", metavar="CUSTOMER", help="customer ID or any form `show` takes"
    )
    add_limit(history, 50)
    add_json(history)

    customer_actions.register(actions)
    deliveries.register_customer_commands(actions)


# ---------------------------------------------------------------- read commands


def _search(args: argparse.Namespace, settings: Settings) -> int:
    with store(settings) as service:
        page = service.search_customers(args.query, limit=args.limit)
    if args.json:
        print_json(list(page.items))
        return EXIT_OK
    if not page.items:
        vanity = is_vanity_steam_link(args.query)
        render.note(VANITY_LINK_SEARCH if vanity else f"no customers match {args.query!r}")
        return EXIT_OK
    render.console().print(render.search_table(page.items))
    if page.has_more:
        hint = " or raise --limit" if len(page.items) >= args.limit else ""
        render.note(f"showing the first {len(page.items)} matches: narrow the search{hint}")
    return EXIT_OK


def _show(args: argparse.Namespace, settings: Settings) -> int:
    with store(settings) as service:
        customer_id = resolve_customer(service, args.customer)
        details = service.get_customer(customer_id)
        inventory = service.list_inventory(customer_id, limit=SHOW_PAGE)
        orders = service.list_orders(customer_id, limit=SHOW_PAGE)
        subscriptions = service.list_subscriptions(customer_id, limit=SHOW_PAGE)
        metadata = service.get_metadata(customer_id)
        servers = {server.id: server.name for server in service.list_game_servers()}
    customer = details.customer
    profile = profile_link(customer.platform, customer.external_id)
    if args.json:
        print_json(
            {
                "customer": to_jsonable(customer),
                "profile_url": profile,
                "stats": to_jsonable(details.stats),
                "spend_by_month": to_jsonable(details.spend_by_month),
                "inventory": to_jsonable(inventory.items),
                "inventory_more": inventory.has_more,
                "orders": to_jsonable(orders.items),
                "orders_more": orders.has_more,
                "subscriptions": to_jsonable(subscriptions.items),
                "subscriptions_more": subscriptions.has_more,
                "metadata": metadata_map(metadata),
            }
        )
        return EXIT_OK
    out = render.console()
    for line in render.details_lines(details, profile):
        out.print(line)
    sections = (
        (inventory, render.inventory_table(inventory.items, servers), "no inventory items"),
        (orders, render.orders_table(orders.items), "no orders"),
        (subscriptions, render.subscriptions_table(subscriptions.items), "no subscriptions"),
    )
    for page, grid, empty in sections:
        out.print()
        out.print(grid if page.items else empty)
        if page.has_more:
            out.print(f"… first {len(page.items)} shown")
    out.print()
    out.print(render.metadata_table(metadata) if metadata else "no metadata")
    return EXIT_OK


def _history(args: argparse.Namespace, settings: Settings) -> int:
    with store(settings) as service:
        customer_id = resolve_customer(service, args.customer)
        page = service.list_audit(customer_id, limit=args.limit)
    if args.json:
        print_json(list(page.items))
        return EXIT_OK
    if not page.items:
        render.note(f"no audit entries for customer {customer_id}")
        return EXIT_OK
    render.console().print(render.audit_table(page.items))
    if page.has_more:
        render.note(f"showing the newest {len(page.items)}: raise --limit for more")
    return EXIT_OK
