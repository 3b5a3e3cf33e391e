"""Identifier parsing: every accepted form gives the canonical ID; every pitfall is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storeadmin.core.identifiers import (
    STEAM_ID64_BASE,
    canonical_external_id,
    discord_id_created_at,
    floodgate_xuid,
    identifier_candidates,
    minecraft_uuid_kind,
    parse_discord_id,
    parse_minecraft_uuid,
    parse_steam_id,
    parse_xuid,
    profile_url,
)
from storeadmin.core.models import Platform

GABE = "76561197960287930"  # STEAM_0:0:11101 / [U:1:22202]
KNOWN = "76561198006409530"  # STEAM_0:0:23071901 / [U:1:46143802]

# ------------------------------------------------------------------ Steam


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (KNOWN, KNOWN),
        (f"  {KNOWN}  ", KNOWN),
        (GABE, GABE),
        ("76561197960265729", "76561197960265729"),  # account 1, the smallest
        ("76561202255233023", "76561202255233023"),  # account 2**32-1, the largest
        ("STEAM_0:0:23071901", KNOWN),
        ("STEAM_1:0:23071901", KNOWN),  # X (universe digit) is ignored
        ("steam_0:0:23071901", KNOWN),
        ("STEAM_0:0:11101", GABE),
        ("STEAM_0:1:0", "76561197960265729"),
        ("[U:1:46143802]", KNOWN),
        ("U:1:46143802", KNOWN),
        ("[U:1:22202]", GABE),
        (f"https://steamcommunity.com/profiles/{KNOWN}", KNOWN),
        (f"https://steamcommunity.com/profiles/{KNOWN}/", KNOWN),
        (f"http://www.steamcommunity.com/profiles/{KNOWN}/", KNOWN),
        (f"steamcommunity.com/profiles/{KNOWN}", KNOWN),
        (f"HTTPS://SteamCommunity.com/profiles/{KNOWN}", KNOWN),
        (f"https://steamcommunity.com/profiles/{KNOWN}/?l=english", KNOWN),
        (f"https://steamcommunity.com/profiles/{KNOWN}#comments", KNOWN),
    ],
)
def test_steam_accepted(text: str, expected: str) -> None:
    assert parse_steam_id(text) == expected


def test_steam_conversions_agree() -> None:
    for account in (1, 2, 46143802, 22202, 2**32 - 1):
        id64 = str(STEAM_ID64_BASE + account)
        steam2 = f"STEAM_0:{account % 2}:{account // 2}"
        steam3 = f"[U:1:{account}]"
        assert parse_steam_id(steam2) == parse_steam_id(steam3) == parse_steam_id(id64) == id64


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "7656119800640953",  # 16 digits
        "765611980064095300",  # 18 digits
        "７６５６１１９８００６４０９５３０",  # fullwidth digits (int() would accept them)
        "７6561198006409530",
        "7656119800640953_",
        "7656_1198006409530",  # int() accepts underscores
        f"{KNOWN}\n",  # ^...$ would accept a trailing newline
        f"\n{KNOWN}",
        f"{KNOWN}\t",
        f"{KNOWN}\r\n",
        f"\u202e{KNOWN}",
        f"+{KNOWN}",
        f"-{KNOWN}",
        "76561202301376826",  # same account as KNOWN under instance 2
        "76561197960265728",  # account 0
        "76561193665298432",  # instance 0, account 0
        "12345678901234567",  # 17 digits, not an individual account
        "STEAM_0:2:1",
        "STEAM_2:0:1",
        "STEAM_0:0:0",  # account 0
        "STEAM_0:1:2147483648",  # account 2**32 + 1
        "[U:1:0]",
        "[U:1:4294967296]",
        "[U:1:46143802",
        "[G:1:46143802]",
        "https://steamcommunity.com/id/gabelogannewell",
        "https://steamcommunity.com/profiles/",
        "https://steamcommunity.com/profiles/7656119800640953",
        "https://evil.example/profiles/76561198006409530",
        "gaben",
    ],
)
def test_steam_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages are checked below
        parse_steam_id(text)


def test_steam_messages_help() -> None:
    with pytest.raises(ValueError, match="17 digits and starts with 7656119"):
        parse_steam_id("7656119800640953")
    with pytest.raises(ValueError, match="17 digits and starts with 7656119"):
        parse_steam_id("７６５６１１９８００６４０９５３０")
    with pytest.raises(ValueError, match=KNOWN):  # names the canonical form
        parse_steam_id("76561202301376826")
    with pytest.raises(ValueError, match="SteamID64 instead"):
        parse_steam_id("https://steamcommunity.com/id/gabelogannewell/")


def test_steam_not_a_str() -> None:
    with pytest.raises(ValueError, match="expected text"):
        parse_steam_id(76561198006409530)  # type: ignore[arg-type]


# ------------------------------------------------------------------ Minecraft

NOTCH = "069a79f4-44e9-4726-a5be-fca90e38aaf5"  # v4, online mode
OFFLINE = "b50ad385-829d-3141-a216-7e7d7539ba7f"  # v3 MD5("OfflinePlayer:Notch")
FLOODGATE = "00000000-0000-0000-0009-01f64f4c4d2a"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NOTCH, NOTCH),
        (NOTCH.upper(), NOTCH),
        (NOTCH.replace("-", ""), NOTCH),
        (NOTCH.replace("-", "").upper(), NOTCH),
        (f" {NOTCH} ", NOTCH),
        (OFFLINE, OFFLINE),
        (FLOODGATE, FLOODGATE),
        (FLOODGATE.replace("-", ""), FLOODGATE),
    ],
)
def test_minecraft_accepted(text: str, expected: str) -> None:
    assert parse_minecraft_uuid(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{" + NOTCH + "}",  # uuid.UUID() accepts braces
        "urn:uuid:" + NOTCH,  # and URNs
        NOTCH + "\n",
        NOTCH.replace("0", "０", 1),  # and fullwidth digits
        NOTCH[:-1],
        NOTCH + "0",
        NOTCH.replace("-", "")[:-1],
        "069a79f4-44e9-4726-a5befca90e38aaf5",  # dashes in the wrong places
        "069a79f444e9-4726-a5be-fca90e38aaf5",
        "g69a79f4-44e9-4726-a5be-fca90e38aaf5",
        "00000000-0000-0000-0000-000000000000",  # nil
        "00000000000000000000000000000000",
        "Notch",
    ],
)
def test_minecraft_refused(text: str) -> None:
    with pytest.raises(ValueError, match="UUID"):
        parse_minecraft_uuid(text)


def test_minecraft_kinds() -> None:
    assert minecraft_uuid_kind(NOTCH) == "online"
    assert minecraft_uuid_kind(OFFLINE) == "offline"
    assert minecraft_uuid_kind(FLOODGATE) == "floodgate"
    assert floodgate_xuid(FLOODGATE) == str(0x000901F64F4C4D2A)
    assert floodgate_xuid(NOTCH) is None
    assert floodgate_xuid("not a uuid") is None


# ------------------------------------------------------------------ Xbox


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2533274790395904", "2533274790395904"),
        ("1", "1"),
        (" 42 ", "42"),
        ("0042", "42"),  # canonical: no leading zeros
        (str(2**64 - 1), str(2**64 - 1)),
    ],
)
def test_xuid_accepted(text: str, expected: str) -> None:
    assert parse_xuid(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "0", "00", str(2**64), "1" * 21, "２５３３", "25_33", "2533\n", "-1", "0x10", "1e5"],
)
def test_xuid_refused(text: str) -> None:
    with pytest.raises(ValueError, match="XUID"):
        parse_xuid(text)


# ------------------------------------------------------------------ Discord

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def snowflake(at: datetime) -> str:
    """A snowflake created at ``at``."""
    return str((int(at.timestamp() * 1000) - 1420070400000) << 22)


@pytest.mark.parametrize(
    "text",
    [
        "80351110224678912",  # 17 digits, 2015
        "175928847299117063",  # 18 digits, 2016
        snowflake(datetime(2025, 6, 1, tzinfo=UTC)),  # 19 digits
        snowflake(NOW),  # created this very millisecond
    ],
)
def test_discord_accepted(text: str) -> None:
    assert parse_discord_id(text, now=NOW) == text
    assert parse_discord_id(f" {text} ", now=NOW) == text


def test_discord_created_at() -> None:
    assert discord_id_created_at("175928847299117063") == datetime(
        2016, 4, 30, 11, 18, 25, 796000, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "8035111022467891",  # 16 digits: would date from January 2015
        "123",
        "1" * 21,
        "18446744073709551616",  # 2**64
        "00000000000000001",  # leading zeros: a 2015-01-01 timestamp in disguise
        snowflake(datetime(2026, 1, 15, 12, 0, 1, tzinfo=UTC)),  # one second in the future
        "18446744073709551615",  # 2**64-1 dates from 2154
        "８0351110224678912",
        "80351110224678912\n",
        "8035111022467891_",
        "<@80351110224678912>",
    ],
)
def test_discord_refused(text: str) -> None:
    with pytest.raises(ValueError, match="Discord"):
        parse_discord_id(text, now=NOW)


def test_discord_future_message() -> None:
    with pytest.raises(ValueError, match="future"):
        parse_discord_id(snowflake(datetime(2027, 1, 1, tzinfo=UTC)), now=NOW)


def test_discord_default_now_is_real_clock() -> None:
    assert parse_discord_id("80351110224678912") == "80351110224678912"


def test_discord_naive_now_is_utc() -> None:
    assert parse_discord_id(snowflake(NOW), now=NOW.replace(tzinfo=None)) == snowflake(NOW)


# ------------------------------------------------------------------ dispatch


@pytest.mark.parametrize(
    ("platform", "text", "expected"),
    [
        (Platform.STEAM, "[U:1:46143802]", KNOWN),
        (Platform.MINECRAFT, NOTCH.upper(), NOTCH),
        (Platform.XBOX, "2533274790395904", "2533274790395904"),
        (Platform.OTHER, "  epic:abc-123  ", "epic:abc-123"),
        (Platform.OTHER, "x" * 64, "x" * 64),
        (Platform.OTHER, "名前 ✓", "名前 ✓"),
        ("steam", KNOWN, KNOWN),
    ],
)
def test_canonical_external_id(platform: Platform, text: str, expected: str) -> None:
    assert canonical_external_id(platform, text) == expected


@pytest.mark.parametrize(
    ("platform", "text"),
    [
        (Platform.STEAM, NOTCH),
        (Platform.MINECRAFT, KNOWN),
        (Platform.XBOX, NOTCH),
        (Platform.OTHER, ""),
        (Platform.OTHER, "   "),
        (Platform.OTHER, "x" * 65),
        (Platform.OTHER, "abc\n"),
        (Platform.OTHER, "a\x1b[31mb"),
        (Platform.OTHER, "a\u202eb"),
        (Platform.OTHER, "a\u200bb"),
        (Platform.OTHER, "a\x85b"),
    ],
)
def test_canonical_external_id_refused(platform: Platform, text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        canonical_external_id(platform, text)


def test_unknown_platform() -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        canonical_external_id("psn", "x")  # type: ignore[arg-type]


# ------------------------------------------------------------------ search candidates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (KNOWN, [(Platform.STEAM, KNOWN), (Platform.XBOX, KNOWN)]),
        ("STEAM_0:0:23071901", [(Platform.STEAM, KNOWN)]),
        (f"https://steamcommunity.com/profiles/{KNOWN}/", [(Platform.STEAM, KNOWN)]),
        (NOTCH.replace("-", ""), [(Platform.MINECRAFT, NOTCH)]),
        (NOTCH, [(Platform.MINECRAFT, NOTCH)]),
        ("2533274790395904", [(Platform.XBOX, "2533274790395904")]),
        ("42", [(Platform.XBOX, "42")]),
        ("76561202301376826", [(Platform.XBOX, "76561202301376826")]),
        (
            "12345678901234567890123456789012",
            [(Platform.MINECRAFT, "12345678-9012-3456-7890-123456789012")],
        ),
        ("bob", []),
        ("", []),
        ("0", []),
        (f"{KNOWN}\n", []),
        ("７６５６１１９８００６４０９５３０", []),
        ("{" + NOTCH + "}", []),
    ],
)
def test_identifier_candidates(text: str, expected: list[tuple[Platform, str]]) -> None:
    assert identifier_candidates(text) == expected


def test_identifier_candidates_never_raises() -> None:
    for weird in ("\x00", "\ud800", "[U:1:", "STEAM_", "𝟕𝟔𝟓", "-" * 36, None, 7):
        assert identifier_candidates(weird) == []  # type: ignore[arg-type]


# ------------------------------------------------------------------ profile links


def test_profile_url() -> None:
    assert profile_url(Platform.STEAM, KNOWN) == f"https://steamcommunity.com/profiles/{KNOWN}"
    assert profile_url(Platform.MINECRAFT, NOTCH) == f"https://namemc.com/profile/{NOTCH}"
    assert profile_url(Platform.XBOX, "2533274790395904") is None
    assert profile_url(Platform.OTHER, "x") is None
    assert profile_url(Platform.STEAM, "not an id") is None
    assert profile_url(Platform.STEAM, "javascript:alert(1)") is None
