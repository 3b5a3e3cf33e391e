"""A store full of hostile data, and the app around it with a driver that keeps every
byte Textual would write to the admin's terminal.

The data is planted straight into the tables (as an import or a webhook from a hosted
store would): input validation never saw it, so the display path alone must make it
safe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from textual.drivers.headless_driver import HeadlessDriver

from storeadmin.app import StoreAdminApp
from storeadmin.data import open_sql_store
from storeadmin.data.schema import AuditRow, TokenRow
from support import factories

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

MARKUP_NAMES = (
    "Zed Bob [/]",
    "Zed [@click=app.quit]x[/]",
    "Zed [link='https://e.x']x[/link]",
    "Zed Eve [b + x",
    "Zed [bold red]loud",
)

PAYLOADS = {
    "OSC title": "\x1b]0;PWNED\x07",
    "CSI colour": "\x1b[31;7mREDX",
    "OSC 52 clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "C1 CSI": "\x9b2J",
    "DEL": "\x7f",
    "bidi override": "\u202eRTL",
    "bidi isolate": "\u2066ISO",
    "NUL": "\x00",
}
"""Terminal payloads planted in data; none may reach the terminal raw."""

RAW_FORBIDDEN = (
    "\x1b]0;PWNED",
    "\x1b[31;7mREDX",
    "\x1b]52;c;cHduZWQ=",
    "\x9b",
    "\x7f",
    "\u202e",
    "\u2066",
    "\x00",
)
"""Byte sequences from the payloads (distinctive enough never to come from Textual)."""

VISIBLE = ("␛]0;PWNED␇", "␛[31;7mREDX", "␡")
"""How the payloads must look on screen instead."""

EVERYTHING_NAME = "Zed\x1b]0;PWNED\x07 [@click=app.quit]x[/]"


@dataclass(frozen=True)
class HostileStore:
    """The planted store and the ids the tests open."""

    url: str
    everything: int
    """A customer with hostile data in every field and tab."""
    markup: dict[str, int]
    payload: dict[str, int]
    item: int


def build_hostile_store(path: Path) -> HostileStore:
    """Plant hostile names, metadata, commands, orders, subscriptions, tokens, history."""
    service = open_sql_store(str(path), actor="setup")
    engine = service.engine
    try:
        factories.store_settings(engine, name="Hostile Store")
        server = factories.game_server(engine, "Rust [b]EU[/b] \x1b[2J")
        product = factories.product(engine, "VIP [@click=app.quit]x[/]", server_ids=[server])
        counter = iter(range(1000))

        def customer(name: str, **kwargs: Any) -> int:
            return factories.customer(
                engine, name, external_id=str(76561198000005000 + next(counter)), **kwargs
            )

        everything = customer(
            EVERYTHING_NAME,
            ban_reason="fraud [@click=app.quit]x[/] \x1b]0;PWNED\x07",
            ban_expires_at=FIXED_NOW + timedelta(days=30),
        )
        markup = {name: customer(name) for name in MARKUP_NAMES}
        payload = {label: customer(f"Zed {label} {text} end") for label, text in PAYLOADS.items()}

        joined = " ".join(PAYLOADS.values())
        factories.metadata(engine, everything, Note=f"[link=https://e.x]x[/link] {joined}")
        item = factories.item(engine, everything, product, expires_at=FIXED_NOW + timedelta(days=5))
        factories.command_attempt(
            engine,
            item,
            server,
            command=f"say [b]hi[/b] {joined}",
            status="failed",
            error="[red]boom[/red] \x1b]0;PWNED\x07",
        )
        factories.order(
            engine,
            everything,
            product,
            product_name=f"Crate [@click=app.quit]x[/] {joined}",
            gateway="[b]pay[/b]\x1b[31;7mREDX",
        )
        factories.subscription(
            engine,
            everything,
            product,
            status="canceled",
            cancel_reason=f"[bold]why[/] {joined}",
        )
        with engine.begin() as connection:
            connection.execute(
                insert(TokenRow).values(
                    customer_id=everything,
                    label="bot [@click=app.quit]x[/] \x1b]0;PWNED\x07",
                    prefix="sa_\x1b[31;7mREDX"[:16],
                    token_hash=hashlib.sha256(b"planted").hexdigest(),
                    created_at=FIXED_NOW - timedelta(days=1),
                    created_by="importer \u202eRTL",
                )
            )
            connection.execute(
                insert(AuditRow).values(
                    at=FIXED_NOW - timedelta(hours=1),
                    actor="importer \x1b]0;PWNED\x07",
                    action="customer.edit",
                    target_type="customer",
                    target_id=str(everything),
                    customer_id=everything,
                    before={"username": "[@click=app.quit]old[/]"},
                    after={"username": EVERYTHING_NAME},
                    reason=f"sync {joined}",
                )
            )
    finally:
        service.close()
    return HostileStore(
        url=f"sqlite:///{path}", everything=everything, markup=markup, payload=payload, item=item
    )


class _FixedLabel:
    """A real service whose store_info names the database the same way on every run."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def store_info(self) -> Any:
        return replace(self._inner.store_info(), location="sqlite:///hostile.sqlite3")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def hostile_app(url: str) -> StoreAdminApp:
    """The real app on ``url`` with the fixed clock and a fixed database label."""

    def factory() -> Any:
        return _FixedLabel(open_sql_store(url, actor="alice", clock=lambda: FIXED_NOW))

    return StoreAdminApp(factory, clock=lambda: FIXED_NOW)


def capturing_driver(sink: list[str]) -> type[HeadlessDriver]:
    """A headless driver that renders like a real one and appends every write to ``sink``."""

    class CapturingDriver(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False  # so the App renders and writes frames, as to a terminal

        def write(self, data: str) -> None:
            sink.append(data)

    return CapturingDriver
