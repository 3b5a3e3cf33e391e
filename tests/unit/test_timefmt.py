"""Time formatting: local clock times, dates, relative phrases, durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storeadmin.core.timefmt import format_date, format_duration_days, format_local, relative

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
PLUS_ONE = timezone(timedelta(hours=1))
MINUS_FIVE = timezone(timedelta(hours=-5))


def test_format_local_with_zone() -> None:
    assert format_local(NOW, tz=PLUS_ONE) == "2026-01-15 13:00"
    assert format_local(NOW, tz=UTC) == "2026-01-15 12:00"
    assert (
        format_local(datetime(2026, 1, 15, 2, 30, tzinfo=UTC), tz=MINUS_FIVE) == "2026-01-14 21:30"
    )


def test_format_local_default_zone_is_the_machines() -> None:
    assert format_local(NOW) == NOW.astimezone().strftime("%Y-%m-%d %H:%M")
    assert format_date(NOW) == NOW.astimezone().strftime("%Y-%m-%d")


def test_naive_is_utc() -> None:
    assert format_local(datetime(2026, 1, 15, 12, 0), tz=PLUS_ONE) == "2026-01-15 13:00"
    assert relative(datetime(2026, 1, 15, 11, 0), NOW) == "1 hour ago"


def test_format_date() -> None:
    assert format_date(NOW, tz=UTC) == "2026-01-15"
    assert format_date(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), PLUS_ONE) == "2026-01-16"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(minutes=59, seconds=29), "59 minutes ago"),
        (timedelta(minutes=59, seconds=59), "1 hour ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=3), "3 hours ago"),
        (timedelta(hours=23), "23 hours ago"),
        (timedelta(days=1), "yesterday"),
        (timedelta(days=1, hours=20), "yesterday"),
        (timedelta(days=2), "2 days ago"),
        (timedelta(days=12), "12 days ago"),
        (timedelta(days=29), "29 days ago"),
        (timedelta(days=30), "1 month ago"),
        (timedelta(days=95), "3 months ago"),
        (timedelta(days=364), "11 months ago"),
        (timedelta(days=365), "1 year ago"),
        (timedelta(days=800), "2 years ago"),
        (-timedelta(seconds=30), "just now"),
        (-timedelta(minutes=10), "in 10 minutes"),
        (-timedelta(hours=2), "in 2 hours"),
        (-timedelta(days=1), "tomorrow"),
        (-timedelta(days=3), "in 3 days"),
        (-timedelta(days=60), "in 2 months"),
        (-timedelta(days=731), "in 2 years"),
    ],
)
def test_relative(delta: timedelta, expected: str) -> None:
    assert relative(NOW - delta, NOW) == expected


def test_relative_across_zones() -> None:
    assert relative(NOW.astimezone(MINUS_FIVE) - timedelta(hours=3), NOW) == "3 hours ago"


def test_format_duration_days() -> None:
    assert format_duration_days(30) == "30 days"
    assert format_duration_days(1) == "1 day"
    assert format_duration_days(0) == "0 days"
    assert format_duration_days(None) == "permanent"


def test_a_span_entered_a_moment_ago_reads_whole() -> None:
    assert relative(NOW + timedelta(days=7) - timedelta(seconds=2), NOW) == "in 7 days"
