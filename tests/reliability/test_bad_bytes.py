"""Bytes that are not UTF-8, and other input that only looks like text (issue 14, items 3
and 7): the CLI refuses them with exit code 2 and one line, for every argument, on both
backends; the TUI turns a 0xff typed into the search box into U+FFFD and goes on; the
acting admin's name and customer names are validated the same on every backend."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pty_runner import run_on_terminal
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from textual.app import App

from storeadmin.app import exit_code, watch_for_panic
from storeadmin.core.errors import Invalid
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.schema import AuditRow, CustomerRow
from storeadmin.terminal import decoder
from support import factories
from support.cli import run

BAD = os.fsdecode(b"bad\xffname")
"""What Python hands over for the argument ``$'bad\\xffname'`` (a lone surrogate)."""


def _audit_rows(service: SqlStoreService) -> int:
    with Session(service.engine) as session:
        return session.execute(select(func.count()).select_from(AuditRow)).scalar_one()


@pytest.mark.parametrize(
    "argv",
    [
        ["customers", "edit", "{id}", "--name", BAD],
        ["customers", "metadata", "{id}", "set", "Note", BAD],
        ["customers", "ban", "{id}", "--reason", BAD],
        ["customers", "search", BAD],
        ["--admin", BAD, "customers", "ban", "{id}", "--reason", "x"],
        ["customers", "show", BAD],
    ],
    ids=["name", "metadata", "ban-reason", "search", "admin", "id"],
)
def test_cli_refuses_bytes_that_are_not_utf8(
    argv: list[str], store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = factories.customer(service.engine, "Alice")
    before = _audit_rows(service)
    args = [arg.replace("{id}", customer) for arg in argv]
    code, out, err = run(capsys, "--db", store_url, *args)
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1
    assert "not valid UTF-8" in err
    assert "bad\\xffname" in err  # the byte is shown, escaped
    assert "Traceback" not in err
    assert _audit_rows(service) == before
    assert service.get_customer(customer).customer.username == "Alice"


def test_service_refuses_undecodable_text_in_every_field(service: SqlStoreService) -> None:
    """The same refusal without the CLI (any other caller of the service)."""
    customer = factories.customer(service.engine, "Alice")
    with pytest.raises(Invalid, match="not valid UTF-8"):
        service.search_customers(BAD)
    with pytest.raises(Invalid, match="not valid UTF-8"):
        open_sql_store(str(service.engine.url.render_as_string(hide_password=False)), actor=BAD)
    with pytest.raises(Invalid):
        service.edit_customer(
            customer, expected_version=service.get_customer(customer).customer.version, username=BAD
        )


APP = """
import sys
from storeadmin.app import run_app
from storeadmin.config import Settings
sys.exit(run_app(Settings(location={url!r}, admin="alice")))
"""


def test_a_0xff_byte_typed_in_the_search_box_does_not_kill_the_app(tmp_path: Path) -> None:
    """Textual's input thread decodes stdin strictly: one 0xff used to panic the app
    (a traceback, and exit code 0). Now it shows as U+FFFD, search goes on, Ctrl+Q
    quits with 0."""
    path = tmp_path / "store.sqlite3"
    open_sql_store(str(path), actor="setup").close()
    run = run_on_terminal(
        APP.format(url=str(path)),
        keys=[("No customers yet", b"zz\xffqq"), ("No customer matches", b"\x11")],
        timeout=60,
    )
    assert "UnicodeDecodeError" not in run.text
    assert "Traceback" not in run.text
    assert "No customer matches" in run.text
    assert "zz\ufffdqq" in run.text
    assert run.returncode == 0, run.text[-2000:]


def test_the_input_decoder_replaces_invalid_bytes_and_keeps_split_characters() -> None:
    decode = decoder().decode
    assert decode(b"a\xffb") == "a\ufffdb"
    assert decode(b"\xc3") == ""  # the first half of 'é' waits for the second
    assert decode(b"\xa9") == "é"


async def test_a_crashed_app_exits_non_zero() -> None:
    """Textual's panic leaves return_code unset: run_app must not report success."""
    app: App[None] = App()
    crashed = watch_for_panic(app)
    async with app.run_test():
        app.panic("boom")
    assert exit_code(app, crashed=bool(crashed)) == 1
    quiet: App[None] = App()
    calm = watch_for_panic(quiet)
    async with quiet.run_test():
        quiet.exit()
    assert exit_code(quiet, crashed=bool(calm)) == 0


@pytest.mark.parametrize(
    "admin",
    ["a\u202eb", "a\x1b]0;x\x07", "a" * 101, "\u200b"],
    ids=["bidi", "escape", "101-chars", "zero-width"],
)
def test_admin_name_is_validated_the_same_on_every_backend(
    admin: str, store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--admin`` used to be stored raw (controls, U+202E), and 101 characters were
    accepted on SQLite but a "database error" (exit 4) on PostgreSQL."""
    customer = factories.customer(service.engine, "Alice")
    before = _audit_rows(service)
    code, _out, err = run(
        capsys, "--db", store_url, "--admin", admin, "customers", "ban", customer, "--reason", "x"
    )
    assert (code, err.count("\n")) == (2, 1), err
    assert "admin name" in err
    assert _audit_rows(service) == before
    with pytest.raises(Invalid, match="admin name"):
        open_sql_store(service.engine.url.render_as_string(hide_password=False), actor=admin)


def test_admin_name_of_100_characters_is_stored_on_every_backend(
    store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = factories.customer(service.engine, "Alice")
    code, _out, err = run(
        capsys,
        "--db",
        store_url,
        "--admin",
        "é" * 100,
        "customers",
        "ban",
        customer,
        "--reason",
        "x",
    )
    assert code == 0, err
    assert service.get_customer(customer).customer.ban.banned_by == "é" * 100  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["\u200b", "\u3164", "\u200b\u3164 \u2060", "\u115f\u1160"])
def test_names_made_only_of_invisible_characters_are_refused(
    name: str, service: SqlStoreService
) -> None:
    customer = factories.customer(service.engine, "Alice")
    version = service.get_customer(customer).customer.version
    with pytest.raises(Invalid, match="no visible characters"):
        service.edit_customer(customer, expected_version=version, username=name)
    with Session(service.engine) as session:
        assert session.get(CustomerRow, int(customer)).username == "Alice"  # type: ignore[union-attr]
