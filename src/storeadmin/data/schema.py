"""SQLAlchemy models of the store. Only the data layer imports this module.

Money columns hold integer minor units; the currency is the store's (one per store),
kept in ``store_settings``. Times are stored as timezone-aware UTC.
Names of enum columns use the PayNow spellings (see ``storeadmin.core.models``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storeadmin.core.search_text import search_key
from storeadmin.data.dialect import is_sqlite
from storeadmin.data.prepared import read_utc

OPEN_ATTEMPT = "executed_at IS NULL AND unqueued_at IS NULL"
"""An attempt a game server should still run (a partial index's predicate)."""
SWEEPABLE_ITEM = "state = 'active' AND expire_queued_at IS NULL"
"""An item the expiry sweep may still claim (a partial index's predicate)."""

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Integer primary keys autoincrement on both backends; BigInteger on PostgreSQL only,
# because SQLite's rowid alias must be spelled INTEGER.
IdType = BigInteger().with_variant(Integer(), "sqlite")
# Bytewise collation on PostgreSQL so `name_key >= :p AND name_key < :p_next` is a
# correct prefix range under any database locale.
NameKeyType = String(200).with_variant(String(200, collation="C"), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends.

    SQLite keeps no offset, so values are stored as UTC and read back with UTC attached;
    a naive datetime is a bug in the caller and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if is_sqlite(dialect) else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """SQLite: the stored naive UTC text parsed straight into an aware datetime, in
        one call (``data.prepared.read_utc``; a page of 100 orders holds 200 of them, and
        parse-then-``replace`` cost ~1 µs each). Elsewhere ``process_result_value``."""
        if is_sqlite(dialect):
            return read_utc(dialect)
        return super().result_processor(dialect, coltype)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations can name constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime}


class StoreSetting(Base):
    """Key/value settings of the store: ``name``, ``currency``."""

    __tablename__ = "store_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class GameServerRow(Base):
    """A game server that receives commands."""

    __tablename__ = "game_servers"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    game: Mapped[str] = mapped_column(String(32))
    # Delivery (migration 0003): only the token's SHA-256 is stored.
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    token_hash: Mapped[str | None] = mapped_column(String(64))
    token_prefix: Mapped[str | None] = mapped_column(String(16))
    token_issued_at: Mapped[datetime | None]
    linked_hostname: Mapped[str | None] = mapped_column(String(255))
    linked_platform: Mapped[str | None] = mapped_column(String(64))
    linked_version: Mapped[str | None] = mapped_column(String(64))
    linked_ip: Mapped[str | None] = mapped_column(String(64))
    linked_at: Mapped[datetime | None]
    last_poll_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_game_servers_token_hash", "token_hash", unique=True),)


class ProductRow(Base):
    """A catalogue product; ``server_ids`` is a JSON list of game server ids."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    price: Mapped[int] = mapped_column(BigInteger)
    interval_value: Mapped[int | None] = mapped_column(Integer)
    interval_scale: Mapped[str | None] = mapped_column(String(8))
    duration_days: Mapped[int | None] = mapped_column(Integer)
    server_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class ProductCommandRow(Base):
    """A command template of a product for one stage."""

    __tablename__ = "product_commands"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    online_only: Mapped[bool] = mapped_column(Boolean, default=False)
    server_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    __table_args__ = (Index(None, "product_id", "position"),)


def _search_key_default(context: Any) -> str:
    """The search key of the username being inserted."""
    return search_key(str(context.get_current_parameters()["username"]))


class CustomerRow(Base):
    """A customer; the ban in force lives on the row, its history in the audit log."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(NameKeyType)
    """``username.casefold()``: the name as a game server reports it online (delivery)."""
    search_key: Mapped[str | None] = mapped_column(NameKeyType, default=_search_key_default)
    """``core.search_text.search_key(username)``: what name search compares against
    (no case, accents or separators). Filled from ``username`` on insert; a rename sets
    it; nullable only because SQLite cannot make an added column NOT NULL in place."""
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(100))
    first_seen: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(100))
    ban_reason: Mapped[str | None] = mapped_column(Text)
    banned_at: Mapped[datetime | None]
    banned_by: Mapped[str | None] = mapped_column(String(100))
    ban_expires_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_customers_platform_external_id"),
        Index("ix_customers_external_id", "external_id"),
        Index("ix_customers_name_key", "name_key", "id"),
        Index("ix_customers_search_key", "search_key", "id"),
    )


class MetadataRow(Base):
    """One metadata key/value of a customer."""

    __tablename__ = "customer_metadata"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(1024))

    __table_args__ = (Index("ix_customer_metadata_key_value", "key", "value"),)


class TokenRow(Base):
    """A customer token; only the SHA-256 of the secret is stored."""

    __tablename__ = "customer_tokens"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class SubscriptionRow(Base):
    """A recurring purchase."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    interval_value: Mapped[int] = mapped_column(Integer)
    interval_scale: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    current_period_end: Mapped[datetime | None]
    next_billing_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_subscriptions_customer_created", "customer_id", "created_at", "id"),
        Index("ix_subscriptions_customer_status", "customer_id", "status", "amount"),
    )


class OrderRow(Base):
    """An order; ``products`` repeats its lines' product names for the list view."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    products: Mapped[str] = mapped_column(Text)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger, default=0)
    tax: Mapped[int] = mapped_column(BigInteger, default=0)
    fees: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger)
    gateway: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_orders_customer_created", "customer_id", "created_at", "id"),
        # Covering (migration 0002): the per-status sums of data.stats read it alone,
        # and it serves the keyset page of one status like the index it replaced.
        Index(
            "ix_orders_customer_status_amounts",
            "customer_id",
            "status",
            "created_at",
            "id",
            "total",
            "fees",
            "refunded",
        ),
    )


class OrderLineRow(Base):
    """One line of an order."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    product_name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)


class InventoryItemRow(Base):
    """A product a customer owns or owned.

    ``state`` is ``active`` or ``revoked``; an active item whose ``expires_at`` has
    passed reads as expired, so expiry needs no background job.
    """

    __tablename__ = "inventory_items"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    state: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    granted_by: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    server_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    expire_queued_at: Mapped[datetime | None]
    """When the expiry sweep queued its on_expire commands: the exactly-once guard (0003)."""

    __table_args__ = (
        Index("ix_inventory_items_customer_granted", "customer_id", "granted_at", "id"),
        Index(
            "ix_inventory_items_expiry",
            "expires_at",
            sqlite_where=text(SWEEPABLE_ITEM),
            postgresql_where=text(SWEEPABLE_ITEM),
        ),
    )


class CommandAttemptRow(Base):
    """A command queued for a game server, placeholders filled."""

    __tablename__ = "command_attempts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("inventory_items.id", ondelete="CASCADE"), index=True
    )
    server_id: Mapped[int] = mapped_column(ForeignKey("game_servers.id"))
    stage: Mapped[str] = mapped_column(String(16))
    command: Mapped[str] = mapped_column(Text)
    online_only: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime]
    executed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    # Delivery (migration 0003), PayNow CommandAttemptDto's vocabulary.
    delivered_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    first_delivered_at: Mapped[datetime | None]
    last_delivered_at: Mapped[datetime | None]
    executed_by_ip: Mapped[str | None] = mapped_column(String(64))
    unqueued_at: Mapped[datetime | None]
    unqueued_by: Mapped[str | None] = mapped_column(String(100))
    rerun: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rerun_of_id: Mapped[int | None] = mapped_column(IdType)

    __table_args__ = (
        Index(
            "ix_command_attempts_open",
            "server_id",
            "id",
            sqlite_where=text(OPEN_ATTEMPT),
            postgresql_where=text(OPEN_ATTEMPT),
        ),
    )


class CustomerPresenceRow(Base):
    """When and where a game server last saw a customer (``player_join`` events, 0003)."""

    __tablename__ = "customer_presence"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    last_seen_at: Mapped[datetime]
    last_seen_ip: Mapped[str | None] = mapped_column(String(64))
    last_seen_server_id: Mapped[int | None] = mapped_column(
        ForeignKey("game_servers.id", ondelete="SET NULL")
    )


class AuditRow(Base):
    """An append-only record of one admin action.

    ``request_id`` is the idempotency key of the action: a replay of the same request
    violates its unique constraint and rolls the whole transaction back.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_log_customer_id", "customer_id", "id"),)
