"""Read side of the SQL StoreService.

Each method opens one short read transaction and delegates to a query module:
``search`` (customer search), ``stats`` (money aggregates), ``customer_queries``
(details tabs), ``paging`` (keyset cursors). Page sizes are clamped to 1..500.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

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
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.data import customer_queries as tabs
from storeadmin.data import mappers
from storeadmin.data.base import ServiceBase
from storeadmin.data.engine import redact_url
from storeadmin.data.paging import clamp_limit
from storeadmin.data.schema import (
    CustomerRow,
    GameServerRow,
    MetadataRow,
    ProductCommandRow,
    ProductRow,
    StoreSetting,
)
from storeadmin.data.search import MetadataKeys
from storeadmin.data.search import search_customers as run_search
from storeadmin.data.stats import customer_stats, spend_by_month

DEFAULT_STORE_NAME = "storeadmin store"
EXACT_COUNT_UP_TO = 100_000
"""Above this many customers the header shows an estimate instead of counting."""


class StoreReads(ServiceBase):
    """Queries: search, customer details, paged tabs."""

    def store_info(self) -> StoreInfo:
        """Store name, currency, redacted database URL and customer count.

        The count is exact up to 100,000 customers. Above that it is an estimate that
        costs nothing: PostgreSQL's planner statistics (``pg_class.reltuples``), or
        SQLite's highest customer id (ids are never reused; deletions make it high).
        ``extra["customers"]`` says ``"estimate"`` when it is one.
        """
        with self.read() as session:
            name = session.execute(
                select(StoreSetting.value).where(StoreSetting.key == "name")
            ).scalar_one_or_none()
            currency = self.currency(session)
            count, estimated = self._customer_count(session)
        return StoreInfo(
            name=name or DEFAULT_STORE_NAME,
            currency=currency,
            database=redact_url(self.engine.url),
            customers=count,
            extra={"customers": "estimate"} if estimated else {},
        )

    def _customer_count(self, session: Session) -> tuple[int, bool]:
        """(customers, whether that is an estimate)."""
        if self.engine.dialect.name == "postgresql":
            estimate = session.execute(
                text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('customers')")
            ).scalar_one_or_none()
            if estimate is not None and estimate > EXACT_COUNT_UP_TO:
                return int(estimate), True
        else:
            highest = session.execute(select(func.max(CustomerRow.id))).scalar_one_or_none()
            if highest is not None and highest > EXACT_COUNT_UP_TO:
                return int(highest), True
        return int(
            session.execute(select(func.count()).select_from(CustomerRow)).scalar_one()
        ), False

    @property
    def metadata_keys(self) -> MetadataKeys:
        """The distinct metadata keys search looks values up under, cached for 60 s.

        Created on first use; a metadata write drops it (``write_metadata``).
        """
        keys = self.__dict__.get("_metadata_keys")
        if keys is None:
            keys = self.__dict__.setdefault("_metadata_keys", MetadataKeys())
        return keys

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Find customers by name (prefix, then substring), any form of external ID,
        customer / order / subscription ID, or metadata value (a Discord ID).

        Exact matches come first; an empty query lists the newest customers.
        """
        with self.read() as session:
            return run_search(
                session,
                query,
                limit=clamp_limit(limit),
                cursor=cursor,
                now=self.now(),
                currency=self.currency(session),
                keys_cache=self.metadata_keys,
            )

    def get_customer(self, customer_id: int) -> CustomerDetails:
        """The customer with the stats header figures (defined in ``data.stats``)."""
        now = self.now()
        with self.read() as session:
            row = session.execute(
                select(*CustomerRow.__table__.c).where(CustomerRow.id == customer_id)
            ).one_or_none()
            if row is None:
                raise NotFound(f"no customer with ID {customer_id}")
            currency = self.currency(session)
            stats = customer_stats(session, customer_id, currency)
            months = spend_by_month(session, customer_id, currency, now)
        return CustomerDetails(
            customer=mappers.customer_from_row(row, now), stats=stats, spend_by_month=months
        )

    def list_inventory(
        self,
        customer_id: int,
        *,
        state: ItemState | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[InventoryItem]:
        """Items newest first, optionally of one state."""
        with self.read() as session:
            return tabs.list_inventory(
                session,
                customer_id,
                state=state,
                limit=clamp_limit(limit),
                cursor=cursor,
                now=self.now(),
            )

    def list_command_attempts(self, item_id: int) -> tuple[CommandAttempt, ...]:
        """Every command attempt of an item, oldest first."""
        with self.read() as session:
            return tabs.list_command_attempts(session, item_id)

    def list_orders(
        self,
        customer_id: int,
        *,
        status: OrderStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Order]:
        """Orders newest first, optionally of one status."""
        with self.read() as session:
            return tabs.list_orders(
                session,
                customer_id,
                status=status,
                limit=clamp_limit(limit),
                cursor=cursor,
                currency=self.currency(session),
            )

    def get_order(self, order_id: int) -> OrderDetails:
        """One order with its lines."""
        with self.read() as session:
            return tabs.get_order(session, order_id, self.currency(session))

    def list_subscriptions(
        self,
        customer_id: int,
        *,
        status: SubscriptionStatus | None = None,
        limit: int = DEFAULT_PAGE,
        cursor: str | None = None,
    ) -> Page[Subscription]:
        """Subscriptions newest first, optionally of one status."""
        with self.read() as session:
            return tabs.list_subscriptions(
                session,
                customer_id,
                status=status,
                limit=clamp_limit(limit),
                cursor=cursor,
                currency=self.currency(session),
            )

    def get_subscription(self, subscription_id: int) -> SubscriptionDetails:
        """One subscription with its payments."""
        with self.read() as session:
            return tabs.get_subscription(session, subscription_id, self.currency(session))

    def get_metadata(self, customer_id: int) -> tuple[MetadataField, ...]:
        """The customer's metadata, in key order."""
        with self.read() as session:
            return tabs.get_metadata(session, customer_id)

    def list_audit(
        self, customer_id: int, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's audit entries, newest first."""
        with self.read() as session:
            return tabs.list_audit(session, customer_id, limit=clamp_limit(limit), cursor=cursor)

    def list_tokens(self, customer_id: int) -> tuple[CustomerToken, ...]:
        """The customer's tokens, newest first."""
        with self.read() as session:
            return tabs.list_tokens(session, customer_id)

    def list_products(self) -> tuple[Product, ...]:
        """The catalogue, by name, each with its commands in position order."""
        with self.read() as session:
            return self._products(session, None)

    def _products(self, session: Session, product_id: int | None) -> tuple[Product, ...]:
        products = select(*ProductRow.__table__.c).order_by(ProductRow.name, ProductRow.id)
        commands = select(*ProductCommandRow.__table__.c).order_by(
            ProductCommandRow.product_id, ProductCommandRow.position, ProductCommandRow.id
        )
        if product_id is not None:
            products = products.where(ProductRow.id == product_id)
            commands = commands.where(ProductCommandRow.product_id == product_id)
        by_product: dict[int, list[Any]] = {}
        for command in session.execute(commands):
            by_product.setdefault(int(command.product_id), []).append(command)
        currency = self.currency(session)
        return tuple(
            mappers.product_from_rows(row, by_product.get(int(row.id), ()), currency)
            for row in session.execute(products)
        )

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server, by name."""
        with self.read() as session:
            rows = session.execute(
                select(*GameServerRow.__table__.c).order_by(GameServerRow.name, GameServerRow.id)
            )
            return tuple(mappers.server_from_row(r) for r in rows)

    def preview_assign(
        self, customer_id: int, product_id: int, server_ids: Sequence[int] | None = None
    ) -> tuple[CommandPreview, ...]:
        """The on_purchase commands that assigning the product would queue.

        Servers: ``server_ids`` when given, else the product's servers, else every server.
        """
        from storeadmin.core.commands import preview_commands

        now = self.now()
        with self.read() as session:
            row = session.execute(
                select(*CustomerRow.__table__.c).where(CustomerRow.id == customer_id)
            ).one_or_none()
            if row is None:
                raise NotFound(f"no customer with ID {customer_id}")
            found = self._products(session, product_id)
            if not found:
                raise NotFound(f"no product with ID {product_id}")
            product = found[0]
            wanted = list(server_ids) if server_ids is not None else list(product.server_ids)
            servers_query = select(*GameServerRow.__table__.c).order_by(
                GameServerRow.name, GameServerRow.id
            )
            if wanted or server_ids is not None:
                servers_query = servers_query.where(GameServerRow.id.in_(wanted))
            servers = tuple(mappers.server_from_row(r) for r in session.execute(servers_query))
            missing = set(wanted) - {s.id for s in servers}
            if missing:
                raise NotFound(f"no game server with ID {min(missing)}")
            metadata = {
                m.key: m.value
                for m in session.execute(
                    select(MetadataRow.key, MetadataRow.value).where(
                        MetadataRow.customer_id == customer_id
                    )
                )
            }
        return tuple(
            preview_commands(
                mappers.customer_from_row(row, now),
                product,
                CommandStage.ON_PURCHASE,
                servers,
                metadata=metadata,
            )
        )
