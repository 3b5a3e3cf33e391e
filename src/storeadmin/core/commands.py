"""Game-server command templates: placeholder values, rendering and previews.

This is the single source of truth for what a product command becomes for a
customer: the data layer stores exactly what :func:`preview_commands` returns
and the assign/revoke modals show the same previews. Placeholders use both our
snake_case names (``{steam_id}``) and PayNow's dotted ones
(``{customer.steam.id}``, paynow.md §1.6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType

from storeadmin.core.identifiers import (
    floodgate_xuid,
    parse_minecraft_uuid,
    parse_steam_id,
    parse_xuid,
)
from storeadmin.core.models import (
    CommandPreview,
    CommandStage,
    Customer,
    GameServer,
    Platform,
    Product,
)

_EMPTY: Mapping[str, str] = MappingProxyType({})

# Everything that could end a console line or hide text: C0, DEL, C1, line and
# paragraph separators, bidi and zero-width format characters.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
# Characters that chain or redirect commands in shells and several game-server
# consoles, or break out of a quoted argument. Customer-chosen text loses them.
_SHELL_META = re.compile(r"""[;|&`$<>"'\\]""")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z0-9_.]+)\}")
_DISCORD_DIGITS = re.compile(r"[1-9][0-9]{16,19}")


def neutralise(value: str) -> str:
    """``value`` without control characters, safe to place inside one console line."""
    return _CONTROL.sub("", value)


def neutralise_name(value: str) -> str:
    """A customer-chosen name without control characters or ``; | & ` $ < > " ' \\``."""
    return _SHELL_META.sub("", neutralise(value)).strip()


def _iso_utc(moment: datetime) -> str:
    """``2026-01-15T13:00:00Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _canonical(parser: Callable[[str], str], raw: str) -> str:
    """The canonical form of a stored ID, or its neutralised self if it no longer parses."""
    try:
        return parser(raw)
    except ValueError:
        return neutralise_name(raw)


def _discord_id(metadata: Mapping[str, str]) -> str | None:
    """The customer's DiscordID metadata value (key compared case-insensitively)."""
    for key, value in metadata.items():
        if key.casefold() == "discordid":
            cleaned = value.strip()
            # Only a well-formed snowflake goes into a command; anything else is
            # left unresolved so the preview flags it.
            return cleaned if _DISCORD_DIGITS.fullmatch(cleaned) else None
    return None


def placeholder_values(
    customer: Customer,
    product: Product,
    server: GameServer,
    *,
    metadata: Mapping[str, str] = _EMPTY,
    order_id: int | None = None,
    expires_at: datetime | None = None,
) -> dict[str, str]:
    """Every placeholder value for one customer, product and server, safe for a console."""
    name = neutralise_name(customer.username)
    platform = Platform(customer.platform)
    values: dict[str, str] = {
        "username": name,
        "name": name,
        "customer_id": str(customer.id),
        "customer.id": str(customer.id),
        "customer.name": name,
        "customer.profile.platform": platform.value,
        "product": neutralise(product.name),
        "product.name": neutralise(product.name),
        "product_id": str(product.id),
        "product.id": str(product.id),
        "product_slug": neutralise_name(product.slug),
        "server": neutralise(server.name),
        "server_id": str(server.id),
    }
    if platform is Platform.STEAM:
        steam_id = _canonical(parse_steam_id, customer.external_id)
        values.update(
            {
                "external_id": steam_id,
                "steam_id": steam_id,
                "customer.steam.id": steam_id,
                "customer.steam.name": name,
            }
        )
    elif platform is Platform.MINECRAFT:
        dashed = _canonical(parse_minecraft_uuid, customer.external_id)
        values.update(
            {
                "external_id": dashed,
                "uuid": dashed,
                "uuid_undashed": dashed.replace("-", ""),
                "customer.minecraft.uuid": dashed,
                "customer.minecraft.id": dashed,
                "customer.minecraft.name": name,
            }
        )
        # A Bedrock player joining through Geyser/Floodgate carries their XUID.
        xuid = floodgate_xuid(dashed)
        if xuid is not None:
            values["xuid"] = xuid
    elif platform is Platform.XBOX:
        xuid = _canonical(parse_xuid, customer.external_id)
        values.update({"external_id": xuid, "xuid": xuid, "customer.xbox.id": xuid})
    else:
        values["external_id"] = neutralise_name(customer.external_id)
    discord_id = _discord_id(metadata)
    if discord_id is not None:
        values["discord_id"] = discord_id
        values["customer.discord.id"] = discord_id
    if order_id is not None:
        values["order_id"] = str(order_id)
        values["order.id"] = str(order_id)
    if expires_at is not None:
        values["expires_at"] = _iso_utc(expires_at)
    return values


def render_command(template: str, values: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """Fill ``{key}`` placeholders in one pass; return the command and unresolved keys.

    ``{{`` and ``}}`` are literal braces. A placeholder with no value (or an empty
    one) stays as written and is listed, once, in order of first appearance.
    Values are inserted literally: a value containing ``{x}`` is not expanded.
    """
    unresolved: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        key = match.group(1)
        value = values.get(key)
        if value:
            return value
        if key not in unresolved:
            unresolved.append(key)
        return token

    return _PLACEHOLDER.sub(substitute, template), tuple(unresolved)


def preview_commands(
    customer: Customer,
    product: Product,
    stage: CommandStage,
    servers: Sequence[GameServer],
    *,
    metadata: Mapping[str, str] = _EMPTY,
    order_id: int | None = None,
    expires_at: datetime | None = None,
) -> tuple[CommandPreview, ...]:
    """The commands ``stage`` would queue: product command order, then ``servers`` order.

    A command targets its own ``server_ids``, or the product's when it has none;
    only targets present in ``servers`` are used (each server once).
    """
    stage = CommandStage(stage)
    previews: list[CommandPreview] = []
    for command in product.commands_for(stage):
        targets = set(command.server_ids or product.server_ids)
        seen: set[str] = set()
        for server in servers:
            if server.id not in targets or server.id in seen:
                continue
            seen.add(server.id)
            values = placeholder_values(
                customer,
                product,
                server,
                metadata=metadata,
                order_id=order_id,
                expires_at=expires_at,
            )
            rendered, unresolved = render_command(command.content, values)
            previews.append(
                CommandPreview(
                    server_id=server.id,
                    server_name=server.name,
                    stage=stage,
                    command=rendered,
                    online_only=command.online_only,
                    unresolved=unresolved,
                )
            )
    return tuple(previews)


def unresolved_in(command: str) -> tuple[str, ...]:
    """Placeholders left in a rendered command: they had no value and go out as written."""
    names = (match.group(1) for match in _PLACEHOLDER.finditer(command) if match.group(1))
    return tuple(dict.fromkeys(names))
