"""Domain types: plain, frozen, framework-free.

Vocabulary follows the PayNow management API (MIT) where it has a word for a thing:
order statuses, subscription statuses, command stages, delivery item states.
Every datetime is timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from storeadmin.core.money import Money

T = TypeVar("T")


class Platform(StrEnum):
    """Which platform a customer's external ID belongs to."""

    STEAM = "steam"
    MINECRAFT = "minecraft"
    XBOX = "xbox"
    OTHER = "other"


class ProductType(StrEnum):
    """How a product is sold."""

    ONE_TIME = "one_time"
    SUBSCRIPTION = "subscription"


class CommandStage(StrEnum):
    """When a product command runs (PayNow ``ProductCommandStage``)."""

    ON_PURCHASE = "on_purchase"
    ON_EXPIRE = "on_expire"
    ON_RENEW = "on_renew"
    ON_REFUND = "on_refund"
    ON_CHARGEBACK = "on_chargeback"


class OrderStatus(StrEnum):
    """PayNow ``OrderStatus``."""

    CREATED = "created"
    COMPLETED = "completed"
    CANCELED = "canceled"
    REFUNDED = "refunded"
    CHARGEBACK = "chargeback"


class SubscriptionStatus(StrEnum):
    """PayNow ``SubscriptionStatusDto``: created (not yet active), active (will renew), canceled."""

    CREATED = "created"
    ACTIVE = "active"
    CANCELED = "canceled"


class IntervalScale(StrEnum):
    """Unit of a billing interval."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class ItemState(StrEnum):
    """State of an inventory (delivery) item as the admin sees it."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ItemSource(StrEnum):
    """How an inventory item was granted."""

    ORDER = "order"
    MANUAL = "manual"


class CommandStatus(StrEnum):
    """Delivery status of one command attempt."""

    PENDING = "pending"
    EXECUTED = "executed"
    FAILED = "failed"


class TokenState(StrEnum):
    """Derived state of a customer token."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class MatchKind(StrEnum):
    """Why a customer matched a search; exact kinds let Enter open the customer directly."""

    CUSTOMER_ID = "customer id"
    EXTERNAL_ID = "external id"
    ORDER_ID = "order id"
    SUBSCRIPTION_ID = "subscription id"
    METADATA = "metadata"
    NAME_PREFIX = "name"
    NAME_SUBSTRING = "name contains"
    NEWEST = "newest"
    """No query: the newest customers."""

    @property
    def is_exact(self) -> bool:
        """True for kinds that identify one customer unambiguously."""
        return self not in (MatchKind.NAME_PREFIX, MatchKind.NAME_SUBSTRING, MatchKind.NEWEST)


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True, slots=True)
class BillingInterval:
    """A billing period such as 30 days or 1 month."""

    value: int
    scale: IntervalScale

    @property
    def days(self) -> int:
        """Approximate length in days (a month is 30 days, a year 365)."""
        per = {
            IntervalScale.DAY: 1,
            IntervalScale.WEEK: 7,
            IntervalScale.MONTH: 30,
            IntervalScale.YEAR: 365,
        }
        return self.value * per[self.scale]

    def label(self) -> str:
        """Human label: ``30 days``, ``1 month``, ``2 weeks``."""
        unit = self.scale.value
        return f"{self.value} {unit}" if self.value == 1 else f"{self.value} {unit}s"


@dataclass(frozen=True, slots=True)
class GameServer:
    """A game server that polls the store for commands."""

    id: int
    name: str
    game: str
    """``rust``, ``minecraft``, … (decides which ID placeholders make sense)."""


@dataclass(frozen=True, slots=True)
class ProductCommand:
    """A command template of a product for one stage."""

    stage: CommandStage
    content: str
    """Template with placeholders such as ``{steam_id}`` or ``{username}``."""
    server_ids: tuple[int, ...]
    """Game servers the command runs on; empty means every server of the product."""
    online_only: bool = False


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue entry."""

    id: int
    name: str
    slug: str
    type: ProductType
    price: Money
    interval: BillingInterval | None
    """Billing interval of a subscription product."""
    duration_days: int | None
    """How long a granted item lasts; None means it never expires."""
    server_ids: tuple[int, ...]
    """Game servers the product applies to."""
    commands: tuple[ProductCommand, ...] = ()

    def commands_for(self, stage: CommandStage) -> tuple[ProductCommand, ...]:
        """The commands of one stage, in catalogue order."""
        return tuple(c for c in self.commands if c.stage is stage)


# ---------------------------------------------------------------- customers


@dataclass(frozen=True, slots=True)
class Ban:
    """A ban on a customer: blocks purchases and manual grants, keeps what they own."""

    reason: str
    banned_at: datetime
    banned_by: str
    expires_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        """A ban whose end has passed no longer counts."""
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True, slots=True)
class Customer:
    """A store customer; ``version`` guards edits against lost updates."""

    id: int
    username: str
    platform: Platform
    external_id: str
    """Canonical platform ID: SteamID64, lowercase dashed UUID, XUID, …"""
    first_seen: datetime
    version: int
    ban: Ban | None = None
    """The ban in force, if any (expired and lifted bans are not here)."""
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def is_banned(self) -> bool:
        """True when a ban is in force."""
        return self.ban is not None


@dataclass(frozen=True, slots=True)
class CustomerStats:
    """The stats header: every figure comes from SQL aggregates."""

    total_spent_net: Money
    """Completed payments minus fees, refunds and chargebacks."""
    mrr: Money
    """Active subscriptions normalised to a 30-day month."""
    total_payments: int
    """Number of completed payments."""
    active_subscriptions: int
    total_refunds: int = 0
    total_chargebacks: int = 0


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """One search result row."""

    id: int
    username: str
    platform: Platform
    external_id: str
    first_seen: datetime
    net_spent: Money
    banned: bool
    active_subscriber: bool
    matched_by: MatchKind


@dataclass(frozen=True, slots=True)
class SpendPoint:
    """Net spend in one calendar month (for the sparkline)."""

    month: str
    """``YYYY-MM``."""
    amount: Money


@dataclass(frozen=True, slots=True)
class CustomerDetails:
    """Everything the details screen header shows."""

    customer: Customer
    stats: CustomerStats
    spend_by_month: tuple[SpendPoint, ...] = ()


@dataclass(frozen=True, slots=True)
class MetadataField:
    """One key/value pair of customer metadata."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class CustomerToken:
    """A customer access token; only its hash is stored, ``prefix`` is for recognition."""

    id: int
    customer_id: int
    label: str
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def state(self, now: datetime) -> TokenState:
        """Revoked beats expired beats active."""
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return TokenState.EXPIRED
        return TokenState.ACTIVE


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """A newly created token and its secret, which is shown once and never stored."""

    token: CustomerToken
    secret: str


# ---------------------------------------------------------------- entitlements


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """A product a customer owns or owned (PayNow "delivery item")."""

    id: int
    customer_id: int
    product_id: int
    product_name: str
    product_type: ProductType
    state: ItemState
    source: ItemSource
    order_id: int | None
    granted_by: str | None
    """Admin who granted a manual item."""
    granted_at: datetime
    expires_at: datetime | None
    server_ids: tuple[int, ...] = ()
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    @property
    def can_revoke(self) -> bool:
        """Only active items can be revoked."""
        return self.state is ItemState.ACTIVE


@dataclass(frozen=True, slots=True)
class CommandAttempt:
    """One command queued for a game server, with placeholders filled."""

    id: int
    item_id: int
    server_id: int
    server_name: str
    stage: CommandStage
    command: str
    online_only: bool
    status: CommandStatus
    queued_at: datetime
    executed_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class CommandPreview:
    """A command that an action would queue, rendered for the confirmation screen."""

    server_id: int
    server_name: str
    stage: CommandStage
    command: str
    online_only: bool
    unresolved: tuple[str, ...] = ()
    """Placeholders that had no value for this customer."""


# ---------------------------------------------------------------- money flows


@dataclass(frozen=True, slots=True)
class Order:
    """An order as listed in the Orders tab, with its money breakdown."""

    id: int
    customer_id: int
    status: OrderStatus
    products: str
    """Product names of its lines, comma-separated."""
    subtotal: Money
    discount: Money
    tax: Money
    fees: Money
    refunded: Money
    total: Money
    gateway: str
    created_at: datetime
    completed_at: datetime | None = None
    subscription_id: int | None = None


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of an order."""

    id: int
    product_id: int
    product_name: str
    quantity: int
    unit_price: Money
    total: Money


@dataclass(frozen=True, slots=True)
class OrderDetails:
    """An order with its lines."""

    order: Order
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A recurring purchase."""

    id: int
    customer_id: int
    product_id: int
    product_name: str
    amount: Money
    interval: BillingInterval
    status: SubscriptionStatus
    created_at: datetime
    current_period_end: datetime | None = None
    next_billing_at: datetime | None = None
    canceled_at: datetime | None = None
    cancel_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionDetails:
    """A subscription with the payments made for it."""

    subscription: Subscription
    payments_made: int
    total_paid: Money
    recent_orders: tuple[Order, ...] = ()


# ---------------------------------------------------------------- audit


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One admin action: who, when, what, before and after."""

    id: int
    at: datetime
    actor: str
    action: str
    """Dotted verb such as ``customer.edit``, ``item.revoke``, ``token.create``."""
    target_type: str
    target_id: str
    customer_id: int | None
    before: Mapping[str, object] | None = None
    after: Mapping[str, object] | None = None
    reason: str | None = None


# ---------------------------------------------------------------- paging


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One keyset page; pass ``next_cursor`` back to get the next one."""

    items: tuple[T, ...]
    next_cursor: str | None = None
    total: int | None = None
    """Total matching rows when the service knows it cheaply."""

    @property
    def has_more(self) -> bool:
        """True when another page follows."""
        return self.next_cursor is not None


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """What the app header says about the store it is looking at."""

    name: str
    currency: str
    database: str
    """The database URL with any password removed."""
    customers: int = 0
    extra: Mapping[str, str] = field(default_factory=dict)
