"""One audit entry in full: its facts and the whole before and after (History's Enter).

The audit log keeps what a metadata save changed, not the whole map
(``metadata.replace`` rows hold the old values of the changed and removed keys and
the new values of the changed and added ones). :class:`AuditDetail` is what a store
rebuilds from that: for a metadata entry the complete map before and after it, for
every other action the fields the entry recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from storeadmin.core.models import AuditEntry

METADATA_ACTIONS = frozenset({"metadata.replace", "customer.metadata"})
"""Audit actions of a metadata save (SQL and memory: ``metadata.replace``; PayNow's
journal: ``customer.metadata``)."""


class ChangeKind(Enum):
    """How one key or field differs between before and after."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True, slots=True)
class KeyChange:
    """One key that differs: its value before and after (None where it is absent)."""

    key: str
    before: object | None
    after: object | None
    kind: ChangeKind


@dataclass(frozen=True, slots=True)
class AuditDetail:
    """An audit entry with the full before and after.

    ``before`` / ``after`` are read-only maps: for a metadata entry
    (``is_metadata``) the customer's complete metadata before and after the save,
    otherwise the fields the entry recorded (empty when it recorded none).
    """

    entry: AuditEntry
    before: Mapping[str, object]
    after: Mapping[str, object]
    is_metadata: bool = False

    @classmethod
    def of(
        cls,
        entry: AuditEntry,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
        *,
        is_metadata: bool = False,
    ) -> AuditDetail:
        """Build one with read-only copies of ``before`` and ``after``."""
        return cls(
            entry=entry,
            before=MappingProxyType(dict(before or {})),
            after=MappingProxyType(dict(after or {})),
            is_metadata=is_metadata,
        )

    def keys(self) -> tuple[KeyChange, ...]:
        """Every key of before and after, in key order (case-insensitive, then exact)."""
        keys = sorted(set(self.before) | set(self.after), key=lambda k: (k.casefold(), k))
        result = []
        for key in keys:
            old, new = self.before.get(key), self.after.get(key)
            if key not in self.before:
                kind = ChangeKind.ADDED
            elif key not in self.after:
                kind = ChangeKind.REMOVED
            else:
                kind = ChangeKind.SAME if old == new else ChangeKind.CHANGED
            result.append(KeyChange(key, old, new, kind))
        return tuple(result)

    def changes(self) -> tuple[KeyChange, ...]:
        """The keys that differ, in key order."""
        return tuple(k for k in self.keys() if k.kind is not ChangeKind.SAME)

    def unchanged(self) -> int:
        """How many keys are the same before and after."""
        return sum(1 for k in self.keys() if k.kind is ChangeKind.SAME)


def undo_change(
    after_map: Mapping[str, str], before: Mapping[str, object], after: Mapping[str, object]
) -> dict[str, str]:
    """The map before an audited metadata change, from the map after it. Works for
    compact rows (changed keys only) and for older rows that hold whole maps."""
    result = {k: v for k, v in after_map.items() if k not in after}
    result.update({str(k): str(v) for k, v in before.items()})
    return result


def rebuild_maps(
    current: Mapping[str, str],
    newer_first: Iterable[tuple[Mapping[str, object], Mapping[str, object]]],
) -> tuple[dict[str, str], dict[str, str]]:
    """The whole map before and after the last of ``newer_first``: the (before, after)
    of every metadata change from the newest down to the wanted one, undone in turn
    from today's map ``current``."""
    after_map: dict[str, str] = dict(current)
    before_map = after_map
    for before, after in newer_first:
        after_map = before_map
        before_map = undo_change(after_map, before, after)
    return before_map, after_map
