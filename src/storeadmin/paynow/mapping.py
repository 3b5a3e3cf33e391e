"""PayNow DTOs (parsed JSON) → storeadmin's domain types.

Every optional field of the contract may be missing or null; the mappers default it.
Money: PayNow sends integer minor units plus a currency code, as we store it.
Actors (``ActorDto``) become ``"<type>:<id>"`` (``user:4114…``, ``api_key``).

Item states: PayNow's ``usable`` (granted, not yet activated), ``active`` and
``renewed`` (a renewal extended it) are ACTIVE while their effective expiry
(``override_expires_at`` else ``expires_at``) is ahead; ``used``, a ``removed_at`` or a
passed expiry is EXPIRED; ``revoked`` (or a ``revoked_at``) is REVOKED.

Command attempts: ``unqueued_at`` → CANCELED, ``executed_at`` → EXECUTED, else
PENDING. PayNow reports no delivery nor failure, so DELIVERED and FAILED never
come from PayNow (the notes: "no failure field").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from storeadmin.core.identifiers import parse_minecraft_uuid, parse_steam_id, parse_xuid
from storeadmin.core.models import (
    Ban,
    CommandAttempt,
    CommandStage,
    CommandStatus,
    Customer,
    CustomerStats,
    InventoryItem,
    ItemSource,
    ItemState,
    Platform,
    ProductType,
)
from storeadmin.core.money import Money

Dto = Mapping[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def currency_code(value: object, fallback: str = "XXX") -> str:
    """An ISO 4217 code, upper-cased; ``fallback`` (XXX: "no currency") for anything else."""
    text = str(value or "").strip()
    if len(text) == 3 and text.isascii() and text.isalpha():
        return text.upper()
    return fallback


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 timestamp as aware UTC, or None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """An aware datetime as the API's ISO 8601 (UTC, ``Z``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def actor_name(actor: object) -> str | None:
    """``ActorDto`` → ``"type:id"`` / ``"type"``; None when absent."""
    if not isinstance(actor, Mapping) or not actor.get("type"):
        return None
    kind = str(actor["type"])
    return f"{kind}:{actor['id']}" if actor.get("id") else kind


def text_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


# ---------------------------------------------------------------- customers


def customer_identity(dto: Dto) -> tuple[Platform, str]:
    """The customer's platform and canonical external ID (first of Steam, Minecraft, Xbox)."""
    for platform, key, parser in (
        (Platform.STEAM, "steam_id", parse_steam_id),
        (Platform.MINECRAFT, "minecraft_uuid", parse_minecraft_uuid),
        (Platform.XBOX, "xbox_xuid", parse_xuid),
    ):
        raw = text_or_none(dto.get(key))
        if raw is not None:
            try:
                return platform, parser(raw)
            except ValueError:
                return platform, raw
    profile = dto.get("profile")
    if isinstance(profile, Mapping) and profile.get("id"):
        return Platform.OTHER, str(profile["id"])
    return Platform.OTHER, ""


def customer_name(dto: Dto) -> str:
    """The name an admin knows: explicit name, else the platform profile's, else the ID."""
    for value in (
        dto.get("name"),
        (dto.get("profile") or {}).get("name"),
        (dto.get("steam") or {}).get("name"),
        (dto.get("minecraft") or {}).get("name"),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(dto["id"])


def customer_version(dto: Dto) -> str:
    """The opaque version: ``updated_at`` as PayNow sent it (else ``created_at``)."""
    return str(dto.get("updated_at") or dto.get("created_at") or "")


def to_customer(dto: Dto, ban: Ban | None = None) -> Customer:
    """``CustomerDto`` → Customer."""
    platform, external = customer_identity(dto)
    return Customer(
        id=str(dto["id"]),
        username=customer_name(dto),
        platform=platform,
        external_id=external,
        first_seen=parse_time(dto.get("created_at")) or EPOCH,
        version=customer_version(dto),
        ban=ban,
        updated_at=parse_time(dto.get("updated_at")),
    )


def customer_metadata(dto: Dto) -> dict[str, str]:
    """``CustomerDto.metadata`` as a str → str dict (required, but tolerate null)."""
    raw = dto.get("metadata") or {}
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def money(dto: object, currency: str) -> Money:
    """``MoneyDto_V2`` → Money (zero in ``currency`` when absent)."""
    if isinstance(dto, Mapping) and isinstance(dto.get("amount_minor_units"), int):
        return Money(
            int(dto["amount_minor_units"]), currency_code(dto.get("iso_currency"), currency)
        )
    return Money.zero(currency)


def to_stats(dto: Dto, currency: str) -> CustomerStats:
    """``CustomerStatsDto_V2`` → CustomerStats (PayNow's own definitions, see the package docs)."""
    return CustomerStats(
        total_spent_net=money(dto.get("total_spend_net"), currency),
        mrr=money(dto.get("total_monthly_recurring_revenue"), currency),
        total_payments=int(dto.get("total_payments") or 0),
        active_subscriptions=int(dto.get("total_active_subscriptions") or 0),
        total_refunds=int(dto.get("total_refunds") or 0),
        total_chargebacks=int(dto.get("total_chargebacks") or 0),
    )


def to_ban(dto: Dto) -> Ban:
    """``BanDto`` → Ban."""
    return Ban(
        reason=str(dto.get("reason") or ""),
        banned_at=parse_time(dto.get("created_at")) or EPOCH,
        banned_by=actor_name(dto.get("created_by")) or "PayNow",
        expires_at=parse_time(dto.get("expires_at")),
    )


def ban_identities(dto: Dto) -> list[dict[str, str]]:
    """The ``BanIdentityDto``s that name this customer: its ID and its SteamID."""
    identities = [{"ban_type": "customer", "ban_type_value": str(dto["id"])}]
    if text_or_none(dto.get("steam_id")):
        identities.append({"ban_type": "steam", "ban_type_value": str(dto["steam_id"])})
    return identities


# ---------------------------------------------------------------- inventory


def item_state(dto: Dto, now: datetime) -> ItemState:
    """PayNow ``DeliveryItemStateDto`` → ItemState (rules in the module docstring)."""
    state = str(dto.get("state") or "")
    if state == "revoked" or dto.get("revoked_at"):
        return ItemState.REVOKED
    if state == "used" or dto.get("removed_at"):
        return ItemState.EXPIRED
    expires = item_expiry(dto)
    if expires is not None and expires <= now:
        return ItemState.EXPIRED
    return ItemState.ACTIVE


def item_expiry(dto: Dto) -> datetime | None:
    """The effective expiry: the override, else the natural one."""
    return parse_time(dto.get("override_expires_at")) or parse_time(dto.get("expires_at"))


def to_item(dto: Dto, now: datetime) -> InventoryItem:
    """``DeliveryItemDto`` → InventoryItem."""
    product = dto.get("product") or {}
    order_id = text_or_none(dto.get("order_id"))
    server = text_or_none(dto.get("execute_on_gameserver_id"))
    return InventoryItem(
        id=str(dto["id"]),
        customer_id=str(dto.get("customer_id") or ""),
        product_id=str(product.get("id") or ""),
        product_name=str(product.get("name") or product.get("slug") or "?"),
        product_type=ProductType.SUBSCRIPTION
        if dto.get("subscription_id")
        else ProductType.ONE_TIME,
        state=item_state(dto, now),
        source=ItemSource.ORDER if order_id else ItemSource.MANUAL,
        order_id=order_id,
        granted_by=None if order_id else actor_name(dto.get("added_by")),
        granted_at=parse_time(dto.get("added_at")) or EPOCH,
        expires_at=item_expiry(dto),
        server_ids=(server,) if server else (),
        revoked_at=parse_time(dto.get("revoked_at")),
        revoked_by=actor_name(dto.get("revoked_by")),
        revoke_reason=text_or_none(dto.get("revoke_reason")),
    )


def stage_of(value: object) -> CommandStage:
    try:
        return CommandStage(str(value))
    except ValueError:
        return CommandStage.ON_PURCHASE


def attempt_status(dto: Dto) -> CommandStatus:
    """``CommandAttemptDto`` → CommandStatus (module docstring)."""
    if dto.get("unqueued_at"):
        return CommandStatus.CANCELED
    if dto.get("executed_at"):
        return CommandStatus.EXECUTED
    return CommandStatus.PENDING


def to_attempt(
    dto: Dto, server_names: Mapping[str, str], item_id: str | None = None
) -> CommandAttempt:
    """``CommandAttemptDto`` → CommandAttempt (server name from the game-server list)."""
    server = str(dto.get("gameserver_id") or "")
    return CommandAttempt(
        id=str(dto["id"]),
        item_id=str(dto.get("inventory_item_id") or item_id or ""),
        server_id=server,
        server_name=server_names.get(server, server),
        stage=stage_of(dto.get("command_stage")),
        command=str(dto.get("command") or ""),
        online_only=bool(dto.get("online_only")),
        status=attempt_status(dto),
        queued_at=parse_time(dto.get("queued_at")) or EPOCH,
        executed_at=parse_time(dto.get("executed_at")),
        customer_id=text_or_none(dto.get("customer_id")),
        executed_by_ip=text_or_none(dto.get("executed_by_ip")),
        unqueued_at=parse_time(dto.get("unqueued_at")),
        rerun=bool(dto.get("rerun")),
    )
