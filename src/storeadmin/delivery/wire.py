"""JSON ⇄ delivery DTOs, exactly as ``gameserver-api.json`` spells them.

Parsing is strict about shapes (the spec's ``additionalProperties: false``, required
keys, types) and lenient about content: every string from a game server is untrusted,
so it is cut to the column's length and stripped of control characters, and an
identifier that is not one (a bad SteamID) is ignored rather than failing a poll.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from storeadmin.core.delivery import (
    LinkRequest,
    LinkResult,
    OnlinePlayers,
    PlayerJoin,
    QueuedCommand,
)
from storeadmin.core.identifiers import parse_minecraft_uuid, parse_steam_id

MAX_LIST = 5000
"""Online players per list a poll may send (a 1,000-slot server sends ~1,000)."""
MAX_BATCH = 5000
"""Acknowledgements or events per request."""


NO_BODY: Any = object()
"""What ``read_json`` returns for an empty body where the spec makes the body optional."""


class WireError(ValueError):
    """The body does not have the shape the spec requires (HTTP 400)."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def clean(text: str, limit: int) -> str:
    """An untrusted string made safe to store and show: no control chars, bounded."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])


def _object(value: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise WireError("expected a JSON object", path)
    extra = sorted(set(value) - allowed)
    if extra:
        raise WireError(f"unexpected property {clean(extra[0], 40)!r}", path)
    missing = sorted(required - set(value))
    if missing:
        raise WireError(f"missing required property {missing[0]!r}", path)
    return value


def _string(value: Any, path: str, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise WireError("expected a string", path)
    return value


def _array(value: Any, path: str, *, nullable: bool = False, limit: int = MAX_LIST) -> list[Any]:
    if value is None and nullable:
        return []
    if not isinstance(value, list):
        raise WireError("expected an array", path)
    if len(value) > limit:
        raise WireError(f"at most {limit} entries", path)
    return value


def parse_link(body: Any) -> LinkRequest:
    """``LinkGameServerRequestDto``; no body at all (the spec allows it) is all empty,
    and the service keeps the previous value of an empty field."""
    if body is NO_BODY:
        return LinkRequest(ip="", hostname="", platform="", version="")
    keys = {"ip", "hostname", "platform", "version"}
    data = _object(body, "$", keys, keys)
    values = {key: _string(data[key], f"$.{key}") or "" for key in keys}
    return LinkRequest(
        ip=clean(values["ip"], 64),
        hostname=clean(values["hostname"], 255),
        platform=clean(values["platform"], 64),
        version=clean(values["version"], 64),
    )


def _steam(value: Any, path: str) -> str | None:
    # The spec's SteamId is a string (its prose also allows numbers; every official
    # plugin sends strings, and a JSON number cannot hold a SteamID64 exactly).
    if not isinstance(value, str):
        raise WireError("expected a SteamID string", path)
    try:
        return parse_steam_id(value[:64])
    except ValueError:
        return None


def _uuid(value: str) -> str | None:
    try:
        return parse_minecraft_uuid(value[:64])
    except ValueError:
        return None


def parse_online(body: Any) -> OnlinePlayers:
    """``GetQueuedCommandsWithOnlinePlayersRequestDto``; no body at all is no players."""
    if body is NO_BODY:
        return OnlinePlayers()
    keys = {"steam_ids", "minecraft_uuids", "customer_names"}
    data = _object(body, "$", keys, set())
    steam: set[str] = set()
    for index, value in enumerate(_array(data.get("steam_ids"), "$.steam_ids", nullable=True)):
        parsed = _steam(value, f"$.steam_ids[{index}]")
        if parsed is not None:
            steam.add(parsed)
    uuids: set[str] = set()
    raw_uuids = _array(data.get("minecraft_uuids"), "$.minecraft_uuids", nullable=True)
    for index, value in enumerate(raw_uuids):
        text = _string(value, f"$.minecraft_uuids[{index}]") or ""
        parsed = _uuid(text)
        if parsed is not None:
            uuids.add(parsed)
    names: set[str] = set()
    raw_names = _array(data.get("customer_names"), "$.customer_names", nullable=True)
    for index, value in enumerate(raw_names):
        text = _string(value, f"$.customer_names[{index}]") or ""
        if text:
            names.add(text[:200].casefold())
    return OnlinePlayers(
        steam_ids=frozenset(steam),
        minecraft_uuids=frozenset(uuids),
        customer_names=frozenset(names),
    )


def parse_acks(body: Any) -> list[str]:
    """``MarkQueuedCommandAsExecutedDto[]`` → attempt ids (as sent)."""
    ids: list[str] = []
    if body is NO_BODY:
        return ids
    for index, entry in enumerate(_array(body, "$", limit=MAX_BATCH)):
        data = _object(entry, f"$[{index}]", {"attempt_id"}, {"attempt_id"})
        value = _string(data["attempt_id"], f"$[{index}].attempt_id") or ""
        ids.append(value[:64])
    return ids


def _timestamp(value: Any, path: str) -> datetime:
    text = _string(value, path) or ""
    try:
        moment = datetime.fromisoformat(text.strip()[:64].replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # 0001-01-01T00:00+14:00 is before year 1 in UTC
        raise WireError("expected an RFC 3339 date-time", path) from None


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()[:64]))
    except ValueError:
        return clean(value, 64)


def parse_events(body: Any) -> list[PlayerJoin]:
    """``ReportGameServerEventsEntryDto[]`` → the player joins among them."""
    joins: list[PlayerJoin] = []
    if body is NO_BODY:
        return joins
    for index, entry in enumerate(_array(body, "$", limit=MAX_BATCH)):
        path = f"$[{index}]"
        data = _object(entry, path, {"event", "timestamp", "player_join"}, {"event", "timestamp"})
        event = _string(data["event"], f"{path}.event")
        if event not in ("invalid", "player_join"):
            raise WireError("unknown event type", f"{path}.event")
        when = _timestamp(data["timestamp"], f"{path}.timestamp")
        if "player_join" not in data:
            continue
        join = data["player_join"]
        jpath = f"{path}.player_join"
        jdata = _object(
            join,
            jpath,
            {"ip_address", "steam_id", "minecraft_uuid", "minecraft_name"},
            {"ip_address"},
        )
        ip = _string(jdata["ip_address"], f"{jpath}.ip_address") or ""
        steam = _steam(jdata["steam_id"], f"{jpath}.steam_id") if "steam_id" in jdata else None
        raw_uuid = _string(jdata.get("minecraft_uuid"), f"{jpath}.minecraft_uuid", nullable=True)
        name = _string(jdata.get("minecraft_name"), f"{jpath}.minecraft_name", nullable=True)
        if name is not None and len(name) > 128:
            raise WireError("at most 128 characters", f"{jpath}.minecraft_name")
        if event != "player_join":
            continue
        joins.append(
            PlayerJoin(
                timestamp=when,
                ip_address=_ip(ip),
                steam_id=steam,
                minecraft_uuid=_uuid(raw_uuid) if raw_uuid else None,
                minecraft_name=clean(name, 128) if name else None,
            )
        )
    return joins


# ---------------------------------------------------------------- responses


def iso(moment: datetime) -> str:
    """RFC 3339 UTC with a ``Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def link_json(result: LinkResult) -> dict[str, Any]:
    """``LinkGameServerResponseDto``; ``previously_linked`` omitted when there is none."""
    body: dict[str, Any] = {
        "update_available": result.update_available,
        "latest_version": result.latest_version,
        "gameserver": {
            "id": result.server.id,
            "name": result.server.name,
            "enabled": result.server.enabled,
        },
    }
    if result.previously_linked is not None:
        body["previously_linked"] = {
            "ip": result.previously_linked.ip,
            "host_name": result.previously_linked.host_name,
            "last_linked_at": iso(result.previously_linked.last_linked_at),
        }
    return body


def queued_json(commands: Sequence[QueuedCommand]) -> list[dict[str, Any]]:
    """``QueuedCommandDto[]``; ``steam_id`` omitted when there is none."""
    out: list[dict[str, Any]] = []
    for command in commands:
        entry: dict[str, Any] = {"attempt_id": command.attempt_id}
        if command.steam_id is not None:
            entry["steam_id"] = command.steam_id
        entry["minecraft_uuid"] = command.minecraft_uuid
        entry["customer_name"] = command.customer_name
        entry["command"] = command.command
        entry["online_only"] = command.online_only
        entry["queued_at"] = iso(command.queued_at)
        out.append(entry)
    return out
