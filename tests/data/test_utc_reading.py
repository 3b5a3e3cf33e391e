"""Stored times read back as aware UTC datetimes, however SQLite's text spells them
(``UtcDateTime``'s one-call parse, the same as ``data.prepared.read_utc``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.dialects import postgresql

from storeadmin.data.prepared import read_json, read_utc
from storeadmin.data.schema import UtcDateTime

AT = datetime(2026, 5, 18, 0, 33, 43, 120000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-05-18 00:33:43.120000", AT),  # what UtcDateTime writes
        ("2026-05-18 00:33:43.12", AT),
        ("2026-05-18T00:33:43.120000", AT),
        ("2026-05-18 00:33:43", AT.replace(microsecond=0)),
        ("2026-05-18 02:33:43.120000+02:00", AT),  # an offset after all
        (None, None),
    ],
)
def test_sqlite_text_reads_as_utc(stored: str | None, expected: datetime | None) -> None:
    engine = create_engine("sqlite://")
    table = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime)
    )
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t (id, at) VALUES (1, :at)"), {"at": stored})
        read = conn.execute(select(table.c.at)).scalar_one()
    assert read == expected
    assert read_utc(engine.dialect)(stored) == expected
    if read is not None:
        assert read.tzinfo is UTC


def test_written_times_come_back_equal() -> None:
    engine = create_engine("sqlite://")
    table = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime)
    )
    table.create(engine)
    local = AT.astimezone(timezone(timedelta(hours=9)))
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "at": local}])
        assert conn.execute(select(table.c.at)).scalar_one() == AT


def test_postgresql_values_are_moved_to_utc() -> None:
    reader = read_utc(postgresql.dialect())
    local = AT.astimezone(timezone(timedelta(hours=-5)))
    moved = reader(local)
    assert moved == AT
    assert moved is not None
    assert moved.tzinfo is UTC
    assert reader(AT) is AT
    assert read_json(postgresql.dialect())([1]) == [1]
