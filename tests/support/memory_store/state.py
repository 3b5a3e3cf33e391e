"""The data of an in-memory store, copying another store into one, and opening it."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from storeadmin.core.errors import Invalid, NotFound
from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CustomerDetails,
    CustomerSummary,
    CustomerToken,
    GameServer,
    InventoryItem,
    OrderDetails,
    Page,
    Product,
    StoreInfo,
    SubscriptionDetails,
)
from storeadmin.core.service import StoreService

T = TypeVar("T")

_REGISTRY: dict[str, MemoryState] = {}
"""Stores by name: every service opened on ``memory://NAME`` sees the same data."""


class MemoryState:
    """The data of one in-memory store; one lock makes every call a transaction."""

    def __init__(self, info: StoreInfo) -> None:
        self.lock = threading.RLock()
        self.info = info
        self.details: dict[str, CustomerDetails] = {}
        self.summaries: dict[str, CustomerSummary] = {}
        self.items: dict[str, InventoryItem] = {}
        self.attempts: dict[str, CommandAttempt] = {}
        self.orders: dict[str, OrderDetails] = {}
        self.subscriptions: dict[str, SubscriptionDetails] = {}
        self.metadata: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, CustomerToken] = {}
        self.audit: list[AuditEntry] = []
        self.products: dict[str, Product] = {}
        self.servers: dict[str, GameServer] = {}
        self.request_ids: set[str] = set()
        self._ids = itertools.count(10_000_000)

    def new_id(self) -> str:
        """IDs the source store never used."""
        return str(next(self._ids))


def _every_page(fetch: Callable[[str | None], Page[T]]) -> list[T]:
    found: list[T] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        found.extend(page.items)
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def copy_of(source: StoreService, name: str) -> str:
    """Copy every customer of ``source`` into a new memory store; returns its location."""
    state = MemoryState(replace(source.store_info(), location=f"memory://{name}"))
    state.products = {p.id: p for p in source.list_products()}
    state.servers = {s.id: s for s in source.list_game_servers()}
    for summary in _every_page(lambda c: source.search_customers("", limit=500, cursor=c)):
        cid = summary.id
        state.summaries[cid] = summary
        state.details[cid] = source.get_customer(cid)
        for item in _every_page(lambda c, i=cid: source.list_inventory(i, cursor=c, limit=500)):
            state.items[item.id] = item
            for attempt in source.list_command_attempts(item.id):
                state.attempts[attempt.id] = replace(attempt, customer_id=cid)
        for order in _every_page(lambda c, i=cid: source.list_orders(i, cursor=c, limit=500)):
            state.orders[order.id] = source.get_order(order.id)
        for sub in _every_page(lambda c, i=cid: source.list_subscriptions(i, cursor=c, limit=500)):
            state.subscriptions[sub.id] = source.get_subscription(sub.id)
        state.metadata[cid] = {f.key: f.value for f in source.get_metadata(cid)}
        for token in source.list_tokens(cid):
            state.tokens[token.id] = token
        state.audit.extend(_every_page(lambda c, i=cid: source.list_audit(i, cursor=c, limit=500)))
    _REGISTRY[name] = state
    return f"memory://{name}"


def open_memory_store(
    location: str, *, actor: str, clock: Callable[[], datetime] | None = None
) -> StoreService:
    """A service on the memory store a ``copy_of`` made."""
    name = location.removeprefix("memory://")
    if name not in _REGISTRY:
        raise NotFound(f"no memory store named {name!r}")
    from support.memory_store import MemoryStoreService

    return MemoryStoreService(_REGISTRY[name], actor=actor, clock=clock)


def _page(rows: Sequence[T], limit: int, cursor: str | None, total: bool = True) -> Page[T]:
    """Offset paging behind an opaque cursor (newest-first order is the caller's)."""
    start = int(cursor or 0)
    chunk = tuple(rows[start : start + max(1, min(limit, 500))])
    end = start + len(chunk)
    return Page(chunk, str(end) if end < len(rows) else None, len(rows) if total else None)


def _newest(rows: Iterable[T], at: Callable[[T], datetime], ident: Callable[[T], str]) -> list[T]:
    return sorted(rows, key=lambda r: (at(r), int(ident(r))), reverse=True)


def _checked(validate: Callable[[str], str], value: str, field: str) -> str:
    try:
        return validate(value)
    except ValueError as error:
        raise Invalid({field: str(error)}) from None
