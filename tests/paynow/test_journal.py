"""The local journal: append-only, outcome after the call, and the package's import hygiene."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import storeadmin.paynow
from paynow.fake import FakePayNow
from storeadmin.core.errors import Unavailable
from storeadmin.paynow import PayNowStore


def test_journal_refuses_update_and_delete(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    store.create_token(customer["id"], label="cli")
    db = sqlite3.connect(store._journal.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE journal SET outcome = 'ok'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM journal")
    db.close()


def test_entry_records_who_what_before_after(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer("Erin")
    version = store.get_customer(customer["id"]).customer.version
    store.edit_customer(customer["id"], expected_version=version, username="Erin B")
    (entry,) = store.list_audit(customer["id"]).items
    assert entry.actor == "alice-admin"
    assert entry.action == "customer.edit"
    assert entry.before == {"name": "Erin"}
    assert entry.after == {"name": "Erin B"}
    assert entry.at.tzinfo is not None


def test_a_failed_call_is_never_recorded_as_success(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    fake.fail_next(503, method="DELETE", path_suffix="/tokens")
    with pytest.raises(Unavailable):
        store.revoke_all_tokens(customer["id"])
    assert store._journal.outcomes(customer["id"]) == [
        (
            "token.revoke_all",
            "failed: PayNow error 503; the change may not be saved — reload to check",
        )
    ]


def test_history_pages_newest_first(store: PayNowStore, fake: FakePayNow) -> None:
    customer = fake.add_customer()
    for _ in range(5):
        store.create_token(customer["id"], label="x")
    first = store.list_audit(customer["id"], limit=3)
    second = store.list_audit(customer["id"], limit=3, cursor=first.next_cursor)
    ids = [int(e.id) for e in first.items + second.items]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 5
    assert second.next_cursor is None


def test_paynow_package_never_imports_textual_or_rich() -> None:
    """No module of the package imports Textual or Rich, and importing it loads no Textual.

    (httpx's own ``__init__`` loads Rich through its command-line entry point when click
    and Rich are installed, so Rich in ``sys.modules`` is not ours to assert on.)"""
    package = Path(storeadmin.paynow.__file__).parent
    for module in package.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (textual|rich)\b", text, re.MULTILINE), module.name
    code = (
        "import sys, storeadmin.paynow, storeadmin.paynow.sync; "
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_local_files_are_private(store: PayNowStore) -> None:
    assert store._journal.path.stat().st_mode & 0o077 == 0
    assert store.mirror.path.stat().st_mode & 0o077 == 0
