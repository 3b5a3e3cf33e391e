"""One audit entry in full, in memory: the entry and its whole before and after.

The memory store's own metadata entries hold whole maps, but entries copied from a
SQL store keep only what changed: either way the complete maps are rebuilt from
today's map by undoing the newer metadata changes (``core.audit_detail``).
"""

from __future__ import annotations

from storeadmin.core.audit_detail import METADATA_ACTIONS, AuditDetail, rebuild_maps
from storeadmin.core.errors import NotFound
from support.memory_store.base import MemoryBase
from support.memory_store.state import _newest


class MemoryAuditDetail(MemoryBase):
    """``get_audit_entry`` over the in-memory audit list."""

    def get_audit_entry(self, customer_id: str, audit_id: str) -> AuditDetail:
        """The customer's entry with the full before and after (NotFound otherwise)."""
        with self._state.lock:
            self._customer(customer_id)
            rows = _newest(
                (e for e in self._state.audit if e.customer_id == customer_id),
                lambda e: e.at,
                lambda e: e.id,
            )
            found = [e for e in rows if e.id == str(audit_id)]
            if not found:
                raise NotFound(f"no audit entry {audit_id} in this customer's history")
            entry = found[0]
            if entry.action not in METADATA_ACTIONS:
                return AuditDetail.of(entry, entry.before, entry.after)
            changes = []
            for e in rows:
                if e.action in METADATA_ACTIONS:
                    changes.append((e.before or {}, e.after or {}))
                if e is entry:
                    break
            current = dict(self._state.metadata.get(customer_id, {}))
        before, after = rebuild_maps(current, changes)
        return AuditDetail.of(entry, before, after, is_metadata=True)
