"""Platform identifiers: parse any accepted form, return the canonical one.

Every parser raises ``ValueError`` with a message a user can act on
("a SteamID64 has 17 digits and starts with 7656119"). ASCII only: Python's
``int()``, ``re``'s ``\\d`` and ``uuid.UUID()`` all accept fullwidth digits,
underscores, braces, ``urn:uuid:`` or a trailing newline, so every form is
matched with an explicit ASCII pattern *before* it is converted.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime

from storeadmin.core.models import Platform

# SteamID64 layout: universe (8 bits) | type (4) | instance (20) | account (32).
# A public individual account is universe 1, type 1, instance 1.
STEAM_ID64_BASE = 76561197960265728
"""``0x0110000100000000``: the SteamID64 of (universe 1, type 1, instance 1, account 0)."""
STEAM_ID64_MIN = STEAM_ID64_BASE + 1
STEAM_ID64_MAX = STEAM_ID64_BASE + 0xFFFFFFFF
_STEAM_HINT = "a SteamID64 has 17 digits and starts with 7656119"
_VANITY_LINK = (
    "steamcommunity.com/id/ links use a custom name that cannot be checked offline; paste "
    "the SteamID64 instead (open the profile and copy the 7656119… number, e.g. from "
    "steamid.io)"
)
VANITY_LINK_SEARCH = "No SteamID64 in a steamcommunity.com/id/ link: paste the 7656119… number"
"""What a search for a custom-name Steam link says (one line, 80 columns)."""

DISCORD_EPOCH_MS = 1420070400000
"""Discord snowflake epoch: 2015-01-01T00:00:00Z in Unix milliseconds."""

_UINT64_LIMIT = 2**64
_UUID_HINT = (
    "a Minecraft UUID has 32 hex digits, with or without dashes "
    "(e.g. 069a79f4-44e9-4726-a5be-fca90e38aaf5)"
)

_DIGITS17 = re.compile(r"[0-9]{17}")
_DIGITS = re.compile(r"[0-9]+")
_STEAM2 = re.compile(r"STEAM_([01]):([01]):([0-9]{1,10})", re.IGNORECASE)
_STEAM3 = re.compile(r"\[U:1:([0-9]{1,10})\]|U:1:([0-9]{1,10})", re.IGNORECASE)
_STEAM_URL = re.compile(
    r"(?:https?://)?(?:www\.)?steamcommunity\.com/(profiles|id)/([^/?#]*)/?(?:[?#]\S*)?",
    re.IGNORECASE,
)
_UUID_UNDASHED = re.compile(r"[0-9a-fA-F]{32}")
_UUID_DASHED = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)

_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

MAX_OTHER_ID = 64
"""Longest external ID accepted for :attr:`Platform.OTHER`."""


def _clean(text: str, hint: str) -> str:
    """Strip ordinary spaces; refuse empty, non-ASCII or control characters with ``hint``."""
    if not isinstance(text, str):
        raise ValueError(f"expected text: {hint}")
    # Only ASCII spaces are stripped: a pasted trailing newline or tab is refused
    # rather than silently accepted, as the notes require.
    stripped = text.strip(" ")
    if not stripped:
        raise ValueError(f"empty: {hint}")
    if not stripped.isascii():
        raise ValueError(f"use plain ASCII characters (0-9, a-f): {hint}")
    if not stripped.isprintable():
        raise ValueError(f"remove the line break or control character: {hint}")
    return stripped


def _steam_from_account(account: int) -> str:
    """The canonical SteamID64 for an account number."""
    if not 0 < account <= 0xFFFFFFFF:
        raise ValueError(f"account number {account} is out of range: {_STEAM_HINT}")
    return str(STEAM_ID64_BASE + account)


def _steam_from_id64(digits: str) -> str:
    """Check a 17-digit SteamID64: universe 1, type 1, instance 1, account ≠ 0."""
    if not _DIGITS17.fullmatch(digits):
        raise ValueError(f"{_STEAM_HINT} (got {len(digits)} characters)")
    value = int(digits)
    universe, kind = value >> 56, (value >> 52) & 0xF
    instance, account = (value >> 32) & 0xFFFFF, value & 0xFFFFFFFF
    if universe != 1 or kind != 1:
        raise ValueError(f"not an individual Steam account: {_STEAM_HINT}")
    if account == 0:
        raise ValueError("that SteamID64 has account number 0, which is no Steam user")
    if instance != 1:
        # Same account under another instance: Steam treats it as the same user,
        # so accepting it would create a duplicate customer (ban evasion).
        raise ValueError(
            f"that SteamID64 uses a non-standard instance; "
            f"the same account's SteamID64 is {STEAM_ID64_BASE + account}"
        )
    return digits


def parse_steam_id(text: str) -> str:
    """SteamID64, ``STEAM_X:Y:Z``, ``[U:1:W]`` or a steamcommunity.com/profiles/ URL → SteamID64."""
    cleaned = _clean(text, _STEAM_HINT)
    url = _STEAM_URL.fullmatch(cleaned)
    if url is not None:
        kind, rest = url.group(1).lower(), url.group(2)
        if kind == "id":
            raise ValueError(_VANITY_LINK)
        return _steam_from_id64(rest)
    steam2 = _STEAM2.fullmatch(cleaned)
    if steam2 is not None:
        return _steam_from_account(int(steam2.group(3)) * 2 + int(steam2.group(2)))
    steam3 = _STEAM3.fullmatch(cleaned)
    if steam3 is not None:
        return _steam_from_account(int(steam3.group(1) or steam3.group(2)))
    if _DIGITS.fullmatch(cleaned):
        return _steam_from_id64(cleaned)
    raise ValueError(
        f"{_STEAM_HINT}; STEAM_0:Y:Z, [U:1:W] and steamcommunity.com/profiles/ links also work"
    )


def parse_minecraft_uuid(text: str) -> str:
    """A Minecraft UUID, dashed or not, any case → lowercase dashed."""
    cleaned = _clean(text, _UUID_HINT)
    if not (_UUID_UNDASHED.fullmatch(cleaned) or _UUID_DASHED.fullmatch(cleaned)):
        raise ValueError(_UUID_HINT)
    value = uuid.UUID(hex=cleaned.replace("-", ""))
    # No check of value.version: offline-mode ids are v3 and Floodgate ids
    # (00000000-0000-0000-<xuid>) have version None, and both are real players.
    if value.int == 0:
        raise ValueError("the all-zero (nil) UUID is not a player")
    return str(value)


def minecraft_uuid_kind(canonical: str) -> str:
    """``"floodgate"`` (Bedrock via Geyser), ``"offline"`` (v3), ``"online"`` (v4) or ``"other"``."""
    value = uuid.UUID(canonical)
    if value.int >> 64 == 0:
        return "floodgate"
    if value.version == 3:
        return "offline"
    if value.version == 4:
        return "online"
    return "other"


def floodgate_xuid(canonical: str) -> str | None:
    """The Xbox XUID inside a Floodgate UUID (``new UUID(0, xuid)``), else None."""
    try:
        value = uuid.UUID(canonical)
    except ValueError:
        return None
    if value.int >> 64 != 0 or value.int == 0:
        return None
    return str(value.int)


def parse_xuid(text: str) -> str:
    """An Xbox XUID (unsigned 64-bit decimal) → its decimal string."""
    hint = "an Xbox XUID is a number of up to 20 digits (e.g. 2533274790395904)"
    cleaned = _clean(text, hint)
    if not re.fullmatch(r"[0-9]{1,20}", cleaned):
        raise ValueError(hint)
    value = int(cleaned)
    if not 0 < value < _UINT64_LIMIT:
        raise ValueError(f"out of range: {hint}")
    return str(value)


def parse_discord_id(text: str, *, now: datetime | None = None) -> str:
    """A Discord snowflake (17–20 digits, timestamp 2015..now) → its decimal string."""
    hint = "a Discord user ID is a number of 17 to 20 digits (e.g. 80351110224678912)"
    cleaned = _clean(text, hint)
    if not re.fullmatch(r"[1-9][0-9]{16,19}", cleaned):
        raise ValueError(hint)
    value = int(cleaned)
    if value >= _UINT64_LIMIT:
        raise ValueError(f"too large: {hint}")
    created_ms = (value >> 22) + DISCORD_EPOCH_MS
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if created_ms < DISCORD_EPOCH_MS:
        raise ValueError(f"that ID dates from before Discord existed (2015): {hint}")
    if created_ms > now.timestamp() * 1000:
        raise ValueError(f"that ID would be created in the future: {hint}")
    return cleaned


def discord_id_created_at(canonical: str) -> datetime:
    """When a Discord snowflake was created (UTC)."""
    return datetime.fromtimestamp(((int(canonical) >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


def parse_other_id(text: str) -> str:
    """An external ID of another platform: trimmed, 1–64 printable characters."""
    if not isinstance(text, str):
        raise ValueError("expected text")
    # Refuse controls anywhere (a trailing newline too) before stripping spaces.
    if any(unicodedata.category(ch) in _UNPRINTABLE for ch in text):
        raise ValueError("remove the line break or control character from the ID")
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("the external ID is empty")
    if len(cleaned) > MAX_OTHER_ID:
        raise ValueError(f"an external ID has at most {MAX_OTHER_ID} characters")
    return cleaned


def canonical_external_id(platform: Platform, text: str) -> str:
    """The canonical external ID for ``platform`` (OTHER: trimmed, printable, ≤ 64 chars)."""
    kind = Platform(platform)
    if kind is Platform.STEAM:
        return parse_steam_id(text)
    if kind is Platform.MINECRAFT:
        return parse_minecraft_uuid(text)
    if kind is Platform.XBOX:
        return parse_xuid(text)
    return parse_other_id(text)


def is_vanity_steam_link(text: str) -> bool:
    """Whether ``text`` is a steamcommunity.com/id/<name> link: a custom name, which no
    offline check can turn into a SteamID64."""
    url = _STEAM_URL.fullmatch(text.strip(" "))
    return url is not None and url.group(1).lower() == "id"


def identifier_candidates(text: str) -> list[tuple[Platform, str]]:
    """Every (platform, canonical ID) that ``text`` could be, for search; may be empty.

    Only structured platforms are tried (Steam, Minecraft, Xbox); an exact match on
    a :attr:`Platform.OTHER` ID is the caller's business. Never raises.
    """
    found: list[tuple[Platform, str]] = []
    for platform, parser in (
        (Platform.STEAM, parse_steam_id),
        (Platform.MINECRAFT, parse_minecraft_uuid),
        (Platform.XBOX, parse_xuid),
    ):
        try:
            found.append((platform, parser(text)))
        except (ValueError, TypeError):
            continue
    return found


def profile_url(platform: Platform, external_id: str) -> str | None:
    """Public profile page: Steam community for a SteamID64, a Minecraft profile for a UUID."""
    try:
        kind = Platform(platform)
        if kind is Platform.STEAM:
            return f"https://steamcommunity.com/profiles/{parse_steam_id(external_id)}"
        if kind is Platform.MINECRAFT:
            return f"https://namemc.com/profile/{parse_minecraft_uuid(external_id)}"
    except (ValueError, TypeError):
        return None
    return None
