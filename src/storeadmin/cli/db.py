"""``storeadmin db upgrade|current``: deliberate schema migrations of a SQL store.

These belong to the SQL backend: on any other location they refuse (exit 2).
"""

from __future__ import annotations

import argparse
from typing import Any

from storeadmin.cli.common import EXIT_INVALID, EXIT_OK, EXIT_UNAVAILABLE, fail
from storeadmin.config import Settings


def register(subcommands: Any) -> None:
    """Add the ``db`` command group."""
    from storeadmin.cli import add_common_options

    parser = subcommands.add_parser("db", help="SQL store schema: upgrade, current")
    add_common_options(parser)
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help="create the store, or migrate it to this build's schema",
        description="Create an empty store at --db (a new SQLite file or an empty "
        "PostgreSQL database), or migrate an existing one to this build's schema.",
    )
    add_common_options(upgrade)
    upgrade.add_argument("--no-backup", action="store_true", help="skip the SQLite backup copy")
    upgrade.set_defaults(handler=_upgrade)
    current = actions.add_parser(
        "current", help="show the schema revision and whether it is current"
    )
    add_common_options(current)
    current.set_defaults(handler=_current)


def _engine(settings: Settings, *, create: bool = False) -> Any:
    """The engine of a SQL location; a SQLite file is inspected read-only first and
    refused unless it is a store (or, with ``create``, missing or empty)."""
    from storeadmin import stores
    from storeadmin.cli.common import ensure_demo
    from storeadmin.core.errors import Invalid
    from storeadmin.data import migrate
    from storeadmin.data.engine import make_engine, normalise_url
    from storeadmin.data.service import sqlite_file_of

    location = stores.parse_location(settings.location)
    if location.backend is not stores.Backend.SQL:
        raise Invalid(
            {"store": "not a SQL store"},
            f"`storeadmin db` works on SQL stores only; {location.label} is not one",
        )
    ensure_demo(settings)
    file = sqlite_file_of(normalise_url(location.text))
    if file is not None:
        migrate.check_sqlite_file(file, create=create)
    return make_engine(location.text)


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.data import migrate
    from storeadmin.data.base import ServiceBase
    from storeadmin.data.engine import describe_endpoint

    engine = _engine(settings, create=True)
    try:
        with ServiceBase(engine, actor=settings.admin)._translate():
            before = migrate.schema_status(engine)
            if before.state is migrate.SchemaState.AHEAD:
                return fail(
                    f"database revision {before.current} is newer than this storeadmin",
                    EXIT_UNAVAILABLE,
                )
            if before.state is migrate.SchemaState.FOREIGN:
                where = describe_endpoint(engine.url)
                return fail(migrate.foreign_message(where, before.tables), EXIT_INVALID)
            result = migrate.apply_upgrade(engine, backup=not args.no_backup)
            after = migrate.schema_status(engine)
    finally:
        engine.dispose()
    if result.backup is not None:
        print(f"backup: {result.backup}")
    if result.applied:
        print(f"schema: {result.before or 'empty'} -> {result.after} ({after.state})")
    else:
        # Another upgrade (maybe running at the same moment) had already done it.
        print(f"schema: already at {result.after} ({after.state}); nothing to do")
    return EXIT_OK


def _current(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.data import migrate
    from storeadmin.data.base import ServiceBase

    engine = _engine(settings)
    try:
        with ServiceBase(engine, actor=settings.admin)._translate():
            status = migrate.schema_status(engine)
    finally:
        engine.dispose()
    print(f"revision: {status.current or 'none'} (this build: {status.head}) — {status.state}")
    return EXIT_OK
