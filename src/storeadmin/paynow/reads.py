"""Reads of the PayNow store: the customer header, inventory, orders, subscriptions, …

The details header needs the customer, its stats and its ban: the three requests go
out together on the pool (one round trip), plus one more only for a banned customer
(the ban's reason). Lists page with PayNow's keyset ``after`` (newest first,
``asc=false``); the cursor handed back is the last ID of the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storeadmin.core.commands import preview_commands
from storeadmin.core.errors import NotFound
from storeadmin.core.models import (
    AuditEntry,
    Ban,
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
    Subscription,
    SubscriptionDetails,
    SubscriptionStatus,
)
from storeadmin.core.money import Money
from storeadmin.core.overview import CustomerOverview, compose_overview
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.paynow.base import FEATURES, PayNowBase, check_id
from storeadmin.paynow.http import PAGE_LIMIT
from storeadmin.paynow.mapping import (
    Dto,
    ban_identities,
    customer_metadata,
    to_attempt,
    to_ban,
    to_customer,
    to_item,
    to_stats,
)
from storeadmin.paynow.mapping_orders import to_order, to_order_details, to_subscription


class PayNowReads(PayNowBase):
    """The read half of ``StoreService`` over the Management API."""

    _item_owner: dict[str, str]

    # ------------------------------------------------------------ store

    def store_info(self) -> StoreInfo:
        """Name and currency from ``GET /stores/{id}``; the mirror's freshness in ``extra``."""
        dto = self._store_dto()
        mirror_count = self._mirror.count()
        return StoreInfo(
            name=str(dto.get("name") or self._client.store_id),
            currency=self._currency(),
            location=self._location,
            customers=mirror_count if self._mirror.completed_at() else None,
            extra={
                "mirror": self._mirror.freshness(self._now()),
                "history": "local journal (PayNow keeps no audit log)",
                "mode": "live" if dto.get("live_mode") else "test",
            },
            features=FEATURES,
            kind="PayNow",
        )

    # ------------------------------------------------------------ customer

    def _check_ban(self, identities: list[dict[str, str]]) -> Ban | None:
        """The ban in force on any of ``identities`` (``POST /bans/check``, then the ban)."""
        found = self._client.post(
            self._client.store_path("/bans/check"), {"identities": identities}
        )
        if not isinstance(found, dict) or not found.get("is_banned") or not found.get("ban_id"):
            return None
        ban_dto = self._client.get(self._client.store_path(f"/bans/{found['ban_id']}"))
        if not isinstance(ban_dto, dict) or not ban_dto.get("enabled", True):
            return None
        ban = to_ban(ban_dto)
        return ban if ban.is_active(self._now()) else None

    def _ban_dto(self, dto: Dto) -> Dto | None:
        """The raw ``BanDto`` in force on the customer's identities (for unban)."""
        found = self._client.post(
            self._client.store_path("/bans/check"), {"identities": ban_identities(dto)}
        )
        if not isinstance(found, dict) or not found.get("is_banned") or not found.get("ban_id"):
            return None
        ban_dto = self._client.get(self._client.store_path(f"/bans/{found['ban_id']}"))
        return ban_dto if isinstance(ban_dto, dict) else None

    def get_customer(self, customer_id: str) -> CustomerDetails:
        """Customer, stats and ban check in parallel (one round trip; the ban check uses the
        SteamID the mirror knows, and is redone only if the customer's differs)."""
        check_id(customer_id, "customer")
        known_steam = self._mirror.steam_id_of(customer_id)
        guess = ban_identities({"id": customer_id, "steam_id": known_steam})
        customer_f = self._submit(self._customer_dto, customer_id)
        stats_f = self._submit(
            self._client.get,
            self._client.store_path(f"/stats/customers/{customer_id}", version=2),
        )
        ban_f = self._submit(self._check_ban, guess)
        dto = self._result(customer_f)
        actual = ban_identities(dto)
        ban = self._result(ban_f) if actual == guess else self._check_ban(actual)
        stats = to_stats(self._result(stats_f) or {}, self._currency())
        return CustomerDetails(customer=to_customer(dto, ban), stats=stats, spend_by_month=())

    def get_customer_summary(self, customer_id: str) -> CustomerSummary:
        """The search row of one customer (``matched_by`` CUSTOMER_ID)."""
        details = self.get_customer(customer_id)
        customer = details.customer
        return CustomerSummary(
            id=customer.id,
            username=customer.username,
            platform=customer.platform,
            external_id=customer.external_id,
            first_seen=customer.first_seen,
            net_spent=details.stats.total_spent_net,
            banned=customer.is_banned,
            active_subscriber=details.stats.active_subscriptions > 0,
            matched_by=MatchKind.CUSTOMER_ID,
        )

    def open_customer(self, customer_id: str, *, limit: int = DEFAULT_PAGE) -> CustomerOverview:
        """The header and each tab's first page: the single reads one after another.

        Each of them already sends its own requests in parallel; running them inside the
        request pool as well could leave their nested requests waiting for a free worker.
        """
        return compose_overview(self, customer_id, limit)

    def get_metadata(self, customer_id: str) -> tuple[MetadataField, ...]:
        """``CustomerDto.metadata`` in key order."""
        metadata = customer_metadata(self._customer_dto(customer_id))
        return tuple(MetadataField(k, v) for k, v in sorted(metadata.items()))

    # ------------------------------------------------------------ inventory

    def _item_dtos(self, customer_id: str, after: str | None, limit: int) -> list[Dto]:
        params: dict[str, Any] = {"limit": limit, "asc": False}
        if after:
            params["after"] = after
        rows = self._client.get(
            self._client.store_path(f"/customers/{customer_id}/delivery/items"), params
        )
        rows = list(rows or [])
        for row in rows:
            self._item_owner[str(row["id"])] = customer_id
        return rows

    def list_inventory(
        self,
        customer_id: str,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Delivery items newest first; a state filter is applied here (PayNow has ``activeOnly``)."""
        check_id(customer_id, "customer")
        now = self._now()
        items: list[InventoryItem] = []
        after = cursor
        fetch = min(PAGE_LIMIT, max(1, limit))
        while True:
            rows = self._item_dtos(customer_id, after, fetch)
            for index, row in enumerate(rows):
                item = to_item(row, now)
                if state is None or item.state is state:
                    items.append(item)
                if len(items) >= limit:
                    more = index < len(rows) - 1 or len(rows) == fetch
                    return Page(tuple(items), next_cursor=str(row["id"]) if more else None)
            if len(rows) < fetch:
                return Page(tuple(items), next_cursor=None)
            after = str(rows[-1]["id"])

    def _item_dto(self, item_id: str) -> Dto:
        """The delivery item, found through the customer it was listed under."""
        check_id(item_id, "item")
        owner = self._item_owner.get(item_id)
        if owner is not None:
            for row in self._client.paged(
                self._client.store_path(f"/customers/{owner}/delivery/items"), {"asc": False}
            ):
                self._item_owner[str(row["id"])] = owner
                if str(row["id"]) == item_id:
                    return row  # type: ignore[no-any-return]  # a page row is parsed JSON (Any); the API's schema makes it an object
        for row in self._client.paged(
            self._client.store_path("/delivery/items"), {"asc": False}, max_pages=5
        ):
            if str(row["id"]) == item_id:
                self._item_owner[item_id] = str(row["customer_id"])
                return row  # type: ignore[no-any-return]  # a page row is parsed JSON (Any); the API's schema makes it an object
        raise NotFound(f"no inventory item {item_id} in the PayNow store")

    def get_item(self, item_id: str) -> InventoryItem:
        """One delivery item (looked up under its customer)."""
        return to_item(self._item_dto(item_id), self._now())

    def list_command_attempts(self, item_id: str) -> tuple[CommandAttempt, ...]:
        """The item's ``command_attempts``, oldest first."""
        dto = self._item_dto(item_id)
        names = self._server_names()
        attempts = [to_attempt(a, names, item_id) for a in dto.get("command_attempts") or ()]
        return tuple(sorted(attempts, key=lambda a: (a.queued_at, a.id)))

    def list_customer_commands(
        self, customer_id: str, *, item_id: str | None = None
    ) -> tuple[CommandAttempt, ...]:
        """``GET /customers/{id}/delivery/commands``, newest first."""
        check_id(customer_id, "customer")
        names = self._server_names()
        rows = self._client.paged(
            self._client.store_path(f"/customers/{customer_id}/delivery/commands"),
            {"asc": False},
            max_pages=10,
        )
        attempts = [to_attempt(r, names) for r in rows]
        if item_id is not None:
            attempts = [a for a in attempts if a.item_id == item_id]
        return tuple(sorted(attempts, key=lambda a: (a.queued_at, a.id), reverse=True))

    # ------------------------------------------------------------ orders, subscriptions

    def _page(
        self, path: str, params: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[list[Dto], str | None]:
        fetch = min(PAGE_LIMIT, max(1, limit))
        query: dict[str, Any] = {**params, "limit": fetch, "asc": False}
        if cursor:
            query["after"] = cursor
        rows = list(self._client.get(path, query) or [])
        return rows, (str(rows[-1]["id"]) if len(rows) == fetch and rows else None)

    def list_orders(
        self,
        customer_id: str,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
        product_id: str | None = None,
    ) -> Page[Order]:
        """``GET /orders?customer_id=&status=&product_id=``, newest first."""
        check_id(customer_id, "customer")
        params: dict[str, Any] = {"customer_id": customer_id}
        if status is not None:
            params["status"] = [OrderStatus(status).value]
        if product_id is not None:
            check_id(product_id, "product")
            params["product_id"] = product_id
        rows, next_cursor = self._page(self._client.store_path("/orders"), params, limit, cursor)
        return Page(tuple(to_order(r) for r in rows), next_cursor=next_cursor)

    def get_order(self, order_id: str) -> OrderDetails:
        """``GET /orders/{id}`` with its lines."""
        check_id(order_id, "order")
        return to_order_details(self._client.get(self._client.store_path(f"/orders/{order_id}")))

    def list_subscriptions(
        self,
        customer_id: str,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """``GET /subscriptions?customer_id=&status=``, newest first."""
        check_id(customer_id, "customer")
        params: dict[str, Any] = {"customer_id": customer_id}
        if status is not None:
            params["status"] = [SubscriptionStatus(status).value]
        rows, next_cursor = self._page(
            self._client.store_path("/subscriptions"), params, limit, cursor
        )
        return Page(tuple(to_subscription(r) for r in rows), next_cursor=next_cursor)

    def get_subscription(self, subscription_id: str) -> SubscriptionDetails:
        """The subscription and its completed orders, requested in parallel."""
        check_id(subscription_id, "subscription")
        sub_f = self._submit(
            self._client.get, self._client.store_path(f"/subscriptions/{subscription_id}")
        )
        orders_f = self._submit(
            self._client.get,
            self._client.store_path("/orders"),
            {"subscription_id": subscription_id, "limit": PAGE_LIMIT, "asc": False},
        )
        subscription = to_subscription(self._result(sub_f))
        orders = [to_order(o) for o in self._result(orders_f) or ()]
        paid = [o for o in orders if o.status is OrderStatus.COMPLETED]
        total = Money.zero(subscription.amount.currency)
        for order in paid:
            if order.total.currency == total.currency:
                total = total + order.total
        return SubscriptionDetails(
            subscription=subscription,
            payments_made=len(paid),
            total_paid=total,
            recent_orders=tuple(orders[:10]),
        )

    # ------------------------------------------------------------ local and catalogue

    def list_audit(
        self, customer_id: str, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The local journal's entries for the customer (PayNow keeps none)."""
        return self._journal.entries(customer_id, limit=limit, cursor=cursor)

    def list_tokens(self, customer_id: str) -> tuple[CustomerToken, ...]:
        """Unsupported: PayNow can create a token or invalidate all, not list them."""
        raise self._unsupported(
            "list a customer's tokens: create one (its secret is shown once) or invalidate all"
        )

    def list_products(self) -> tuple[Product, ...]:
        """``GET /products``, by name (cached 60 s)."""
        return self._products()

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """``GET /gameservers``, by name (cached 60 s)."""
        return self._servers()

    def preview_assign(
        self, customer_id: str, product_id: str, server_ids: Sequence[str] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The product's on_purchase commands per server. PayNow fills the placeholders
        itself when it queues them; the preview fills them the way storeadmin does."""
        customer_f = self._submit(self._customer_dto, customer_id)
        product = self._product(product_id)
        servers = [s for s in self._servers() if not server_ids or s.id in server_ids]
        dto = self._result(customer_f)
        return preview_commands(
            to_customer(dto),
            product,
            CommandStage.ON_PURCHASE,
            servers,
            metadata=customer_metadata(dto),
        )
