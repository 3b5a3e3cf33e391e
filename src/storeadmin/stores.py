"""Which store a location names, and opening it: the one place that knows the backends.

A location is what the user gave as ``--store`` / ``--db``, ``$STOREADMIN_STORE`` /
``$STOREADMIN_DB`` or ``store`` / ``database`` in the config file:

- ``paynow://<store id>``: a PayNow store through its Management API (``storeadmin.paynow``);
- a SQLite file path, ``sqlite:///path`` or ``postgresql://…``: a SQL store (``storeadmin.data``).

The app and the CLI get a ``StoreService`` back and know nothing else. Nothing here
imports SQLAlchemy or an HTTP client: the app asks for a label before its first paint
and opens the store later, in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from storeadmin.core.errors import Invalid, NotFound
from storeadmin.core.text import display_safe
from storeadmin.data import location as sql_location

if TYPE_CHECKING:
    from storeadmin.core.service import StoreService

PAYNOW_SCHEME = "paynow://"


class Backend(StrEnum):
    """The implementations of ``StoreService`` a location can name."""

    SQL = "sql"
    PAYNOW = "paynow"


@dataclass(frozen=True, slots=True)
class StoreLocation:
    """A parsed location. ``text`` may hold a password: it stays out of ``repr``."""

    text: str = field(repr=False)
    backend: Backend
    label: str
    """Password-free, display-safe: for headers, errors and logs."""
    hint: str
    """What to check when the store cannot be opened, in its backend's words."""


def parse_location(text: str) -> StoreLocation:
    """Which backend ``text`` names; Invalid (one password-free line) for anything else."""
    if text.lower().startswith(PAYNOW_SCHEME):
        from storeadmin.paynow.location import HINT, label

        return StoreLocation(text, Backend.PAYNOW, display_safe(label(text), max_length=120), HINT)
    if sql_location.is_sql_location(text):
        return StoreLocation(
            text,
            Backend.SQL,
            display_safe(sql_location.label(text), max_length=120),
            sql_location.HINT,
        )
    shown = display_safe(sql_location.label(text), max_length=120)
    raise Invalid(
        {"store": "not a store location"},
        f"not a store location: {shown} — use a SQLite file path, sqlite:///PATH, "
        "postgresql://USER@HOST/DB or paynow://STORE_ID",
    )


def check_exists(location: StoreLocation, *, created_on_first_use: bool = False) -> None:
    """Refuse (NotFound) a SQLite file that is not there: opening it would silently make an
    empty store, and a typo would read as "no such customer"."""
    if location.backend is not Backend.SQL or created_on_first_use:
        return
    missing = sql_location.missing_file(location.text)
    if missing is not None:
        raise NotFound(sql_location.missing_message(missing))


def open_store(
    location: StoreLocation,
    *,
    actor: str,
    clock: Callable[[], datetime] | None = None,
    auto_upgrade_shared: bool = False,
) -> StoreService:
    """Open the store; raises ``StoreError`` (Unavailable, NotFound, …) with one clear line."""
    if location.backend is Backend.PAYNOW:
        from storeadmin.paynow import open_paynow_store

        return open_paynow_store(location.text, actor=actor, clock=clock)
    from storeadmin import data as sql_store

    return sql_store.open_sql_store(
        location.text, actor=actor, clock=clock, auto_upgrade_shared=auto_upgrade_shared
    )
