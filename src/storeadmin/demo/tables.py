"""Shapes shared by the demo generator and loader: columns, counters, time literals.

Times are ints of epoch seconds; ``Timestamps`` turns one into the literal a backend
stores through two lookup tables (day prefix + time of day), which is much cheaper
per row than datetime arithmetic and formatting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

DAY = 86_400
YEAR = 365 * DAY
HISTORY = 3 * YEAR
"""Customers were first seen within three years before the anchor."""

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "store_settings": ("key", "value"),
    "game_servers": ("id", "name", "game"),
    "products": (
        "id",
        "name",
        "slug",
        "type",
        "price",
        "interval_value",
        "interval_scale",
        "duration_days",
        "server_ids",
    ),
    "product_commands": (
        "id",
        "product_id",
        "position",
        "stage",
        "content",
        "online_only",
        "server_ids",
    ),
    "customers": (
        "id",
        "username",
        "name_key",
        "search_key",
        "platform",
        "external_id",
        "first_seen",
        "version",
        "ban_reason",
        "banned_at",
        "banned_by",
        "ban_expires_at",
    ),
    "customer_metadata": ("customer_id", "key", "value"),
    "subscriptions": (
        "id",
        "customer_id",
        "product_id",
        "amount",
        "interval_value",
        "interval_scale",
        "status",
        "created_at",
        "current_period_end",
        "next_billing_at",
        "canceled_at",
        "cancel_reason",
    ),
    "orders": (
        "id",
        "customer_id",
        "subscription_id",
        "status",
        "products",
        "subtotal",
        "discount",
        "tax",
        "fees",
        "refunded",
        "total",
        "gateway",
        "created_at",
        "completed_at",
    ),
    "order_lines": (
        "id",
        "order_id",
        "product_id",
        "product_name",
        "quantity",
        "unit_price",
        "total",
    ),
    "inventory_items": (
        "id",
        "customer_id",
        "product_id",
        "state",
        "source",
        "order_id",
        "granted_by",
        "granted_at",
        "expires_at",
        "server_ids",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
        "expire_queued_at",
    ),
    "command_attempts": (
        "id",
        "item_id",
        "server_id",
        "stage",
        "command",
        "online_only",
        "status",
        "queued_at",
        "executed_at",
        "error",
    ),
    "audit_log": (
        "id",
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "customer_id",
        "before",
        "after",
        "reason",
    ),
}
"""Insert order and columns of every table the generator fills."""

BATCH_TABLES = tuple(COLUMNS)[4:]


@dataclass
class Counters:
    """Rows generated so far (and the next id of each table)."""

    customers: int = 0
    metadata: int = 0
    subscriptions: int = 0
    orders: int = 0
    order_lines: int = 0
    items: int = 0
    command_attempts: int = 0
    audit_entries: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


class Timestamps:
    """Epoch seconds → timestamp literal, via a day table and a time-of-day table."""

    def __init__(self, anchor: int, suffix: str) -> None:
        anchor_day = anchor // DAY
        self.first_day = anchor_day - 4 * 366
        start = date(1970, 1, 1) + timedelta(days=self.first_day)
        self.days = [(start + timedelta(days=i)).isoformat() + " " for i in range(7 * 366)]
        self.secs = [
            f"{h:02d}:{m:02d}:{s:02d}{suffix}"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

    def __call__(self, t: int) -> str:
        """The literal for ``t``."""
        return self.days[t // DAY - self.first_day] + self.secs[t % DAY]


def weighted(pairs: Any, size: int = 1000) -> list[Any]:
    """A lookup list in which each value appears in proportion to its weight."""
    total = sum(w for _v, w in pairs)
    out: list[Any] = []
    for value, weight in pairs:
        out.extend([value] * round(weight * size / total))
    return out


def iso(t: int | None) -> str | None:
    """ISO 8601 UTC for audit JSON (the same text on both backends)."""
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat()
