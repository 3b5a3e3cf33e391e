"""Ctrl+C and closed pipes (issue 14, item 7): an interrupt landing after a write
committed reports success, not "interrupted"/130; one during a write waits for it to
finish; a reader that goes away (``| head``) ends the command with 0, quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storeadmin.cli import customer_actions
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.service import SqlStoreService as ServiceClass
from support import factories
from support.cli import run


def _banned(service: SqlStoreService, customer: str) -> bool:
    return service.get_customer(customer).customer.ban is not None


def test_interrupt_after_the_commit_reports_the_saved_change(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C while the result is printed: the ban is saved, so exit 0 and say so."""
    service = open_sql_store(sqlite_url, actor="alice")
    customer = factories.customer(service.engine)

    def interrupted_print(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(customer_actions, "_print_customer", interrupted_print)
    code, _out, err = run(capsys, "--db", sqlite_url, "customers", "ban", customer, "--reason", "x")
    assert code == 0, err
    assert "interrupted after the change was saved" in err
    assert _banned(service, customer)
    service.close()


def test_interrupt_during_the_write_waits_for_it_then_reports_it(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGINT arriving inside the write (here: right after the commit, before the call
    returns) is held until the write is done: the write is never reported as lost."""
    service = open_sql_store(sqlite_url, actor="alice")
    customer = factories.customer(service.engine)
    original = ServiceClass.ban_customer

    def ban_then_sigint(self: SqlStoreService, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return result

    monkeypatch.setattr(ServiceClass, "ban_customer", ban_then_sigint)
    code, _out, err = run(capsys, "--db", sqlite_url, "customers", "ban", customer, "--reason", "x")
    assert code == 0, err
    assert "saved" in err
    assert _banned(service, customer)
    service.close()


def test_interrupt_before_any_write_is_130_and_says_nothing_was_saved(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    service = open_sql_store(sqlite_url, actor="alice")
    customer = factories.customer(service.engine)

    def interrupted(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(ServiceClass, "get_customer", interrupted)
    code, _out, err = run(capsys, "--db", sqlite_url, "customers", "show", customer)
    assert code == 130
    assert "nothing was saved" in err
    service.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["customers", "show", "{id}"],
        ["customers", "show", "{id}", "--json"],
        ["customers", "search", ""],
        ["customers", "history", "{id}"],
    ],
    ids=["show", "show-json", "search", "history"],
)
def test_a_reader_that_goes_away_ends_the_command_with_0_quietly(
    argv: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite3"
    service = open_sql_store(str(path), actor="alice")
    customer = factories.customer(service.engine, "A" * 60)
    for index in range(150):
        service.replace_metadata(customer, [factories_field(index)])
    service.close()
    args = [a.replace("{id}", customer) for a in argv]
    process = subprocess.Popen(
        [sys.executable, "-m", "storeadmin", "--db", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "STOREADMIN_HOME": str(tmp_path / "home")},
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.read(8)  # like `head -c 8`: read a little, then go away
    process.stdout.close()
    code = process.wait(60)
    err = process.stderr.read()
    assert code == 0, err
    assert b"Traceback" not in err
    assert b"Broken" not in err
    assert b"Exception ignored" not in err


def factories_field(index: int) -> Any:
    """A metadata field whose value changes each time (history grows)."""
    from storeadmin.core.models import MetadataField

    return MetadataField("Note", f"{index:04d}" + "x" * 200)
