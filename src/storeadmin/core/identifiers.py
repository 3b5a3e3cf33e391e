"""Platform identifiers: parse any accepted form, return the canonical one.

Every parser raises ``ValueError`` with a message a user can act on
("a SteamID64 has 17 digits and starts with 7656119"). ASCII only.
"""

from __future__ import annotations

from datetime import datetime

from storeadmin.core.models import Platform


def parse_steam_id(text: str) -> str:
    """SteamID64, ``STEAM_X:Y:Z``, ``[U:1:W]`` or a steamcommunity.com/profiles/ URL → SteamID64."""
    raise NotImplementedError


def parse_minecraft_uuid(text: str) -> str:
    """A Minecraft UUID, dashed or not, any case → lowercase dashed."""
    raise NotImplementedError


def parse_xuid(text: str) -> str:
    """An Xbox XUID (unsigned 64-bit decimal) → its decimal string."""
    raise NotImplementedError


def parse_discord_id(text: str, *, now: datetime | None = None) -> str:
    """A Discord snowflake (17–20 digits, timestamp 2015..now) → its decimal string."""
    raise NotImplementedError


def canonical_external_id(platform: Platform, text: str) -> str:
    """The canonical external ID for ``platform`` (OTHER: trimmed, printable, ≤ 64 chars)."""
    raise NotImplementedError


def identifier_candidates(text: str) -> list[tuple[Platform, str]]:
    """Every (platform, canonical ID) that ``text`` could be, for search; may be empty."""
    raise NotImplementedError


def profile_url(platform: Platform, external_id: str) -> str | None:
    """Public profile page: Steam community for a SteamID64, a Minecraft profile for a UUID."""
    raise NotImplementedError
