"""``StoreService`` in memory: the protocol's executable documentation, and a second
backend the UI tests run on (as harlequin runs every test on every adapter).

It starts as a copy of another store read through the protocol alone (``copy_of``),
so the same seeded data serves both backends. Writes follow the protocol's rules —
validation, compare-and-set, AlreadyDone, an audit entry per change — with plain
dicts instead of SQL. Stats are the source's figures: admin writes never move money.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from storeadmin.core import commands, identifiers, validation
from storeadmin.core.errors import AlreadyDone, Conflict, Invalid, NotFound
from storeadmin.core.models import (
    AuditEntry,
    Ban,
    CommandAttempt,
    CommandPreview,
    CommandStage,
    CommandStatus,
    CreatedServerToken,
    CreatedToken,
    Customer,
    CustomerDetails,
    CustomerSummary,
    CustomerToken,
    GameServer,
    InventoryItem,
    ItemSource,
    ItemState,
    MatchKind,
    MetadataField,
    Order,
    OrderDetails,
    OrderStatus,
    Page,
    Platform,
    Product,
    StoreInfo,
    StuckDeliveries,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)
from storeadmin.core.service import DEFAULT_PAGE, StoreService

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
) -> MemoryStoreService:
    """A service on the memory store a ``copy_of`` made."""
    name = location.removeprefix("memory://")
    if name not in _REGISTRY:
        raise NotFound(f"no memory store named {name!r}")
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


class MemoryStoreService:
    """The protocol over a ``MemoryState``; ``actor`` is the admin in audit entries."""

    def __init__(
        self, state: MemoryState, *, actor: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._state = state
        self._actor = actor
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def actor(self) -> str:
        """The admin name written to audit entries."""
        return self._actor

    # ------------------------------------------------------------ reads

    def store_info(self) -> StoreInfo:
        """As copied, with the current customer count."""
        return replace(self._state.info, customers=len(self._state.details))

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Exact IDs first (customer, external, order, subscription, metadata value), then
        name prefix, then substring; the newest customers for an empty query."""
        state, wanted = self._state, query.strip()
        hits: dict[str, MatchKind] = {}
        if not wanted:
            hits = dict.fromkeys(sorted(state.details, key=int, reverse=True), MatchKind.NEWEST)
        else:
            folded = wanted.casefold()
            if wanted in state.details:
                hits[wanted] = MatchKind.CUSTOMER_ID
            forms = {value for _platform, value in identifiers.identifier_candidates(wanted)}
            for cid, details in state.details.items():
                if details.customer.external_id in forms | {wanted}:
                    hits.setdefault(cid, MatchKind.EXTERNAL_ID)
            for order in state.orders.values():
                if order.order.id == wanted.lstrip("#"):
                    hits.setdefault(order.order.customer_id, MatchKind.ORDER_ID)
            for sub in state.subscriptions.values():
                if sub.subscription.id == wanted:
                    hits.setdefault(sub.subscription.customer_id, MatchKind.SUBSCRIPTION_ID)
            for cid, values in state.metadata.items():
                if wanted in values.values():
                    hits.setdefault(cid, MatchKind.METADATA)
            by_name = sorted(
                state.details.items(), key=lambda kv: kv[1].customer.username.casefold()
            )
            for cid, details in by_name:
                if details.customer.username.casefold().startswith(folded):
                    hits.setdefault(cid, MatchKind.NAME_PREFIX)
            for cid, details in by_name:
                if folded in details.customer.username.casefold():
                    hits.setdefault(cid, MatchKind.NAME_SUBSTRING)
        rows = [replace(self._summary(cid), matched_by=kind) for cid, kind in hits.items()]
        return _page(rows, limit, cursor, total=False)

    def _summary(self, customer_id: str) -> CustomerSummary:
        customer = self._customer(customer_id)
        return replace(
            self._state.summaries[customer_id],
            username=customer.username,
            platform=customer.platform,
            external_id=customer.external_id,
            banned=customer.is_banned,
        )

    def _customer(self, customer_id: str) -> Customer:
        details = self._state.details.get(str(customer_id))
        if details is None:
            raise NotFound(f"no customer with ID {customer_id}")
        customer = details.customer
        if customer.ban is not None and not customer.ban.is_active(self._clock()):
            return replace(customer, ban=None)
        return customer

    def get_customer(self, customer_id: str) -> CustomerDetails:
        """The customer with the stats header figures."""
        return replace(
            self._state.details[str(self._customer(customer_id).id)],
            customer=self._customer(customer_id),
        )

    def get_customer_summary(self, customer_id: str) -> CustomerSummary:
        """The customer's search-result row."""
        return replace(
            self._summary(str(self._customer(customer_id).id)), matched_by=MatchKind.CUSTOMER_ID
        )

    def _item_now(self, item: InventoryItem) -> InventoryItem:
        now = self._clock()
        if (
            item.state is ItemState.ACTIVE
            and item.expires_at is not None
            and item.expires_at <= now
        ):
            return replace(item, state=ItemState.EXPIRED)
        return item

    def list_inventory(
        self,
        customer_id: str,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Items newest first, optionally of one state."""
        self._customer(customer_id)
        items = [
            self._item_now(i) for i in self._state.items.values() if i.customer_id == customer_id
        ]
        rows = [
            i
            for i in _newest(items, lambda i: i.granted_at, lambda i: i.id)
            if state is None or i.state is state
        ]
        return _page(rows, limit, cursor)

    def get_item(self, item_id: str) -> InventoryItem:
        """One inventory item."""
        item = self._state.items.get(str(item_id))
        if item is None:
            raise NotFound(f"no item with ID {item_id}")
        return self._item_now(item)

    def list_command_attempts(self, item_id: str) -> tuple[CommandAttempt, ...]:
        """Every command attempt of an item, oldest first."""
        self.get_item(item_id)
        rows = [a for a in self._state.attempts.values() if a.item_id == item_id]
        return tuple(sorted(rows, key=lambda a: (a.queued_at, int(a.id))))

    def list_customer_commands(
        self, customer_id: str, *, item_id: str | None = None
    ) -> tuple[CommandAttempt, ...]:
        """Every command attempt of a customer (or one of their items), newest first."""
        self._customer(customer_id)
        rows = [
            a
            for a in self._state.attempts.values()
            if a.customer_id == customer_id and (item_id is None or a.item_id == item_id)
        ]
        return tuple(_newest(rows, lambda a: a.queued_at, lambda a: a.id))

    def list_orders(
        self,
        customer_id: str,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Order]:
        """Orders newest first, optionally of one status."""
        self._customer(customer_id)
        rows = [
            d.order
            for d in self._state.orders.values()
            if d.order.customer_id == customer_id and (status is None or d.order.status is status)
        ]
        return _page(_newest(rows, lambda o: o.created_at, lambda o: o.id), limit, cursor)

    def get_order(self, order_id: str) -> OrderDetails:
        """One order with its lines."""
        found = self._state.orders.get(str(order_id))
        if found is None:
            raise NotFound(f"no order with ID {order_id}")
        return found

    def list_subscriptions(
        self,
        customer_id: str,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """Subscriptions newest first, optionally of one status."""
        self._customer(customer_id)
        rows = [
            d.subscription
            for d in self._state.subscriptions.values()
            if d.subscription.customer_id == customer_id
            and (status is None or d.subscription.status is status)
        ]
        return _page(_newest(rows, lambda s: s.created_at, lambda s: s.id), limit, cursor)

    def get_subscription(self, subscription_id: str) -> SubscriptionDetails:
        """One subscription with its payments."""
        found = self._state.subscriptions.get(str(subscription_id))
        if found is None:
            raise NotFound(f"no subscription with ID {subscription_id}")
        return found

    def get_metadata(self, customer_id: str) -> tuple[MetadataField, ...]:
        """The customer's metadata, in key order."""
        self._customer(customer_id)
        values = self._state.metadata.get(customer_id, {})
        return tuple(MetadataField(k, values[k]) for k in sorted(values, key=str.casefold))

    def list_audit(
        self, customer_id: str, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's audit entries, newest first."""
        self._customer(customer_id)
        rows = [e for e in self._state.audit if e.customer_id == customer_id]
        return _page(_newest(rows, lambda e: e.at, lambda e: e.id), limit, cursor)

    def list_tokens(self, customer_id: str) -> tuple[CustomerToken, ...]:
        """The customer's tokens, newest first."""
        self._customer(customer_id)
        rows = [t for t in self._state.tokens.values() if t.customer_id == customer_id]
        return tuple(_newest(rows, lambda t: t.created_at, lambda t: t.id))

    def list_products(self) -> tuple[Product, ...]:
        """The catalogue, by name."""
        return tuple(sorted(self._state.products.values(), key=lambda p: (p.name, int(p.id))))

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server, by name."""
        return tuple(sorted(self._state.servers.values(), key=lambda s: (s.name, int(s.id))))

    def _product(self, product_id: str) -> Product:
        product = self._state.products.get(str(product_id))
        if product is None:
            raise NotFound(f"no product with ID {product_id}")
        return product

    def _servers(self, server_ids: Sequence[str], *, strict: bool = True) -> tuple[GameServer, ...]:
        wanted = [str(s) for s in dict.fromkeys(server_ids)]
        missing = [s for s in wanted if s not in self._state.servers]
        if missing and strict:
            raise Invalid({"servers": f"no game server with ID {', '.join(missing)}"})
        return tuple(self._state.servers[s] for s in wanted if s in self._state.servers)

    def preview_assign(
        self, customer_id: str, product_id: str, server_ids: Sequence[str] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The on_purchase commands that assigning the product would queue."""
        customer, product = self._customer(customer_id), self._product(product_id)
        if server_ids is not None:
            servers = self._servers(server_ids, strict=False)
        elif product.server_ids:
            servers = self._servers(product.server_ids, strict=False)
        else:
            servers = self.list_game_servers()
        return commands.preview_commands(
            customer,
            product,
            CommandStage.ON_PURCHASE,
            servers,
            metadata=self._state.metadata.get(customer.id, {}),
        )

    def list_stuck_deliveries(
        self, *, waiting_longer_than: timedelta, player_unseen_for: timedelta
    ) -> StuckDeliveries:
        """Attempts not acknowledged within ``waiting_longer_than`` (no game servers poll here)."""
        cutoff = self._clock() - waiting_longer_than
        waiting = [
            a
            for a in self._state.attempts.values()
            if a.status in (CommandStatus.PENDING, CommandStatus.DELIVERED) and a.queued_at < cutoff
        ]
        return StuckDeliveries(tuple(waiting), (), ())

    # ------------------------------------------------------------ writes

    def _audit(
        self,
        action: str,
        target_type: str,
        target_id: str,
        customer_id: str | None,
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
        reason: str | None = None,
    ) -> None:
        entry = AuditEntry(
            self._state.new_id(),
            self._clock(),
            self._actor,
            action,
            target_type,
            target_id,
            customer_id,
            before,
            after,
            reason,
        )
        self._state.audit.append(entry)

    def _new_request(self, request_id: str | None) -> None:
        if request_id is None:
            return
        if request_id in self._state.request_ids:
            raise AlreadyDone("this request was already carried out")
        self._state.request_ids.add(request_id)

    def _save(self, customer: Customer) -> Customer:
        bumped = replace(
            customer,
            version=str(int(customer.version) + 1),
            updated_at=self._clock(),
            updated_by=self._actor,
        )
        details = self._state.details[customer.id]
        self._state.details[customer.id] = replace(details, customer=bumped)
        return self._customer(customer.id)

    def _stale(self, customer: Customer) -> Conflict:
        return Conflict.stale(customer.updated_by, customer.updated_at)

    def edit_customer(
        self,
        customer_id: str,
        *,
        expected_version: str,
        username: str | None = None,
        platform: Platform | None = None,
        external_id: str | None = None,
    ) -> Customer:
        """Change name and/or platform ID (validated, canonicalised, unique per platform)."""
        with self._state.lock:
            customer = self._customer(customer_id)
            if str(expected_version) != customer.version:
                raise self._stale(customer)
            changes: dict[str, object] = {}
            if username is not None:
                username = _checked(validation.validate_username, username, "username")
                if username != customer.username:
                    changes["username"] = username
            target = Platform(platform) if platform is not None else customer.platform
            if target is not customer.platform:
                changes["platform"] = target
            if external_id is not None or "platform" in changes:
                raw = external_id if external_id is not None else customer.external_id
                canonical = _checked(
                    partial(identifiers.canonical_external_id, target), raw, "external_id"
                )
                if canonical != customer.external_id:
                    changes["external_id"] = canonical
                for other in self._state.details.values():
                    c = other.customer
                    if c.id != customer.id and c.platform is target and c.external_id == canonical:
                        raise Conflict(
                            f"that {target.value} ID belongs to customer {c.id} ({c.username})"
                        )
            if not changes:
                return customer
            before = {key: getattr(customer, key) for key in changes}
            saved = self._save(replace(customer, **changes))  # type: ignore[arg-type]
            self._audit("customer.edit", "customer", customer.id, customer.id, before, changes)
            return saved

    def ban_customer(
        self,
        customer_id: str,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        reason = _checked(validation.validate_reason, reason, "reason")
        with self._state.lock:
            customer = self._customer(customer_id)
            if until is not None and until <= self._clock():
                raise Invalid({"until": "must be in the future"})
            self._new_request(request_id)
            if customer.ban is not None:
                raise AlreadyDone("already banned")
            saved = self._save(
                replace(customer, ban=Ban(reason, self._clock(), self._actor, until))
            )
            self._audit(
                "customer.ban",
                "customer",
                customer.id,
                customer.id,
                {"banned": False, "reason": None, "until": None},
                {"banned": True, "reason": reason, "until": until},
                reason,
            )
            return saved

    def unban_customer(self, customer_id: str, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        with self._state.lock:
            customer = self._customer(customer_id)
            self._new_request(request_id)
            if customer.ban is None:
                raise AlreadyDone("not banned")
            saved = self._save(replace(customer, ban=None))
            self._audit(
                "customer.unban",
                "customer",
                customer.id,
                customer.id,
                {"banned": True, "reason": customer.ban.reason},
                {"banned": False, "reason": None, "until": None},
            )
            return saved

    def create_token(
        self, customer_id: str, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """A new token; the secret is returned once, only its hash would be kept."""
        label = _checked(validation.validate_label, label, "label")
        with self._state.lock:
            self._customer(customer_id)
            secret = "sat_" + secrets.token_urlsafe(24)
            hashlib.sha256(secret.encode()).hexdigest()  # what a real store keeps
            token = CustomerToken(
                self._state.new_id(),
                customer_id,
                label,
                secret[:8],
                self._clock(),
                self._actor,
                expires_at=expires_at,
            )
            self._state.tokens[token.id] = token
            self._audit(
                "token.create",
                "token",
                token.id,
                customer_id,
                None,
                {"label": label, "expires_at": expires_at},
            )
            return CreatedToken(token, secret)

    def revoke_token(self, customer_id: str, token_id: str) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        with self._state.lock:
            token = self._state.tokens.get(str(token_id))
            if token is None or token.customer_id != customer_id:
                raise NotFound(f"customer {customer_id} has no token {token_id}")
            if token.revoked_at is not None:
                raise AlreadyDone("already revoked")
            revoked = replace(token, revoked_at=self._clock())
            self._state.tokens[token.id] = revoked
            self._audit(
                "token.revoke",
                "token",
                token.id,
                customer_id,
                {"revoked": False},
                {"revoked": True},
            )
            return revoked

    def revoke_all_tokens(self, customer_id: str) -> int:
        """Revoke every active token; returns how many were revoked."""
        with self._state.lock:
            now = self._clock()
            active = [
                t
                for t in self.list_tokens(customer_id)
                if t.revoked_at is None and (t.expires_at is None or t.expires_at > now)
            ]
            for token in active:
                self._state.tokens[token.id] = replace(token, revoked_at=now)
            if active:
                self._audit(
                    "token.revoke_all",
                    "customer",
                    customer_id,
                    customer_id,
                    None,
                    {"revoked": len(active)},
                )
            return len(active)

    def replace_metadata(
        self,
        customer_id: str,
        fields: Sequence[MetadataField],
        *,
        expected_version: str | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole map; rows with empty key and value are dropped."""
        kept = validation.validate_metadata(fields, now=self._clock())
        with self._state.lock:
            customer = self._customer(customer_id)
            if expected_version is not None and str(expected_version) != customer.version:
                raise self._stale(customer)
            before = dict(self._state.metadata.get(customer_id, {}))
            after = {f.key: f.value for f in kept}
            if after != before:
                self._state.metadata[customer_id] = after
                self._save(customer)
                self._audit("metadata.replace", "customer", customer_id, customer_id, before, after)
            return self.get_metadata(customer_id)

    def _queue(
        self,
        item: InventoryItem,
        customer: Customer,
        product: Product,
        stage: CommandStage,
        servers: Sequence[GameServer],
    ) -> int:
        previews = commands.preview_commands(
            customer,
            product,
            stage,
            servers,
            metadata=self._state.metadata.get(customer.id, {}),
            expires_at=item.expires_at,
        )
        for preview in previews:
            attempt = CommandAttempt(
                self._state.new_id(),
                item.id,
                preview.server_id,
                preview.server_name,
                stage,
                preview.command,
                preview.online_only,
                CommandStatus.PENDING,
                self._clock(),
                customer_id=customer.id,
            )
            self._state.attempts[attempt.id] = attempt
        return len(previews)

    def assign_product(
        self,
        customer_id: str,
        product_id: str,
        *,
        server_ids: Sequence[str] | None = None,
        expires_at: datetime | None = None,
        request_id: str | None = None,
    ) -> InventoryItem:
        """Grant a product manually and queue its on_purchase commands."""
        now = self._clock()
        if expires_at is not None and expires_at <= now:
            raise Invalid({"expires_at": "must be in the future"})
        with self._state.lock:
            customer = self._customer(customer_id)
            if customer.ban is not None:
                raise Invalid({"customer": f"banned: {customer.ban.reason}"})
            product = self._product(product_id)
            servers = self._servers(product.server_ids if server_ids is None else server_ids)
            self._new_request(request_id)
            if expires_at is None and product.duration_days is not None:
                expires_at = now + timedelta(days=product.duration_days)
            item = InventoryItem(
                self._state.new_id(),
                customer_id,
                product.id,
                product.name,
                product.type,
                ItemState.ACTIVE,
                ItemSource.MANUAL,
                None,
                self._actor,
                now,
                expires_at,
                tuple(s.id for s in servers),
            )
            self._state.items[item.id] = item
            queued = self._queue(item, customer, product, CommandStage.ON_PURCHASE, servers)
            self._audit(
                "item.assign",
                "item",
                item.id,
                customer_id,
                None,
                {
                    "product_id": product.id,
                    "product": product.name,
                    "server_ids": list(item.server_ids),
                    "expires_at": expires_at,
                    "commands_queued": queued,
                },
            )
            return item

    def revoke_item(
        self, item_id: str, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """Revoke an active item and queue its on_expire commands (AlreadyDone otherwise)."""
        reason = _checked(validation.validate_reason, reason, "reason")
        with self._state.lock:
            item = self.get_item(item_id)
            self._new_request(request_id)
            if item.state is ItemState.REVOKED:
                raise AlreadyDone("already revoked")
            if item.state is not ItemState.ACTIVE:
                raise Invalid({"item": "expired items cannot be revoked"})
            revoked = replace(
                item,
                state=ItemState.REVOKED,
                revoked_at=self._clock(),
                revoked_by=self._actor,
                revoke_reason=reason,
            )
            self._state.items[item.id] = revoked
            product = self._product(item.product_id)
            servers = self._servers(item.server_ids or product.server_ids, strict=False)
            queued = self._queue(
                revoked, self._customer(item.customer_id), product, CommandStage.ON_EXPIRE, servers
            )
            self._audit(
                "item.revoke",
                "item",
                item.id,
                item.customer_id,
                {"state": ItemState.ACTIVE.value},
                {
                    "state": ItemState.REVOKED.value,
                    "product": product.name,
                    "commands_queued": queued,
                },
                reason,
            )
            return revoked

    def resend_command(self, attempt_id: str, *, server_id: str | None = None) -> CommandAttempt:
        """The same command again, as a new pending attempt marked ``rerun``."""
        with self._state.lock:
            old = self._attempt(attempt_id)
            server = self._servers([server_id or old.server_id])[0]
            new = replace(
                old,
                id=self._state.new_id(),
                server_id=server.id,
                server_name=server.name,
                status=CommandStatus.PENDING,
                queued_at=self._clock(),
                executed_at=None,
                delivered_count=0,
                last_delivered_at=None,
                executed_by_ip=None,
                unqueued_at=None,
                rerun=True,
            )
            self._state.attempts[new.id] = new
            self._audit(
                "command.resend",
                "command",
                new.id,
                old.customer_id,
                {"attempt_id": old.id},
                {"attempt_id": new.id, "server": server.name},
            )
            return new

    def cancel_command(self, attempt_id: str) -> CommandAttempt:
        """Unqueue an attempt no game server has acknowledged."""
        with self._state.lock:
            attempt = self._attempt(attempt_id)
            if not attempt.can_cancel:
                raise AlreadyDone(f"already {attempt.status.value}")
            canceled = replace(attempt, status=CommandStatus.CANCELED, unqueued_at=self._clock())
            self._state.attempts[attempt.id] = canceled
            self._audit(
                "command.cancel",
                "command",
                attempt.id,
                attempt.customer_id,
                {"status": attempt.status.value},
                {"status": "canceled"},
            )
            return canceled

    def _attempt(self, attempt_id: str) -> CommandAttempt:
        attempt = self._state.attempts.get(str(attempt_id))
        if attempt is None:
            raise NotFound(f"no command attempt with ID {attempt_id}")
        return attempt

    def add_game_server(self, name: str, *, game: str) -> GameServer:
        """A new, enabled game server without a token."""
        with self._state.lock:
            server = GameServer(self._state.new_id(), name, game)
            self._state.servers[server.id] = server
            return server

    def issue_server_token(self, server_id: str) -> CreatedServerToken:
        """A new token for the server (only a memory store: nothing polls it)."""
        return CreatedServerToken(self._servers([server_id])[0], "gst_" + secrets.token_urlsafe(24))

    def disable_game_server(self, server_id: str) -> GameServer:
        """Mark the server disabled (AlreadyDone if it was)."""
        with self._state.lock:
            server = self._servers([server_id])[0]
            if not server.enabled:
                raise AlreadyDone("already disabled")
            self._state.servers[server.id] = replace(server, enabled=False)
            return self._state.servers[server.id]

    def close(self) -> None:
        """Nothing to release: the data stays for the next service on this store."""
