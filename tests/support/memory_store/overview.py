"""``open_customer`` in memory: the single reads one after another (a dict has no round
trips to save); the pages are those reads' first pages by construction."""

from __future__ import annotations

from storeadmin.core.overview import CustomerOverview, compose_overview
from storeadmin.core.service import DEFAULT_PAGE
from support.memory_store.reads import MemoryReads


class MemoryOverview(MemoryReads):
    """The details screen's opening read over the memory store's reads."""

    def open_customer(self, customer_id: str, *, limit: int = DEFAULT_PAGE) -> CustomerOverview:
        """The header and the first ``limit`` rows of every tab (NotFound: no customer)."""
        return compose_overview(self, customer_id, limit)
