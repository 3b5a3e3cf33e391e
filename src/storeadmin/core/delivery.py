"""Command delivery to game servers, framework-free.

The wire concepts of PayNow's game-server API (``gameserver-api.json``) as plain
dataclasses, the rule that derives ``failed`` (the protocol reports no failures), the
token helpers, and the ``DeliveryService`` protocol that ``storeadmin serve`` calls.

Everything a game server sends is untrusted: the HTTP layer parses it into these types
(bounded lengths, known shapes) before a service sees it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from storeadmin.core.errors import StoreError
from storeadmin.core.models import CommandStatus, GameServer

SYSTEM_ACTOR = "system"
"""The actor audited for what the store does by itself (the expiry sweep)."""

TOKEN_PREFIX = "gs_"
"""Recognisable start of a game-server token (for secret scanners and humans)."""


class Unauthenticated(StoreError):
    """No token, or a token no enabled-or-disabled server holds (HTTP 401)."""


class ServerDisabled(StoreError):
    """The token belongs to a server an admin disabled (HTTP 403)."""


# ---------------------------------------------------------------- tokens


def new_server_token() -> str:
    """A fresh 256-bit token, shown once to the admin."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex of a token: what is stored. A fast hash is right for 256-bit secrets."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_prefix(token: str) -> str:
    """The first characters of a token, safe to show and audit."""
    return token[:8]


def hashes_match(stored: str, presented: str) -> bool:
    """Constant-time comparison of two token hashes."""
    return hmac.compare_digest(stored.encode("ascii"), presented.encode("ascii"))


# ---------------------------------------------------------------- failure rule


@dataclass(frozen=True, slots=True)
class FailureRule:
    """When an unacknowledged attempt counts as failed.

    The defaults: official plugins poll every 2–10 s and acknowledge right after
    running a command, so a healthy attempt is acknowledged within one poll. Five
    hand-outs without an ack (~10–50 s of retries) or ten minutes since the first
    hand-out mean the plugin keeps failing to run or to acknowledge it. A failed
    attempt is still handed out (a later ack turns it executed); an admin cancels it.
    """

    max_deliveries: int = 5
    """Failed once handed out this many times without an acknowledgement."""
    ack_timeout: timedelta = timedelta(minutes=10)
    """Failed once first handed out longer ago than this without an acknowledgement."""

    def __post_init__(self) -> None:
        if self.max_deliveries < 1:
            raise ValueError("max_deliveries must be at least 1")
        if self.ack_timeout <= timedelta(0):
            raise ValueError("ack_timeout must be positive")


DEFAULT_FAILURE_RULE = FailureRule()


def attempt_status(
    *,
    stored_status: str,
    executed_at: datetime | None,
    unqueued_at: datetime | None,
    delivered_count: int,
    first_delivered_at: datetime | None,
    now: datetime,
    rule: FailureRule = DEFAULT_FAILURE_RULE,
) -> CommandStatus:
    """An attempt's status from what is recorded about it.

    Executed (acknowledged) beats everything: it is what really happened, even after
    a cancel. Then canceled; then a stored ``failed`` (imported or demo data); then
    the failure rule over deliveries; then delivered; else pending.
    """
    if executed_at is not None or stored_status == CommandStatus.EXECUTED.value:
        return CommandStatus.EXECUTED
    if unqueued_at is not None or stored_status == CommandStatus.CANCELED.value:
        return CommandStatus.CANCELED
    if stored_status == CommandStatus.FAILED.value:
        return CommandStatus.FAILED
    if delivered_count > 0:
        if delivered_count >= rule.max_deliveries:
            return CommandStatus.FAILED
        if first_delivered_at is not None and now - first_delivered_at > rule.ack_timeout:
            return CommandStatus.FAILED
        return CommandStatus.DELIVERED
    return CommandStatus.PENDING


# ---------------------------------------------------------------- wire DTOs


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """``LinkGameServerRequestDto``: what a plugin says about itself when it starts."""

    ip: str
    hostname: str
    platform: str
    version: str


@dataclass(frozen=True, slots=True)
class PreviousLink:
    """``PreviousGameServerLinkDto``: the link this one replaced."""

    ip: str
    host_name: str
    last_linked_at: datetime


@dataclass(frozen=True, slots=True)
class LinkResult:
    """``LinkGameServerResponseDto``."""

    server: GameServer
    previously_linked: PreviousLink | None = None
    update_available: bool = False
    latest_version: str | None = None


@dataclass(frozen=True, slots=True)
class OnlinePlayers:
    """The players a plugin POSTed as online; identifiers already canonical.

    ``steam_ids`` are SteamID64 strings, ``minecraft_uuids`` lowercase dashed UUIDs,
    ``customer_names`` casefolded names.
    """

    steam_ids: frozenset[str] = field(default_factory=frozenset)
    minecraft_uuids: frozenset[str] = field(default_factory=frozenset)
    customer_names: frozenset[str] = field(default_factory=frozenset)

    def includes(
        self, *, steam_id: str | None, minecraft_uuid: str | None, name: str | None
    ) -> bool:
        """True when the player is in the list by any of their identifiers."""
        return (
            (steam_id is not None and steam_id in self.steam_ids)
            or (minecraft_uuid is not None and minecraft_uuid in self.minecraft_uuids)
            or (name is not None and name.casefold() in self.customer_names)
        )


@dataclass(frozen=True, slots=True)
class QueuedCommand:
    """``QueuedCommandDto``: one attempt handed to a game server."""

    attempt_id: str
    command: str
    online_only: bool
    queued_at: datetime
    steam_id: str | None = None
    minecraft_uuid: str | None = None
    customer_name: str | None = None


@dataclass(frozen=True, slots=True)
class PlayerJoin:
    """A ``player_join`` event: who joined a server, when and from where."""

    timestamp: datetime
    ip_address: str
    steam_id: str | None = None
    minecraft_uuid: str | None = None
    minecraft_name: str | None = None


@dataclass(frozen=True, slots=True)
class LastSeen:
    """When and where a game server last reported a customer joining."""

    at: datetime
    ip: str | None
    server_id: str | None


@dataclass(frozen=True, slots=True)
class AuthenticatedServer:
    """The game server a request's token belongs to."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class AckResult:
    """What an acknowledgement did: newly executed, already executed, unknown ids."""

    executed: int
    already: int
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What one expiry sweep did."""

    items: int
    commands: int


# ---------------------------------------------------------------- protocol


class DeliveryService(Protocol):
    """The game-server side of a store, as ``storeadmin serve`` uses it.

    Methods block (the HTTP layer calls them from worker threads) and raise only
    ``StoreError`` subclasses: ``Unauthenticated``/``ServerDisabled`` from
    ``authenticate``, ``Unavailable`` when the database cannot be reached (nothing
    was changed), ``NotFound``/``Invalid`` for bad references.
    """

    def authenticate(self, token: str) -> AuthenticatedServer:
        """The server holding ``token`` (looked up by hash, compared in constant time)."""
        ...

    def link(self, server_id: str, request: LinkRequest) -> LinkResult:
        """Record the plugin's link info; return the previous link, if any."""
        ...

    def poll(
        self, server_id: str, online: OnlinePlayers | None, *, limit: int = 500
    ) -> tuple[QueuedCommand, ...]:
        """The server's unacknowledged, uncanceled attempts, oldest first, counting each
        hand-out. ``online`` None (a GET) withholds every online-only attempt; otherwise
        an online-only attempt is returned only when its player is in the list."""
        ...

    def acknowledge(
        self, server_id: str, attempt_ids: Sequence[str], *, peer_ip: str | None
    ) -> AckResult:
        """Mark attempts of this server executed (idempotent: the first ack's time and IP
        stay). Ids that are not this server's attempts come back in ``unknown``."""
        ...

    def record_events(self, server_id: str, joins: Sequence[PlayerJoin]) -> int:
        """Remember when and where each known customer was last seen; returns how many."""
        ...

    def sweep_expired(self, *, limit: int = 1000) -> SweepResult:
        """Queue the ``on_expire`` commands of active items whose end has passed, exactly
        once per item even with concurrent sweepers, audited as ``SYSTEM_ACTOR``."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
