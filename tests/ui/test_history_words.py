"""History in words (issue 12): "banned", "ban lifted", "name changed: a → b",
"metadata: 2 keys changed", and a revoke's removal commands named as the revoke's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storeadmin.core.models import AuditEntry
from storeadmin.widgets.audit_words import describe


def entry(action: str, before: dict[str, object] | None, after: dict[str, object]) -> AuditEntry:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return AuditEntry("1", at, "alice", action, "customer", "5", "5", before, after)


@pytest.mark.parametrize(
    ("action", "before", "after", "words"),
    [
        ("customer.ban", {"banned": False}, {"banned": True, "reason": "x"}, "banned"),
        (
            "customer.ban",
            {"banned": False},
            {"banned": True, "until": "2027-01-01"},
            "banned until 2027-01-01",
        ),
        ("customer.unban", {"banned": True, "reason": "x"}, {"banned": False}, "ban lifted"),
        ("customer.edit", {"username": "a"}, {"username": "b"}, "name changed: a → b"),
        (
            "metadata.replace",
            {"A": "1", "B": "2"},
            {"A": "9", "C": "3"},
            "metadata: 3 keys changed (1 added, 1 removed)",
        ),
        (
            "metadata.replace",
            {"A": "1", "B": "2"},
            {"A": "9", "B": "8"},
            "metadata: 2 keys changed",
        ),
        ("metadata.replace", {}, {"Tier": "gold"}, "metadata: Tier added"),
        (
            "item.revoke",
            {"state": "active"},
            {"state": "revoked", "product": "VIP", "commands_queued": 2},
            "revoked VIP; 2 removal commands queued",
        ),
        (
            "item.assign",
            None,
            {"product": "VIP", "commands_queued": 1},
            "assigned VIP; 1 command queued",
        ),
        ("token.revoke_all", None, {"count": 3}, "3 tokens revoked"),
        ("item.revoke", {"state": "active"}, {"state": "revoked"}, "revoked"),
        ("customer.ban.failed", None, {"outcome": "failed: HTTP 500"}, "failed: failed: HTTP 500"),
        ("server.odd", {"x": 1}, {"x": 2}, "x: 1 → 2"),
    ],
)
def test_entries_read_in_words(
    action: str, before: dict[str, object] | None, after: dict[str, object], words: str
) -> None:
    assert describe(entry(action, before, after)) == words
