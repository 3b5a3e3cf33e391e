"""Keyset cursor encoding: opaque, round-trips, refuses foreign or damaged cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storeadmin.core.errors import Invalid
from storeadmin.data.paging import (
    clamp_limit,
    decode_cursor,
    encode_cursor,
    int_key,
    keyset_page,
    parse_time_key,
    time_key,
)


def test_round_trip_and_opaque() -> None:
    cursor = encode_cursor("orders", {"t": "2026-01-01T00:00:00+00:00", "i": 42})
    assert "=" not in cursor
    assert cursor.isascii()
    assert decode_cursor("orders", cursor) == {
        "k": "orders",
        "t": "2026-01-01T00:00:00+00:00",
        "i": 42,
    }


@pytest.mark.parametrize("bad", ["", "!!!", "bm90IGpzb24", "WzFd", "eyJrIjoiYXVkaXQifQ"])
def test_damaged_or_foreign_cursor_is_invalid(bad: str) -> None:
    with pytest.raises(Invalid) as info:
        decode_cursor("orders", bad)
    assert "cursor" in info.value.fields


def test_time_keys_are_utc() -> None:
    moment = datetime(2026, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parse_time_key(time_key(moment)) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_time_key("2026-01-01T12:00:00").tzinfo is UTC
    for bad in (None, 5, "yesterday"):
        with pytest.raises(Invalid):
            parse_time_key(bad)
    with pytest.raises(Invalid):
        int_key(True)
    with pytest.raises(Invalid):
        int_key("5")
    assert int_key(5) == 5


def test_clamp_limit() -> None:
    assert clamp_limit(0) == 1
    assert clamp_limit(-3) == 1
    assert clamp_limit(100) == 100
    assert clamp_limit(10_000) == 500


def test_keyset_page_uses_the_extra_row_only_as_a_signal() -> None:
    page = keyset_page([1, 2, 3], 2, convert=str, cursor_of=lambda r: f"after-{r}")
    assert page.items == ("1", "2")
    assert page.next_cursor == "after-2"
    last = keyset_page([1, 2], 2, convert=str, cursor_of=lambda r: f"after-{r}", total=2)
    assert last.next_cursor is None
    assert last.total == 2
    assert keyset_page([], 2, convert=str, cursor_of=str).items == ()
