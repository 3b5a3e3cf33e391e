"""The local, append-only journal of every write storeadmin makes to a PayNow store.

PayNow keeps no per-customer audit log (only actor fields on some records), so each
write made through storeadmin is journalled here: who, when, what, before/after and
the outcome of the request. Order: the API call first, then the entry with what
really happened — ``ok``, or ``failed: <one line>`` (a call that failed is never
recorded as a success; a call whose outcome is unknown, e.g. a write that timed
out, is recorded as failed with that message). SQLite triggers refuse UPDATE and
DELETE, so the file only grows. One file per store in the data dir.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storeadmin.core.audit_detail import METADATA_ACTIONS, AuditDetail
from storeadmin.core.errors import NotFound
from storeadmin.core.models import AuditEntry, Page

OK = "ok"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    customer_id TEXT,
    before TEXT,
    after TEXT,
    reason TEXT,
    outcome TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_journal_request ON journal (store_id, request_id);
CREATE INDEX IF NOT EXISTS ix_journal_customer ON journal (store_id, customer_id, id);
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""


def _jsonable(value: Any) -> Any:
    """Datetimes as ISO strings, enums and other objects as str, recursively."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class Journal:
    """Append and read journal entries of one store (thread-safe)."""

    def __init__(self, path: Path, store_id: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._store_id = store_id
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        with contextlib.suppress(OSError):
            path.chmod(0o600)  # customer data: readable by its owner only
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._db.commit()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    def record(
        self,
        *,
        actor: str,
        action: str,
        target_type: str,
        target_id: str,
        customer_id: str | None,
        outcome: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        reason: str | None = None,
        at: datetime | None = None,
        request_id: str | None = None,
    ) -> str:
        """Append one entry; returns its ID."""
        moment = (at or datetime.now(UTC)).astimezone(UTC)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO journal (store_id, at, actor, action, target_type, target_id, "
                "customer_id, before, after, reason, outcome, request_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    self._store_id,
                    moment.isoformat(),
                    actor,
                    action,
                    target_type,
                    target_id,
                    customer_id,
                    None if before is None else json.dumps(_jsonable(before), sort_keys=True),
                    None if after is None else json.dumps(_jsonable(after), sort_keys=True),
                    reason,
                    outcome,
                    request_id,
                ),
            )
            self._db.commit()
            return str(cursor.lastrowid)

    def entries(
        self, customer_id: str, *, limit: int = 100, cursor: str | None = None
    ) -> Page[AuditEntry]:
        """The customer's entries newest first; a failed write reads as ``<action>.failed``."""
        query = (
            "SELECT id, at, actor, action, target_type, target_id, customer_id, before, after, "
            "reason, outcome FROM journal WHERE store_id = ? AND customer_id = ?"
        )
        args: list[Any] = [self._store_id, customer_id]
        if cursor is not None:
            query += " AND id < ?"
            args.append(int(cursor))
        query += " ORDER BY id DESC LIMIT ?"
        args.append(limit + 1)
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        items = tuple(_entry(row) for row in rows[:limit])
        more = len(rows) > limit
        return Page(items=items, next_cursor=items[-1].id if more and items else None)

    def entry(self, customer_id: str, entry_id: str) -> AuditEntry | None:
        """One of the customer's entries (None when there is none with that ID)."""
        try:
            number = int(entry_id)
        except ValueError:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT id, at, actor, action, target_type, target_id, customer_id, before, "
                "after, reason, outcome FROM journal "
                "WHERE store_id = ? AND customer_id = ? AND id = ?",
                (self._store_id, customer_id, number),
            ).fetchone()
        return None if row is None else _entry(row)

    def detail(self, customer_id: str, entry_id: str) -> AuditDetail:
        """The entry with its whole before and after: a metadata entry of the journal
        holds both whole maps; a failed write shows what it tried and its outcome."""
        entry = self.entry(customer_id, entry_id)
        if entry is None:
            raise NotFound(f"no journal entry {entry_id} in this customer's history")
        return AuditDetail.of(
            entry, entry.before, entry.after, is_metadata=entry.action in METADATA_ACTIONS
        )

    def seen_request(self, request_id: str | None) -> bool:
        """True when a write with this idempotency key already succeeded."""
        if request_id is None:
            return False
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM journal WHERE store_id = ? AND request_id = ? AND outcome = ?",
                (self._store_id, request_id, OK),
            ).fetchone()
        return row is not None

    def outcomes(self, customer_id: str) -> list[tuple[str, str]]:
        """(action, outcome) of the customer's entries, oldest first (for tests and checks)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT action, outcome FROM journal WHERE store_id = ? AND customer_id = ? "
                "ORDER BY id",
                (self._store_id, customer_id),
            ).fetchall()
        return [(str(a), str(o)) for a, o in rows]

    def count_since(self, customer_id: str, action: str, since_action: str) -> int:
        """Successful ``action`` entries after the last successful ``since_action``."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM journal WHERE store_id = ? AND customer_id = ? "
                "AND action = ? AND outcome = ? AND id > COALESCE((SELECT MAX(id) FROM journal "
                "WHERE store_id = ? AND customer_id = ? AND action = ? AND outcome = ?), 0)",
                (
                    self._store_id,
                    customer_id,
                    action,
                    OK,
                    self._store_id,
                    customer_id,
                    since_action,
                    OK,
                ),
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    (
        entry_id,
        at,
        actor,
        action,
        target_type,
        target_id,
        customer_id,
        before,
        after,
        reason,
        outcome,
    ) = row
    failed = outcome != OK
    after_map = json.loads(after) if after else None
    if failed:
        after_map = {"outcome": outcome}
    return AuditEntry(
        id=str(entry_id),
        at=datetime.fromisoformat(at),
        actor=actor,
        action=f"{action}.failed" if failed else action,
        target_type=target_type,
        target_id=target_id,
        customer_id=customer_id,
        before=json.loads(before) if before else None,
        after=after_map,
        reason=reason,
    )
