"""Far-future dates (issue 14, item 4): dates an admin types are bounded at input
(``MAX_YEARS_AHEAD``) on every entry point, and any stored date — one planted by another
system, or entered before the bound — renders in every time zone. ``9999-12-31 23:59
UTC`` has no local time east of UTC; it used to crash ``customers show``, ``tokens
list`` and the TUI of every colleague there."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from storeadmin.core.errors import Invalid
from storeadmin.core.timefmt import format_date, format_local
from storeadmin.core.validation import MAX_YEARS_AHEAD, parse_when
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.schema import TokenRow
from support import factories
from support.cli import run
from support.ui import make_app, screen_text, wait_ready

FAR = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def east_of_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is Tokyo (UTC+9) for the test."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_formatting_a_far_date_east_of_utc_never_raises(east_of_utc: None) -> None:
    assert format_local(FAR) == "9999-12-31 23:59 UTC"
    assert format_date(FAR) == "9999-12-31 UTC"
    assert format_local(datetime(2026, 1, 15, 12, tzinfo=UTC)) == "2026-01-15 21:00"


@pytest.mark.parametrize("text", ["9999-12-31", "2040-01-01", "11y", "9999-12-31T00:00"])
def test_typed_dates_beyond_the_bound_are_refused_with_the_limit(text: str) -> None:
    with pytest.raises(ValueError, match=f"more than {MAX_YEARS_AHEAD} years ahead"):
        parse_when(text, now=NOW)
    assert parse_when("9y", now=NOW) > NOW


def test_every_write_refuses_a_date_beyond_the_bound(service: SqlStoreService) -> None:
    """The service (all backends' shared checks), whatever the caller parsed."""
    customer = factories.customer(service.engine, "Alice")
    server = factories.game_server(service.engine)
    product = factories.product(service.engine, server_ids=[server])
    far = service.now() + timedelta(days=365 * MAX_YEARS_AHEAD + 30)
    with pytest.raises(Invalid, match="years ahead"):
        service.ban_customer(customer, reason="x", until=far)
    with pytest.raises(Invalid, match="years ahead"):
        service.create_token(customer, label="bot", expires_at=far)
    with pytest.raises(Invalid, match="years ahead"):
        service.assign_product(customer, product, expires_at=far)
    assert service.get_customer(customer).customer.ban is None
    assert service.list_tokens(customer) == ()


@pytest.mark.parametrize(
    "argv",
    [
        ["customers", "ban", "{id}", "--reason", "x", "--until", "9999-12-31"],
        ["customers", "tokens", "{id}", "create", "--expires", "9999-12-31"],
        ["customers", "assign", "{id}", "{product}", "--expires", "9999-12-31"],
    ],
    ids=["ban", "token", "assign"],
)
def test_cli_refuses_a_far_date_with_the_limit(
    argv: list[str], store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = factories.customer(service.engine, "Alice")
    product = factories.product(service.engine, server_ids=[factories.game_server(service.engine)])
    args = [a.replace("{id}", customer).replace("{product}", product) for a in argv]
    code, _out, err = run(capsys, "--db", store_url, *args)
    assert (code, err.count("\n")) == (2, 1), err
    assert f"more than {MAX_YEARS_AHEAD} years ahead" in err


def _planted(service: SqlStoreService) -> str:
    """A customer first seen and banned until 9999-12-31 with a token expiring then, as
    another system could write them (the search screen lists it on start)."""
    customer = factories.customer(
        service.engine, "Alice", ban_reason="x", ban_expires_at=FAR, first_seen=FAR
    )
    service.create_token(customer, label="bot", expires_at=service.now() + timedelta(days=7))
    with Session(service.engine) as session, session.begin():
        session.execute(update(TokenRow).values(expires_at=FAR))
    return str(customer)


def test_cli_shows_a_planted_far_date_east_of_utc(
    east_of_utc: None,
    store_url: str,
    service: SqlStoreService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    customer = _planted(service)
    code, out, err = run(capsys, "--db", store_url, "customers", "show", customer)
    assert code == 0, err
    assert "9999-12-31 23:59 UTC" in out
    code, out, err = run(capsys, "--db", store_url, "customers", "tokens", customer, "list")
    assert code == 0, err
    assert "9999-12-31" in out
    code, out, err = run(capsys, "--db", store_url, "customers", "show", customer, "--json")
    assert code == 0, err


async def test_tui_opens_a_customer_with_a_planted_far_date_east_of_utc(
    east_of_utc: None, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite3"
    service = open_sql_store(str(path), actor="setup")
    try:
        customer = _planted(service)
    finally:
        service.close()
    app = make_app(f"sqlite:///{path}")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.open_customer(customer)
        await wait_ready(pilot)
        assert app.is_running
        assert "9999-12-31" in screen_text(app)
