"""The ``storeadmin`` command: the TUI by default, headless subcommands for scripts.

Exit codes: 0 ok (also "already done"), 2 invalid input or unknown ID,
3 conflict (someone else changed it), 4 store unavailable, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from storeadmin import __version__
from storeadmin.cli import customers, db, deliveries, demo, products, serve, servers, sync
from storeadmin.cli.common import fail, run_handler
from storeadmin.config import ConfigError, Settings, resolve_admin, resolve_location


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="storeadmin",
        description=(
            "Find a game-store customer in a keystroke and manage everything about them. "
            "Without a subcommand, opens the terminal UI."
        ),
        epilog=(
            "Store: --store/--db LOCATION, else $STOREADMIN_STORE or $STOREADMIN_DB, else "
            "`store` in the config file, else an embedded SQLite store. A location is a "
            "SQLite file, postgresql://user@host/db (keep the password in ~/.pgpass) or "
            "paynow://STORE_ID (API key in $PAYNOW_API_KEY). Exit codes: 0 ok, "
            "2 invalid input, 3 conflict, 4 store unavailable."
        ),
    )
    parser.add_argument("--version", action="version", version=f"storeadmin {__version__}")
    add_common_options(parser)
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (customers, products, servers, deliveries, serve, sync, demo, db):
        module.register(subcommands)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """--store / --db / --demo / --admin, accepted before or after a subcommand."""
    parser.add_argument(
        "--store",
        "--db",
        dest="store",
        metavar="LOCATION",
        default=argparse.SUPPRESS,
        help="SQLite file, sqlite:///PATH, postgresql://… or paynow://STORE_ID "
        "(default: $STOREADMIN_STORE, $STOREADMIN_DB or the embedded store)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the separate demo store (created on first use)",
    )
    parser.add_argument(
        "--admin",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="admin name recorded in audit entries (default: $STOREADMIN_ADMIN or your OS user)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Resolve the store location and admin from the arguments and the environment."""
    demo_flag = bool(getattr(args, "demo", False))
    named = getattr(args, "store", None)
    return Settings(
        location=resolve_location(named, demo=demo_flag),
        admin=resolve_admin(getattr(args, "admin", None)),
        demo=demo_flag,
        explicit=named is not None or demo_flag,
    )


def undecodable_argument(argv: Sequence[str]) -> str | None:
    """The one-line refusal for the first argument holding bytes that are not UTF-8.

    Python hands such bytes over as lone surrogates (``surrogateescape``); no backend
    can store them, so they are refused here, for every argument and subcommand alike.
    """
    for position, argument in enumerate(argv, start=1):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in argument):
            shown = argument.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            return (
                f"argument {position} ({shown}) holds bytes that are not valid UTF-8 "
                "(check the terminal's encoding, e.g. LANG=C.UTF-8); nothing was done"
            )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and ``python -m storeadmin``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    refusal = undecodable_argument(arguments)
    if refusal is not None:
        return fail(refusal, 2)
    parser = build_parser()
    args = parser.parse_args(arguments)
    try:
        settings = settings_from(args)
    except ConfigError as error:
        return fail(str(error), 2)
    handler = getattr(args, "handler", None)
    if handler is None:
        from storeadmin.app import run_app

        return run_app(settings)
    return run_handler(handler, args, settings)


if __name__ == "__main__":
    sys.exit(main())
