"""Input validation: names, reasons, labels, metadata rows and expiry dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storeadmin.core.errors import Invalid, InvalidRows
from storeadmin.core.models import MetadataField as F
from storeadmin.core.validation import (
    MAX_LABEL,
    MAX_METADATA_KEY,
    MAX_METADATA_VALUE,
    MAX_REASON,
    MAX_USERNAME,
    has_control_chars,
    parse_when,
    validate_label,
    validate_metadata,
    validate_reason,
    validate_username,
)

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DISCORD = "80351110224678912"


def test_limits() -> None:
    assert (MAX_USERNAME, MAX_METADATA_KEY, MAX_METADATA_VALUE, MAX_REASON, MAX_LABEL) == (
        64,
        64,
        1024,
        500,
        100,
    )


@pytest.mark.parametrize(
    "text",
    [
        "a\x00",
        "\n",
        "a\tb",
        "a\rb",
        "\x1b[31m",
        "\x7f",
        "\x85",
        "\x9b",
        "\u202e",
        "\u202a",
        "\u2066",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u2028",
        "\ufeff",
    ],
)
def test_has_control_chars(text: str) -> None:
    assert has_control_chars(text)


@pytest.mark.parametrize(
    "text",
    ["", "Bob", "Bob [/]", "名前", "émile", "👨‍👩‍👧", "a b", "'; DROP TABLE customer;--", "%_"],
)
def test_no_control_chars(text: str) -> None:
    assert not has_control_chars(text)


# ------------------------------------------------------------------ single fields


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bob", "Bob"),
        ("  Bob  ", "Bob"),
        ("\u3000Bob\u3000", "Bob"),
        ("Bob [/]", "Bob [/]"),
        ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
        ("x" * 64, "x" * 64),
        ("名前👾", "名前👾"),
    ],
)
def test_username_accepted(text: str, expected: str) -> None:
    assert validate_username(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 65, "at most 64"),
        ("Bob\n", "control"),
        ("Bob\x1b]0;PWNED\x07", "control"),
        ("\u202eboB", "control"),
        ("a\x00b", "control"),
    ],
)
def test_username_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_username(text)


def test_reason() -> None:
    assert validate_reason("  chargeback fraud ") == "chargeback fraud"
    assert validate_reason("", required=False) == ""
    assert validate_reason("  ", required=False) == ""
    assert validate_reason("x" * 500) == "x" * 500
    with pytest.raises(ValueError, match="required"):
        validate_reason("  ")
    with pytest.raises(ValueError, match="at most 500"):
        validate_reason("x" * 501, required=False)
    with pytest.raises(ValueError, match="control"):
        validate_reason("spam\nsecond line")


def test_label() -> None:
    assert validate_label("") == ""
    assert validate_label(" CI token ") == "CI token"
    assert validate_label("x" * 100) == "x" * 100
    with pytest.raises(ValueError, match="at most 100"):
        validate_label("x" * 101)
    with pytest.raises(ValueError, match="control"):
        validate_label("a\x1bb")


# ------------------------------------------------------------------ metadata


def refused(rows: list[F]) -> dict[int, str]:
    """The row problems ``validate_metadata`` reports for ``rows``."""
    with pytest.raises(InvalidRows) as caught:
        validate_metadata(rows, now=NOW)
    return caught.value.rows


def test_metadata_clean_rows_kept_in_order() -> None:
    rows = [F(" DiscordID ", f" {DISCORD} "), F("rank", "vip"), F("note", " hi ")]
    assert validate_metadata(rows, now=NOW) == (
        F("DiscordID", DISCORD),
        F("rank", "vip"),
        F("note", "hi"),
    )


def test_metadata_blank_rows_are_dropped() -> None:
    rows = [F("", ""), F("a", "1"), F("  ", "   "), F("b", "2")]
    assert validate_metadata(rows) == (F("a", "1"), F("b", "2"))
    assert validate_metadata([]) == ()


def test_metadata_literal_values_are_kept() -> None:
    rows = [F("x.y-z_1", "'; DROP TABLE customer;--"), F("pct", "100%_"), F("cjk", "名前 [b]")]
    assert validate_metadata(rows) == tuple(rows)


def test_metadata_value_without_key() -> None:
    problems = refused([F("a", "1"), F("", "orphan")])
    assert list(problems) == [1]
    assert "key" in problems[1]


def test_metadata_duplicate_keys_case_insensitive() -> None:
    problems = refused([F("Rank", "vip"), F("other", "x"), F("rank", "mvp"), F("RANK", "z")])
    assert sorted(problems) == [2, 3]
    assert "row 1" in problems[2]
    assert "row 1" in problems[3]


def test_metadata_duplicate_reported_even_if_first_row_bad() -> None:
    problems = refused([F("rank", "x" * 1025), F("rank", "ok")])
    assert sorted(problems) == [0, 1]
    assert "1024" in problems[0]
    assert "duplicate" in problems[1]


def test_metadata_lengths() -> None:
    ok = [F("k" * 64, "v" * 1024)]
    assert validate_metadata(ok) == tuple(ok)
    problems = refused([F("k" * 65, "v"), F("ok", "v" * 1025), F("fine", "v")])
    assert sorted(problems) == [0, 1]
    assert "64" in problems[0]
    assert "1024" in problems[1]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (F("key\n", "v"), "control"),  # strip() would have eaten it
        (F("key", "v\n"), "control"),
        (F("key", "a\x1b[2Jb"), "control"),
        (F("key", "\u202etxt"), "control"),
        (F("k\te", "v"), "control"),
        (F("has space", "v"), "letters"),
        (F("ключ", "v"), "letters"),
        (F("a/b", "v"), "letters"),
        (F("a:b", "v"), "letters"),
        (F("[b]", "v"), "letters"),
        (F("ｋｅｙ", "v"), "letters"),
    ],
)
def test_metadata_bad_row(row: F, message: str) -> None:
    problems = refused([F("first", "1"), row])
    assert list(problems) == [1]
    assert message in problems[1]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "bob#1234",
        "8035111022467891",  # 16 digits
        "80351110224678912\n",
        "８0351110224678912",
        "18446744073709551615",  # dates from 2154
        str((int(datetime(2026, 2, 1, tzinfo=UTC).timestamp() * 1000) - 1420070400000) << 22),
    ],
)
def test_metadata_discord_id_checked(value: str) -> None:
    problems = refused([F("discordid", value)])
    assert list(problems) == [0]
    assert problems[0].startswith("DiscordID") or "control" in problems[0]


def test_metadata_collects_every_bad_row() -> None:
    rows = [
        F("ok", "1"),
        F("", "orphan"),  # 1
        F("", ""),  # dropped
        F("OK", "dup"),  # 3
        F("bad key", "x"),  # 4
        F("DiscordID", "nope"),  # 5
        F("fine", "2"),
    ]
    problems = refused(rows)
    assert sorted(problems) == [1, 3, 4, 5]


def test_invalid_rows_is_invalid_with_human_row_numbers() -> None:
    with pytest.raises(Invalid) as caught:
        validate_metadata([F("a", "1"), F("", "x")])
    assert "row 2" in str(caught.value)


# ------------------------------------------------------------------ parse_when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW + timedelta(days=7)),
        ("30d", NOW + timedelta(days=30)),
        ("7 d", NOW + timedelta(days=7)),
        ("7D", NOW + timedelta(days=7)),
        ("  7 days ", NOW + timedelta(days=7)),
        ("1 day", NOW + timedelta(days=1)),
        ("12h", NOW + timedelta(hours=12)),
        ("2w", NOW + timedelta(weeks=2)),
        ("90m", NOW + timedelta(minutes=90)),
        ("90 min", NOW + timedelta(minutes=90)),
        ("5 minutes", NOW + timedelta(minutes=5)),
        ("1y", NOW + timedelta(days=365)),
        ("2 years", NOW + timedelta(days=730)),
        ("1mo", NOW + timedelta(days=30)),
        ("3 months", NOW + timedelta(days=90)),
        ("2026-12-31", datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("2026-01-15", datetime(2026, 1, 15, 23, 59, 59, tzinfo=UTC)),  # today, still ahead
        ("2026-02-01T10:00", datetime(2026, 2, 1, 10, 0, tzinfo=UTC)),
        ("2026-02-01 10:00", datetime(2026, 2, 1, 10, 0, tzinfo=UTC)),
        ("2026-02-01T10:00:30Z", datetime(2026, 2, 1, 10, 0, 30, tzinfo=UTC)),
        ("2026-02-01t10:00z", datetime(2026, 2, 1, 10, 0, tzinfo=UTC)),
        ("2026-02-01T10:00+02:00", datetime(2026, 2, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    result = parse_when(text, now=NOW)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize("text", ["0d", "0m", "2026-01-14", "2026-01-15T11:59", "2020-01-01"])
def test_parse_when_past(text: str) -> None:
    with pytest.raises(ValueError, match="in the past"):
        parse_when(text, now=NOW)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "7",
        "d",
        "-7d",
        "7x",
        "7.5d",
        "７d",
        "7d\n",
        "2026-13-01",
        "2026-02-30",
        "31/12/2026",
        "2026-1-1",
        "tomorrow",
    ],
)
def test_parse_when_garbage(text: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. 7d"):
        parse_when(text, now=NOW)


def test_parse_when_too_far() -> None:
    with pytest.raises(ValueError, match="more than 10 years ahead"):
        parse_when("999999y", now=NOW)


def test_parse_when_naive_now_and_offsets() -> None:
    assert parse_when("1h", now=NOW.replace(tzinfo=None)) == NOW + timedelta(hours=1)
    local_now = NOW.astimezone(timezone(timedelta(hours=-5)))
    assert parse_when("1h", now=local_now) == NOW + timedelta(hours=1)
