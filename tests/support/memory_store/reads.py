"""The read half of the protocol over a MemoryState."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from storeadmin.core import commands, identifiers, search_text
from storeadmin.core.errors import NotFound
from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CommandPreview,
    CommandStage,
    CustomerDetails,
    CustomerSummary,
    CustomerToken,
    GameServer,
    InventoryItem,
    ItemState,
    MatchKind,
    MetadataField,
    Order,
    OrderDetails,
    OrderStatus,
    Page,
    Product,
    StoreInfo,
    StuckDeliveries,
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)
from storeadmin.core.service import DEFAULT_PAGE
from support.memory_store.base import MemoryBase
from support.memory_store.state import _newest, _page

_ID_FORMS = (
    ("any", re.compile(r"^([0-9]+)$")),
    ("customer", re.compile(r"^(?:#|c|cust|customer)\s*#?\s*([0-9]+)$", re.I)),
    ("order", re.compile(r"^(?:o|order)\s*#?\s*([0-9]+)$", re.I)),
    ("sub", re.compile(r"^(?:s|sub|subscription)\s*#?\s*([0-9]+)$", re.I)),
)


def _id_form(text: str) -> tuple[str, str]:
    """Which kind of ID ``text`` names (``#5000`` is the customer the app shows so)."""
    for kind, pattern in _ID_FORMS:
        match = pattern.match(text)
        if match is not None:
            return kind, match.group(1)
    return "none", ""


class MemoryReads(MemoryBase):
    """The read half of the protocol over a MemoryState."""

    def store_info(self) -> StoreInfo:
        """As copied, with the current customer count."""
        return replace(self._state.info, customers=len(self._state.details))

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Exact IDs first (customer, external, order, subscription, metadata value), then
        name prefix, then substring, on ``search_key`` as the SQL store; near matches
        (ranked by ``rank_near``) when nothing matched; the newest for an empty query."""
        state, wanted = self._state, search_text.canonical_query(query.strip())
        hits: dict[str, MatchKind] = {}
        folded = search_text.search_key(wanted)
        if not folded:
            hits = dict.fromkeys(sorted(state.details, key=int, reverse=True), MatchKind.NEWEST)
        else:
            kind, number = _id_form(wanted)
            if kind in ("any", "customer") and number in state.details:
                hits[number] = MatchKind.CUSTOMER_ID
            forms = {value for _platform, value in identifiers.identifier_candidates(wanted)}
            for cid, details in state.details.items():
                if details.customer.external_id in forms | {wanted}:
                    hits.setdefault(cid, MatchKind.EXTERNAL_ID)
            for order in state.orders.values():
                if kind in ("any", "order") and order.order.id == number:
                    hits.setdefault(order.order.customer_id, MatchKind.ORDER_ID)
            for sub in state.subscriptions.values():
                if kind in ("any", "sub") and sub.subscription.id == number:
                    hits.setdefault(sub.subscription.customer_id, MatchKind.SUBSCRIPTION_ID)
            for cid, values in state.metadata.items():
                if wanted in values.values():
                    hits.setdefault(cid, MatchKind.METADATA)
            keys = {
                cid: search_text.search_key(details.customer.username)
                for cid, details in state.details.items()
            }
            by_name = sorted(keys.items(), key=lambda kv: (kv[1], int(kv[0])))
            for cid, key in by_name:
                if key.startswith(folded):
                    hits.setdefault(cid, MatchKind.NAME_PREFIX)
            if len(folded) >= search_text.NEAR_MIN_CHARS:
                for cid, key in sorted(by_name, key=lambda kv: int(kv[0])):
                    if folded in key:
                        hits.setdefault(cid, MatchKind.NAME_SUBSTRING)
            if not hits and search_text.wants_near_matches(folded):
                by_id = sorted(keys.items(), key=lambda kv: int(kv[0]))
                for cid in search_text.rank_near(folded, by_id):
                    hits[cid] = MatchKind.NAME_NEAR
        rows = [replace(self._summary(cid), matched_by=kind) for cid, kind in hits.items()]
        return _page(rows, limit, cursor, total=False)

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
        product_id: str | None = None,
    ) -> Page[Order]:
        """Orders newest first, optionally of one status and with a line of ``product_id``."""
        self._customer(customer_id)
        rows = [
            d.order
            for d in self._state.orders.values()
            if d.order.customer_id == customer_id
            and (status is None or d.order.status is status)
            and (product_id is None or any(line.product_id == product_id for line in d.lines))
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
        """As the SQL store: open attempts (neither executed nor unqueued, failed ones
        included) queued before ``waiting_longer_than``, and open online-only attempts of
        players no server saw join (none poll here, so none was seen); oldest first."""
        cutoff = self._clock() - waiting_longer_than
        open_ = sorted(
            (
                a
                for a in self._state.attempts.values()
                if a.executed_at is None and a.unqueued_at is None
            ),
            key=lambda a: (a.queued_at, int(a.id)),
        )
        waiting = tuple(a for a in open_ if a.queued_at < cutoff)
        unseen = tuple(a for a in open_ if a.online_only)
        return StuckDeliveries(waiting, unseen, ())
