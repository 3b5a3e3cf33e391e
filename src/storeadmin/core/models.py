"""Domain types: plain, frozen, framework-free.

Vocabulary follows the PayNow management API (MIT) where it has a word for a thing:
order statuses, subscription statuses, command stages, delivery item states.
Every datetime is timezone-aware UTC.

IDs are opaque strings: the SQL store's are decimal integers, a hosted store's are
64-bit flakes (``"411486491630370816"``) that a JSON double cannot hold exactly. The
UI and the CLI pass them back unchanged and never do arithmetic on them. A
``version`` is opaque too (a counter on SQL, a timestamp on a hosted store): it is
read with a record and handed back to a write that must not overwrite a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

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
    """Delivery status of one command attempt.

    pending → delivered (handed to a game server, not yet acknowledged) → executed
    (acknowledged); canceled when an admin unqueued it. The game-server protocol
    reports no failures, so failed is derived: delivered too often or too long ago
    without an acknowledgement (the rule is the store's, see ``FailureRule``).
    """

    PENDING = "pending"
    DELIVERED = "delivered"
    EXECUTED = "executed"
    FAILED = "failed"
    CANCELED = "canceled"


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
    NAME_NEAR = "near match"
    """Nothing matched: a name close to the input (a typo), closest first."""
    NEWEST = "newest"
    """No query: the newest customers."""

    @property
    def is_exact(self) -> bool:
        """True for kinds that identify one customer unambiguously."""
        return self not in (
            MatchKind.NAME_PREFIX,
            MatchKind.NAME_SUBSTRING,
            MatchKind.NAME_NEAR,
            MatchKind.NEWEST,
        )


class Feature(StrEnum):
    """Optional abilities of a store. A backend that lacks one says so in ``StoreInfo``;
    the UI hides or explains the action in one line instead of offering one that fails."""

    LIST_TOKENS = "list tokens"
    """Tokens can be listed (PayNow can only create one or invalidate all)."""
    REVOKE_ONE_TOKEN = "revoke one token"
    TOKEN_LABELS = "token labels and expiry"
    AUDIT_LOG = "audit log"
    """The store keeps the per-customer history itself (else a local journal does)."""
    COMMAND_DELIVERY = "command delivery"
    """Command attempts can be listed, resent and canceled."""
    GAME_SERVER_ADMIN = "game server admin"
    """Game servers can be added, given tokens and disabled here."""
    SPEND_HISTORY = "spend history"
    """Net spend per month, for the header's sparkline."""


ALL_FEATURES: frozenset[Feature] = frozenset(Feature)


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

    id: str
    name: str
    game: str
    """``rust``, ``minecraft``, … (decides which ID placeholders make sense)."""
    enabled: bool = True
    linked_hostname: str | None = None
    linked_platform: str | None = None
    linked_version: str | None = None
    linked_ip: str | None = None
    linked_at: datetime | None = None
    last_poll_at: datetime | None = None
    pending: int = 0
    """Attempts queued for it and not yet acknowledged or canceled."""
    oldest_pending_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreatedServerToken:
    """A game server's new token: the secret is shown once; only its hash is stored."""

    server: GameServer
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class StuckDeliveries:
    """What an admin should look at: attempts waiting too long, online-only attempts
    whose player has not been seen lately, and servers that stopped polling."""

    waiting: tuple[CommandAttempt, ...]
    player_unseen: tuple[CommandAttempt, ...]
    silent_servers: tuple[GameServer, ...]


@dataclass(frozen=True, slots=True)
class ProductCommand:
    """A command template of a product for one stage."""

    stage: CommandStage
    content: str
    """Template with placeholders such as ``{steam_id}`` or ``{username}``."""
    server_ids: tuple[str, ...]
    """Game servers the command runs on; empty means every server of the product."""
    online_only: bool = False


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue entry."""

    id: str
    name: str
    slug: str
    type: ProductType
    price: Money
    interval: BillingInterval | None
    """Billing interval of a subscription product."""
    duration_days: int | None
    """How long a granted item lasts; None means it never expires."""
    server_ids: tuple[str, ...]
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

    id: str
    username: str
    platform: Platform
    external_id: str
    """Canonical platform ID: SteamID64, lowercase dashed UUID, XUID, …"""
    first_seen: datetime
    version: str
    """Opaque: hand it back as ``expected_version`` of an edit."""
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

    id: str
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

    id: str
    customer_id: str
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

    id: str
    customer_id: str
    product_id: str
    product_name: str
    product_type: ProductType
    state: ItemState
    source: ItemSource
    order_id: str | None
    granted_by: str | None
    """Admin who granted a manual item."""
    granted_at: datetime
    expires_at: datetime | None
    server_ids: tuple[str, ...] = ()
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

    id: str
    item_id: str
    server_id: str
    server_name: str
    stage: CommandStage
    command: str
    online_only: bool
    status: CommandStatus
    queued_at: datetime
    executed_at: datetime | None = None
    error: str | None = None
    customer_id: str | None = None
    delivered_count: int = 0
    """How many times a game server was handed this attempt (duplicates stay visible)."""
    last_delivered_at: datetime | None = None
    executed_by_ip: str | None = None
    unqueued_at: datetime | None = None
    """When an admin canceled it (PayNow ``unqueued_at``)."""
    rerun: bool = False
    """A resend of an earlier attempt (PayNow ``rerun``)."""

    @property
    def can_cancel(self) -> bool:
        """Only an attempt no game server has acknowledged can be unqueued."""
        return self.status in (CommandStatus.PENDING, CommandStatus.DELIVERED, CommandStatus.FAILED)


@dataclass(frozen=True, slots=True)
class CommandPreview:
    """A command that an action would queue, rendered for the confirmation screen."""

    server_id: str
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

    id: str
    customer_id: str
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
    subscription_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of an order."""

    id: str
    product_id: str
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

    id: str
    customer_id: str
    product_id: str
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

    id: str
    at: datetime
    actor: str
    action: str
    """Dotted verb such as ``customer.edit``, ``item.revoke``, ``token.create``."""
    target_type: str
    target_id: str
    customer_id: str | None
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
    location: str
    """Where the store is, as the user named it, with any password removed."""
    customers: int | None = 0
    """None when the backend cannot count them cheaply."""
    extra: Mapping[str, str] = field(default_factory=dict)
    features: frozenset[Feature] = field(default_factory=lambda: ALL_FEATURES)
    """What this store can do; the UI and the CLI offer nothing else."""
    kind: str = "database"
    """What the store is, in the words an error about it uses ("database", "PayNow")."""


# ---------------------------------------------------------------- constructor paths


_CONSTRUCTORS: dict[type[Any], Callable[..., Any]] = {}


def trusted_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor of a frozen, slotted dataclass, for mapping database rows.

    ``trusted_constructor(Order)(*values)`` equals ``Order(*values)`` with every field
    given in declaration order (no defaults), without the dataclass ``__init__``'s
    ``object.__setattr__`` per field: each value goes straight into its slot. Only for
    classes whose ``__init__`` checks nothing (no ``__post_init__``); others are refused.
    """
    found: Callable[..., T] | None = _CONSTRUCTORS.get(cls)
    if found is not None:
        return found
    if not is_dataclass(cls) or "__post_init__" in vars(cls) or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__}: not a slotted dataclass without __post_init__")
    names = [f.name for f in fields(cls)]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for index, name in enumerate(names):
        namespace[f"_set{index}"] = getattr(cls, name).__set__
    arguments = ", ".join(f"a{index}" for index in range(len(names)))
    body = "".join(f"    _set{index}(obj, a{index})\n" for index in range(len(names)))
    exec(f"def make({arguments}):\n    obj = _new(_cls)\n{body}    return obj\n", namespace)
    made: Callable[..., T] = namespace["make"]
    _CONSTRUCTORS[cls] = made
    return made
