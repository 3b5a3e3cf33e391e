"""``storeadmin customers edit|ban|unban|tokens|metadata|assign|revoke``: the write commands.

Input is parsed and checked before the store is opened, so a typo changes nothing.
Edits that replace a whole record pass the version they read as ``expected_version``:
when someone else saved in between, the service raises Conflict (exit 3).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from storeadmin.cli import render
from storeadmin.cli.common import EXIT_INVALID, EXIT_OK, fail, print_json
from storeadmin.cli.customers import (
    add_json,
    find_product,
    find_servers,
    leaf,
    metadata_map,
    parse_id,
    parse_when_arg,
    store,
)
from storeadmin.config import Settings
from storeadmin.core.commands import unresolved_in
from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.core.models import (
    CommandStage,
    Feature,
    InventoryItem,
    MetadataField,
    Platform,
    TokenState,
)
from storeadmin.core.service import StoreService

SECRET_NOTE = "This secret cannot be shown again: copy it now."


def register(actions: Any) -> None:
    """Add the write commands to the ``customers`` group."""
    edit = leaf(actions, "edit", "change a customer's name and/or platform ID", _edit)
    edit.add_argument("customer", metavar="ID", help="customer ID")
    edit.add_argument("--name", metavar="NAME", help="new username")
    edit.add_argument("--external-id", metavar="ID", help="new platform ID (any accepted form)")
    edit.add_argument(
        "--platform", choices=[p.value for p in Platform], help="platform of the external ID"
    )
    add_json(edit)

    ban = leaf(actions, "ban", "ban a customer (blocks purchases and manual grants)", _ban)
    ban.add_argument("customer", metavar="ID", help="customer ID")
    ban.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit)")
    ban.add_argument("--until", metavar="WHEN", help='end of the ban: "7d", "2026-12-31", ISO')
    add_json(ban)

    unban = leaf(actions, "unban", "lift the ban in force", _unban)
    unban.add_argument("customer", metavar="ID", help="customer ID")
    add_json(unban)

    _register_tokens(actions)
    _register_metadata(actions)

    assign = leaf(actions, "assign", "grant a product and queue its commands", _assign)
    assign.add_argument("customer", metavar="ID", help="customer ID")
    assign.add_argument("product", metavar="PRODUCT", help="product ID, slug or exact name")
    assign.add_argument("--expires", metavar="WHEN", help='"30d", "2026-12-31", ISO datetime')
    assign.add_argument(
        "--server",
        action="append",
        metavar="S",
        dest="servers",
        help="game server ID or name (repeatable; default: the product's servers)",
    )
    add_json(assign)

    revoke = leaf(actions, "revoke", "revoke an active item and queue its removal", _revoke)
    revoke.add_argument("customer", metavar="ID", help="customer ID")
    revoke.add_argument("item", metavar="ITEM", help="inventory item ID")
    revoke.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit)")
    add_json(revoke)


def _register_tokens(actions: Any) -> None:
    from storeadmin.cli import add_common_options

    tokens = actions.add_parser("tokens", help="list, create and revoke a customer's access tokens")
    add_common_options(tokens)
    tokens.add_argument("customer", metavar="ID", help="customer ID")
    ops = tokens.add_subparsers(dest="tokens_command", metavar="OP", required=True)
    listing = leaf(ops, "list", "the customer's tokens (never their secrets)", _tokens_list)
    add_json(listing)
    create = leaf(ops, "create", "create a token; its secret is shown once", _tokens_create)
    create.add_argument(
        "--label", default="cli", metavar="L", help='what it is for (default "cli")'
    )
    create.add_argument("--expires", metavar="WHEN", help='"30d", "2026-12-31", ISO datetime')
    add_json(create)
    revoke = leaf(ops, "revoke", "revoke one token", _tokens_revoke)
    revoke.add_argument("token", metavar="TOKEN_ID", help="token ID")
    add_json(revoke)
    revoke_all = leaf(ops, "revoke-all", "revoke every active token", _tokens_revoke_all)
    revoke_all.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_json(revoke_all)


def _register_metadata(actions: Any) -> None:
    from storeadmin.cli import add_common_options

    metadata = actions.add_parser("metadata", help="get, set or unset a customer's metadata")
    add_common_options(metadata)
    metadata.add_argument("customer", metavar="ID", help="customer ID")
    ops = metadata.add_subparsers(dest="metadata_command", metavar="OP", required=True)
    get = leaf(ops, "get", "all metadata, or one key's value", _metadata_get)
    get.add_argument("key", nargs="?", metavar="KEY")
    add_json(get)
    put = leaf(ops, "set", "set one key (others are kept)", _metadata_set)
    put.add_argument("key", metavar="KEY")
    put.add_argument("value", metavar="VALUE")
    add_json(put)
    unset = leaf(ops, "unset", "remove one key", _metadata_unset)
    unset.add_argument("key", metavar="KEY")
    add_json(unset)


# ---------------------------------------------------------------- customer record


def _print_customer(service: StoreService, customer_id: str, args: argparse.Namespace) -> None:
    """The customer as it is now (JSON object or labelled lines)."""
    customer = service.get_customer(customer_id).customer
    if args.json:
        print_json(customer)
        return
    out = render.console()
    for line in render.customer_lines(customer):
        out.print(line)


def _edit(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    if args.name is None and args.external_id is None and args.platform is None:
        raise Invalid({"edit": "nothing to change"}, "nothing to change: give --name, "
                      "--external-id and/or --platform")  # fmt: skip
    with store(settings) as service:
        current = service.get_customer(customer_id).customer
        updated = service.edit_customer(
            customer_id,
            expected_version=current.version,
            username=args.name,
            platform=Platform(args.platform) if args.platform else None,
            external_id=args.external_id,
        )
    if args.json:
        print_json(updated)
        return EXIT_OK
    out = render.console()
    for line in render.customer_lines(updated):
        out.print(line)
    return EXIT_OK


def _ban(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    until = parse_when_arg(args.until, "--until")
    with store(settings) as service:
        service.ban_customer(customer_id, reason=args.reason, until=until)
        _print_customer(service, customer_id, args)
    return EXIT_OK


def _unban(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    with store(settings) as service:
        service.unban_customer(customer_id)
        _print_customer(service, customer_id, args)
    return EXIT_OK


# ---------------------------------------------------------------- tokens


def _token_json(token: Any, now: datetime) -> dict[str, Any]:
    from storeadmin.cli.jsonable import to_jsonable

    data: dict[str, Any] = to_jsonable(token)
    data["state"] = token.state(now).value
    return data


def _tokens_list(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    with store(settings) as service:
        service.get_customer(customer_id)  # NotFound rather than an empty list
        tokens = service.list_tokens(customer_id)
    now = datetime.now(UTC)
    if args.json:
        print_json([_token_json(token, now) for token in tokens])
    elif not tokens:
        render.note(f"customer {customer_id} has no tokens")
    else:
        render.console().print(render.tokens_table(tokens, now))
    return EXIT_OK


def _tokens_create(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    expires = parse_when_arg(args.expires, "--expires")
    with store(settings) as service:
        created = service.create_token(customer_id, label=args.label, expires_at=expires)
    token = created.token
    if args.json:
        print_json(
            {
                "token": _token_json(token, datetime.now(UTC)),
                "secret": created.secret,
                "note": SECRET_NOTE,
            }
        )
        return EXIT_OK
    expiry = render.when(token.expires_at) or "never"
    print(f"token {token.id} created (label: {render.safe(token.label)}, expires: {expiry})")
    print(f"secret: {created.secret}")
    print(SECRET_NOTE)
    return EXIT_OK


def _tokens_revoke(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    token_id = parse_id(args.token, "token")
    with store(settings) as service:
        token = service.revoke_token(customer_id, token_id)
    if args.json:
        print_json(_token_json(token, datetime.now(UTC)))
    else:
        print(f"token {token.id} ({render.safe(token.label)}) revoked")
    return EXIT_OK


def _tokens_revoke_all(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    if not args.yes and not sys.stdin.isatty():
        return fail("revoke-all needs --yes when there is no terminal to confirm on", EXIT_INVALID)
    with store(settings) as service:
        username = service.get_customer(customer_id).customer.username
        how_many = "all"
        if Feature.LIST_TOKENS in service.store_info().features:
            now = datetime.now(UTC)
            tokens = service.list_tokens(customer_id)
            active = [t for t in tokens if t.state(now) is TokenState.ACTIVE]
            if not active:
                raise AlreadyDone(f"customer {customer_id} has no active tokens")
            how_many = f"all {len(active)} active"
        if not args.yes and not _confirm(
            f"Revoke {how_many} token(s) of {render.safe(username)} "
            f"(customer {customer_id})? [y/N] "
        ):
            render.note("cancelled: nothing changed")
            return EXIT_OK
        count = service.revoke_all_tokens(customer_id)
    if args.json:
        print_json({"customer_id": customer_id, "revoked": count})
    else:
        print(f"revoked {count} token(s) of customer {customer_id}")
    return EXIT_OK


def _confirm(question: str) -> bool:
    """Ask on the terminal; only an explicit yes counts."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


# ---------------------------------------------------------------- metadata


def _metadata_get(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    with store(settings) as service:
        service.get_customer(customer_id)  # NotFound rather than an empty map
        fields = service.get_metadata(customer_id)
    if args.key is not None:
        values = metadata_map(fields)
        if args.key not in values:
            raise NotFound(f"customer {customer_id} has no metadata key {render.safe(args.key)!r}")
        if args.json:
            print_json({"key": args.key, "value": values[args.key]})
        else:
            render.console().print(render.safe(values[args.key], max_length=None))
        return EXIT_OK
    _print_metadata(fields, args)
    return EXIT_OK


def _print_metadata(fields: Any, args: argparse.Namespace) -> None:
    if args.json:
        print_json(metadata_map(fields))
    elif not fields:
        render.note("no metadata")
    else:
        render.console().print(render.metadata_table(fields))


def _metadata_set(args: argparse.Namespace, settings: Settings) -> int:
    return _change_metadata(args, settings, args.value)


def _metadata_unset(args: argparse.Namespace, settings: Settings) -> int:
    return _change_metadata(args, settings, None)


def _change_metadata(args: argparse.Namespace, settings: Settings, value: str | None) -> int:
    """Read the map and its version, change one key, save the whole map guarded by the version."""
    customer_id = parse_id(args.customer)
    key = args.key
    if not key.strip():
        # The service names a refused row by its key; an empty key has none ("row 1").
        raise Invalid({"key": "empty"}, "the metadata key is empty: give a key")
    with store(settings) as service:
        version = service.get_customer(customer_id).customer.version
        current = metadata_map(service.get_metadata(customer_id))
        if value is None and key not in current:
            raise AlreadyDone(f"customer {customer_id} has no metadata key {render.safe(key)!r}")
        if value is not None and current.get(key) == value:
            raise AlreadyDone(f"{render.safe(key)} already has that value")
        if value is None:
            del current[key]
        else:
            current[key] = value
        fields = service.replace_metadata(
            customer_id,
            [MetadataField(k, v) for k, v in current.items()],
            expected_version=version,
        )
    _print_metadata(fields, args)
    return EXIT_OK


# ---------------------------------------------------------------- entitlements


def _assign(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    expires = parse_when_arg(args.expires, "--expires")
    with store(settings) as service:
        service.get_customer(customer_id)  # an unknown customer first: the ID is the likelier typo
        product = find_product(service.list_products(), args.product)
        server_ids = (
            find_servers(service.list_game_servers(), args.servers) if args.servers else None
        )
        item = service.assign_product(
            customer_id, product.id, server_ids=server_ids, expires_at=expires
        )
        attempts = service.list_command_attempts(item.id)
    _print_item(item, attempts, args, "Queued commands")
    return EXIT_OK


def _print_item(item: InventoryItem, attempts: Any, args: argparse.Namespace, title: str) -> None:
    _warn_unresolved(attempts)
    if args.json:
        print_json({"item": item, "commands": list(attempts)})
        return
    out = render.console()
    out.print(render.item_line(item))
    if attempts:
        out.print(render.commands_table(attempts, title=title))
    else:
        out.print("no commands queued")


def _warn_unresolved(attempts: Any) -> None:
    """Say on stderr which queued commands carry a placeholder this customer had no value for."""
    err = render.err_console()
    for attempt in attempts:
        for name in unresolved_in(attempt.command):
            err.print(
                f"warning: {{{name}}} has no value for this customer: sent as written "
                f"to {render.safe(attempt.server_name)} (command {attempt.id})"
            )


def _find_item(service: StoreService, customer_id: str, item_id: str) -> InventoryItem:
    """The customer's item ``item_id`` (NotFound when it is someone else's or missing)."""
    service.get_customer(customer_id)
    try:
        item = service.get_item(item_id)
    except NotFound:
        item = None
    if item is None or item.customer_id != customer_id:
        raise NotFound(f"customer {customer_id} has no inventory item {item_id}")
    return item


def _revoke(args: argparse.Namespace, settings: Settings) -> int:
    customer_id = parse_id(args.customer)
    item_id = parse_id(args.item, "item")
    with store(settings) as service:
        _find_item(service, customer_id, item_id)
        item = service.revoke_item(item_id, reason=args.reason)
        attempts = [
            attempt
            for attempt in service.list_command_attempts(item.id)
            if attempt.stage is CommandStage.ON_EXPIRE
        ]
    _print_item(item, attempts, args, "Queued removal commands")
    return EXIT_OK
