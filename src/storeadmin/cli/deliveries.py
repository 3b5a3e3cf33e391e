"""``storeadmin deliveries sweep | stuck | resend ATTEMPT | cancel ATTEMPT`` and
``storeadmin customers commands ID [ITEM]`` (registered into the customers group).

``sweep`` queues the ``on_expire`` commands of items whose end has passed, once per
item however often it runs (for cron; ``serve`` also runs it periodically).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from storeadmin.cli import render
from storeadmin.cli.common import EXIT_OK, print_json
from storeadmin.config import Settings
from storeadmin.core.errors import Invalid
from storeadmin.core.models import CommandAttempt

DEFAULT_WAITING = "10m"
DEFAULT_UNSEEN = "24h"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, option: str) -> timedelta:
    """``90s``, ``10m``, ``2h``, ``7d`` → timedelta, or Invalid."""
    value = text.strip().lower()
    number, unit = value[:-1], value[-1:]
    if unit not in _UNITS or not number.isascii() or not number.isdigit() or len(number) > 6:
        raise Invalid({option: "a duration such as 90s, 10m, 2h or 7d"})
    return timedelta(seconds=int(number) * _UNITS[unit])


def register(subcommands: Any) -> None:
    """Add the ``deliveries`` command group."""
    from storeadmin.cli import add_common_options
    from storeadmin.cli.customers import add_json, leaf

    group = subcommands.add_parser("deliveries", help="command delivery to game servers")
    add_common_options(group)
    actions = group.add_subparsers(dest="deliveries_command", metavar="ACTION", required=True)
    sweep = leaf(actions, "sweep", "queue the removal commands of expired items (once)", _sweep)
    add_json(sweep)
    stuck = leaf(
        actions, "stuck", "attempts waiting too long, unseen players, silent servers", _stuck
    )
    stuck.add_argument("--waiting", default=DEFAULT_WAITING, help="waiting longer than (10m)")
    stuck.add_argument("--unseen", default=DEFAULT_UNSEEN, help="player not seen for (24h)")
    add_json(stuck)
    resend = leaf(actions, "resend", "queue a command again (a rerun)", _resend)
    resend.add_argument("attempt", metavar="ATTEMPT")
    resend.add_argument("--server", metavar="SERVER", help="send it to another game server")
    add_json(resend)
    rule = leaf(actions, "rule", "show or set when an unacknowledged attempt is failed", _rule)
    rule.add_argument("--max-deliveries", type=int, metavar="N", help="failed after N hand-outs")
    rule.add_argument("--ack-timeout", metavar="DURATION", help="failed this long after the first")
    add_json(rule)
    cancel = leaf(actions, "cancel", "unqueue an attempt no server has acknowledged", _cancel)
    cancel.add_argument("attempt", metavar="ATTEMPT")
    add_json(cancel)


def register_customer_commands(actions: Any) -> None:
    """Add ``customers commands ID [ITEM]`` to the customers group's subparsers."""
    from storeadmin.cli.customers import add_json, leaf

    listing = leaf(actions, "commands", "a customer's command attempts and their status", _list)
    listing.add_argument("id", metavar="ID")
    listing.add_argument("item", metavar="ITEM", nargs="?", help="only this item's commands")
    add_json(listing)


def attempts_table(attempts: Sequence[CommandAttempt], title: str = "Commands") -> Any:
    """Attempts with their delivery facts."""
    grid = render.table(
        "ID", "Item", "Server", "Stage", "Command", "Status", "Sent", "Queued", "Executed",
        title=title,
    )  # fmt: skip
    for attempt in attempts:
        status = attempt.status.value + (" (rerun)" if attempt.rerun else "")
        executed = render.when(attempt.executed_at)
        if attempt.executed_by_ip:
            executed += f" by {attempt.executed_by_ip}"
        grid.add_row(
            render.cell(attempt.id),
            render.cell(attempt.item_id),
            render.cell(attempt.server_name),
            render.cell(attempt.stage.value),
            render.cell(attempt.command),
            render.cell(status),
            render.cell(f"{attempt.delivered_count}×"),
            render.cell(render.when(attempt.queued_at)),
            render.cell(executed),
        )
    return grid


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import parse_id, store

    customer = parse_id(args.id)
    item = parse_id(args.item, "item") if args.item else None
    with store(settings) as service:
        attempts = service.list_customer_commands(customer, item_id=item)
    if args.json:
        print_json(list(attempts))
    elif not attempts:
        render.note("no command attempts")
    else:
        render.console().print(attempts_table(attempts))
    return EXIT_OK


def _sweep(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.serve import open_delivery

    delivery = open_delivery(settings)
    try:
        result = delivery.sweep_expired()
    finally:
        delivery.close()
    if args.json:
        print_json(result)
    else:
        render.note(f"{result.items} expired items, {result.commands} removal commands queued")
    return EXIT_OK


def _stuck(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import store

    waiting = parse_duration(args.waiting, "--waiting")
    unseen = parse_duration(args.unseen, "--unseen")
    with store(settings) as service:
        stuck = service.list_stuck_deliveries(waiting_longer_than=waiting, player_unseen_for=unseen)
    if args.json:
        print_json(stuck)
        return EXIT_OK
    if not (stuck.waiting or stuck.player_unseen or stuck.silent_servers):
        render.note("nothing is stuck")
        return EXIT_OK
    out = render.console()
    if stuck.waiting:
        out.print(attempts_table(stuck.waiting, f"Waiting longer than {args.waiting}"))
    if stuck.player_unseen:
        out.print(attempts_table(stuck.player_unseen, f"Online-only, player unseen {args.unseen}"))
    if stuck.silent_servers:
        from storeadmin.cli.servers import servers_table

        out.print(servers_table(stuck.silent_servers, datetime.now(UTC)))
    return EXIT_OK


def _resend(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import parse_id, store

    server = parse_id(args.server, "game server") if args.server else None
    with store(settings) as service:
        attempt = service.resend_command(
            parse_id(args.attempt, "command attempt"), server_id=server
        )
    if args.json:
        print_json(attempt)
    else:
        render.note(f"queued again as attempt {attempt.id} on {render.safe(attempt.server_name)}")
    return EXIT_OK


def _cancel(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import parse_id, store

    with store(settings) as service:
        attempt = service.cancel_command(parse_id(args.attempt, "command attempt"))
    if args.json:
        print_json(attempt)
    else:
        render.note(f"canceled attempt {attempt.id}: no game server will be handed it")
    return EXIT_OK


def _rule(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.cli.customers import store
    from storeadmin.core.delivery import FailureRule
    from storeadmin.core.errors import Unsupported

    with store(settings) as service:
        current = getattr(service, "failure_rule", None)
        if not isinstance(current, FailureRule):
            raise Unsupported("this store has no configurable failure rule")
        if args.max_deliveries is not None or args.ack_timeout is not None:
            if args.max_deliveries is not None and not 0 < args.max_deliveries < 10_000:
                raise Invalid({"--max-deliveries": "between 1 and 9999"})
            timeout = (
                parse_duration(args.ack_timeout, "--ack-timeout")
                if args.ack_timeout is not None
                else current.ack_timeout
            )
            if timeout <= timedelta(0):
                raise Invalid({"--ack-timeout": "must be positive"})
            current = service.set_failure_rule(  # type: ignore[attr-defined]  # not in StoreService: only stores with a failure_rule (checked above) have it
                FailureRule(
                    max_deliveries=args.max_deliveries or current.max_deliveries,
                    ack_timeout=timeout,
                )
            )
    if args.json:
        print_json(
            {
                "max_deliveries": current.max_deliveries,
                "ack_timeout_seconds": int(current.ack_timeout.total_seconds()),
            }
        )
    else:
        minutes = current.ack_timeout.total_seconds() / 60
        render.note(
            f"an unacknowledged attempt is failed after {current.max_deliveries} hand-outs "
            f"or {minutes:g} minutes after the first"
        )
    return EXIT_OK
