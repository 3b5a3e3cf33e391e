"""A local SQLite mirror of a PayNow store's customer index, for instant search.

It holds what search needs and nothing more: each customer's names, platform IDs,
first-seen time, metadata values, net spend and active-subscription count (from the
stats leaderboard) and the store's customer/steam bans. ``storeadmin sync`` fills it
(see :mod:`storeadmin.paynow.sync`); search answers from it first and asks the API
only for what it does not find. ``freshness()`` says when it was last completed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storeadmin.core.identifiers import identifier_candidates
from storeadmin.core.models import CustomerSummary, MatchKind, Platform
from storeadmin.core.money import Money
from storeadmin.core.search_text import rank_near, search_key, wants_near_matches

_SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    steam_id TEXT, minecraft_uuid TEXT, xbox_xuid TEXT,
    created_at TEXT NOT NULL,
    net_spent INTEGER NOT NULL DEFAULT 0,
    active_subs INTEGER NOT NULL DEFAULT 0,
    run INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_c_name ON customers (name_lower);
CREATE INDEX IF NOT EXISTS ix_c_steam ON customers (steam_id);
CREATE INDEX IF NOT EXISTS ix_c_mc ON customers (minecraft_uuid);
CREATE INDEX IF NOT EXISTS ix_c_xbox ON customers (xbox_xuid);
CREATE INDEX IF NOT EXISTS ix_c_ext ON customers (external_id);
CREATE INDEX IF NOT EXISTS ix_c_created ON customers (created_at DESC, id DESC);
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5(
    name_lower, content='customers', tokenize='trigram'
);
CREATE TRIGGER IF NOT EXISTS customers_ai AFTER INSERT ON customers BEGIN
    INSERT INTO names (rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;
CREATE TRIGGER IF NOT EXISTS customers_ad AFTER DELETE ON customers BEGIN
    INSERT INTO names (names, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
END;
CREATE TRIGGER IF NOT EXISTS customers_au AFTER UPDATE OF name_lower ON customers BEGIN
    INSERT INTO names (names, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
    INSERT INTO names (rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;
CREATE TABLE IF NOT EXISTS metadata (
    customer_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (customer_id, key)
);
CREATE INDEX IF NOT EXISTS ix_m_value ON metadata (value);
CREATE TABLE IF NOT EXISTS bans (value TEXT PRIMARY KEY, expires_at TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

SCHEMA_VERSION = "2"
"""Bumped when the schema changes; a file of another version has its names' search keys
and their index rebuilt (2: ``name_lower`` holds ``core.search_text.search_key``, so a
name matches without case, accents or separators, as on the SQL store)."""

NEAR_POOL = 500
"""Most customers sharing trigrams with a near-match input that are scored."""

_COLUMNS = ", ".join(
    f"customers.{c}"
    for c in (
        "id",
        "name",
        "platform",
        "external_id",
        "created_at",
        "net_spent",
        "active_subs",
        "steam_id",
    )
)


@dataclass(frozen=True, slots=True)
class MirrorRow:
    """One customer as the mirror stores it."""

    id: str
    name: str
    platform: Platform
    external_id: str
    steam_id: str | None
    minecraft_uuid: str | None
    xbox_xuid: str | None
    created_at: datetime
    metadata: dict[str, str]


class Mirror:
    """The mirror file of one store (thread-safe; one connection behind a lock)."""

    def __init__(self, path: Path, currency: str = "USD") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.currency = currency
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        with contextlib.suppress(OSError):
            path.chmod(0o600)  # customer data: readable by its owner only
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            version = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None or version[0] != SCHEMA_VERSION:
                self._db.create_function("search_key", 1, search_key, deterministic=True)
                self._db.execute("UPDATE customers SET name_lower = search_key(name)")
                self._db.execute("INSERT INTO names (names) VALUES ('rebuild')")
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
                    (SCHEMA_VERSION,),
                )
            self._db.commit()

    def __repr__(self) -> str:
        return f"Mirror({str(self.path)!r})"

    # ------------------------------------------------------------ state

    def get_meta(self, key: str) -> str | None:
        """A value of the ``meta`` table (sync state)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, **values: str | None) -> None:
        """Set (or, with None, clear) ``meta`` values in one transaction."""
        with self._lock:
            for key, value in values.items():
                if value is None:
                    self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
                else:
                    self._db.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
            self._db.commit()

    def completed_at(self) -> datetime | None:
        """When the last full sync finished, or None if none has."""
        raw = self.get_meta("completed_at")
        return datetime.fromisoformat(raw) if raw else None

    def has_rows(self) -> bool:
        """True once a sync stored anything (cheap: no count)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM customers LIMIT 1").fetchone() is not None

    def count(self) -> int:
        """Customers in the mirror."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM customers").fetchone()[0])

    def freshness(self, now: datetime) -> str:
        """One line for ``StoreInfo.extra``: "12,034 customers, synced 5 min ago" or "never synced"."""
        done = self.completed_at()
        if done is None:
            partial = self.count()
            return f"not synced (partial: {partial:,})" if partial else "never synced"
        minutes = max(0, int((now - done).total_seconds() // 60))
        age = f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"
        return f"{self.count():,} customers, synced {age}"

    def steam_id_of(self, customer_id: str) -> str | None:
        """The SteamID the mirror knows for a customer, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT steam_id FROM customers WHERE id = ?", (customer_id,)
            ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    # ------------------------------------------------------------ writes (sync)

    def upsert(self, rows: Sequence[MirrorRow], run: int) -> None:
        """Insert or replace customers (and their metadata) seen in sync ``run``."""
        with self._lock:
            self._db.executemany(
                "INSERT INTO customers (id, name, name_lower, platform, external_id, steam_id, "
                "minecraft_uuid, xbox_xuid, created_at, run) VALUES (?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                "name_lower = excluded.name_lower, platform = excluded.platform, "
                "external_id = excluded.external_id, steam_id = excluded.steam_id, "
                "minecraft_uuid = excluded.minecraft_uuid, xbox_xuid = excluded.xbox_xuid, "
                "created_at = excluded.created_at, run = excluded.run",
                [
                    (
                        r.id,
                        r.name,
                        search_key(r.name),
                        r.platform.value,
                        r.external_id,
                        r.steam_id,
                        r.minecraft_uuid,
                        r.xbox_xuid,
                        r.created_at.isoformat(),
                        run,
                    )
                    for r in rows
                ],
            )
            self._db.executemany(
                "DELETE FROM metadata WHERE customer_id = ?", [(r.id,) for r in rows]
            )
            self._db.executemany(
                "INSERT INTO metadata (customer_id, key, value) VALUES (?, ?, ?)",
                [(r.id, k, v) for r in rows for k, v in r.metadata.items() if v],
            )
            self._db.commit()

    def set_stats(self, stats: Iterable[tuple[str, int, int]]) -> None:
        """(customer id, net spent minor units, active subscriptions) from the leaderboard."""
        with self._lock:
            self._db.executemany(
                "UPDATE customers SET net_spent = ?, active_subs = ? WHERE id = ?",
                [(net, subs, cid) for cid, net, subs in stats],
            )
            self._db.commit()

    def replace_bans(self, bans: Iterable[tuple[str, str | None]]) -> None:
        """The (customer ID or SteamID, expires_at ISO) of every enabled ban."""
        with self._lock:
            self._db.execute("DELETE FROM bans")
            self._db.executemany(
                "INSERT OR REPLACE INTO bans (value, expires_at) VALUES (?, ?)", list(bans)
            )
            self._db.commit()

    def drop_older_runs(self, run: int) -> int:
        """Forget customers a completed ``run`` did not see (deleted upstream)."""
        with self._lock:
            gone = self._db.execute(
                "DELETE FROM metadata WHERE customer_id IN "
                "(SELECT id FROM customers WHERE run < ?)",
                (run,),
            )
            gone = self._db.execute("DELETE FROM customers WHERE run < ?", (run,))
            self._db.commit()
            return gone.rowcount

    # ------------------------------------------------------------ search

    def search(
        self, query: str, *, limit: int, offset: int, now: datetime
    ) -> tuple[list[CustomerSummary], bool]:
        """Rows for ``query`` (exact IDs, metadata value, name prefix, name substring) and
        whether more follow. An empty query lists the newest customers."""
        text = query.strip()
        folded = search_key(text)
        phases: list[tuple[MatchKind, str, tuple[Any, ...]]] = []
        if not text:
            phases.append((MatchKind.NEWEST, "1 = 1 ORDER BY created_at DESC, id DESC", ()))
        else:
            phases.append((MatchKind.CUSTOMER_ID, "id = ?", (text,)))
            for platform, canonical in identifier_candidates(text):
                column = {
                    Platform.STEAM: "steam_id",
                    Platform.MINECRAFT: "minecraft_uuid",
                    Platform.XBOX: "xbox_xuid",
                }[platform]
                phases.append((MatchKind.EXTERNAL_ID, f"{column} = ?", (canonical,)))
            phases.append((MatchKind.EXTERNAL_ID, "external_id = ?", (text,)))
            phases.append(
                (
                    MatchKind.METADATA,
                    "id IN (SELECT customer_id FROM metadata WHERE value = ?)",
                    (text,),
                )
            )
        if folded:
            # A prefix is a range on the name index; a substring of 3+ characters goes
            # through the trigram index (shorter ones scan, as FTS5 trigrams need 3).
            phases.append(
                (
                    MatchKind.NAME_PREFIX,
                    "name_lower >= ? AND name_lower < ? ORDER BY name_lower, id",
                    (folded, folded + "\U0010ffff"),
                )
            )
            if len(folded) >= 3:
                source = "names JOIN customers ON customers.rowid = names.rowid WHERE names MATCH ?"
                needle: str = '"' + folded.replace('"', '""') + '"'
            else:
                escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                source = "customers WHERE customers.name_lower LIKE ? ESCAPE '\\'"
                needle = "%" + escaped + "%"
            phases.append(
                (
                    MatchKind.NAME_SUBSTRING,
                    f"FROM {source} AND NOT (customers.name_lower >= ? "
                    "AND customers.name_lower < ?)",
                    (needle, folded, folded + "\U0010ffff"),
                )
            )
        found: list[CustomerSummary] = []
        seen: set[str] = set()
        wanted = offset + limit + 1
        with self._lock:
            banned = self._banned_values(now)
            for kind, where, args in phases:
                if len(found) >= wanted:
                    break
                if (
                    found
                    and kind in (MatchKind.NAME_PREFIX, MatchKind.NAME_SUBSTRING)
                    and all(row.matched_by.is_exact for row in found)
                ):
                    break  # an ID-shaped input that matched exactly skips the name phases
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} "
                    + (where if where.startswith("FROM ") else f"FROM customers WHERE {where}")
                    + " LIMIT ?",
                    (*args, wanted),
                ).fetchall()
                for row in rows:
                    if row[0] in seen:
                        continue
                    seen.add(row[0])
                    found.append(self._summary(row, kind, banned))
        page = found[offset : offset + limit]
        return page, len(found) > offset + limit

    def near(
        self, query: str, *, limit: int, offset: int, now: datetime
    ) -> tuple[list[CustomerSummary], bool]:
        """Near matches of a name that matched nothing (a typo), closest first, and
        whether more follow; none for inputs too short or only digits."""
        key = search_key(query.strip())
        if not wants_near_matches(key):
            return [], False
        with self._lock:
            banned = self._banned_values(now)
            ranked = self._near_candidates(key)
        page = ranked[offset : offset + limit]
        rows = [self._summary(row, MatchKind.NAME_NEAR, banned) for row in page]
        return rows, len(ranked) > offset + limit

    def _near_candidates(self, key: str) -> list[tuple[Any, ...]]:
        """Customers whose search keys share trigrams with ``key`` (the ``NEAR_POOL``
        sharing most, by FTS5 rank), ranked by closeness as every store ranks them."""
        trigrams = dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2))
        match = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in trigrams)
        rows = self._db.execute(
            f"SELECT {_COLUMNS}, customers.name_lower FROM names "
            "JOIN customers ON customers.rowid = names.rowid WHERE names MATCH ? "
            "ORDER BY rank, customers.id LIMIT ?",
            (match, NEAR_POOL),
        ).fetchall()
        by_id = sorted(rows, key=lambda row: (len(row[0]), row[0]))  # ties: the earlier id
        return rank_near(key, [(row[:-1], row[-1]) for row in by_id])

    def _banned_values(self, now: datetime) -> set[str]:
        rows = self._db.execute("SELECT value, expires_at FROM bans").fetchall()
        return {
            str(value)
            for value, expires in rows
            if expires is None or datetime.fromisoformat(expires) > now
        }

    def _summary(self, row: tuple[Any, ...], kind: MatchKind, banned: set[str]) -> CustomerSummary:
        cid, name, platform, external, created, net, subs, steam = row
        return CustomerSummary(
            id=cid,
            username=name,
            platform=Platform(platform),
            external_id=external,
            first_seen=datetime.fromisoformat(created).astimezone(UTC),
            net_spent=Money.trusted(int(net), self.currency),
            banned=cid in banned or (steam is not None and steam in banned),
            active_subscriber=int(subs) > 0,
            matched_by=kind,
        )

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
