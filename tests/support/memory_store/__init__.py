"""``StoreService`` in memory: the protocol's executable documentation, and a second
backend the UI tests run on (as harlequin runs every test on every adapter).

It starts as a copy of another store read through the protocol alone (``copy_of``),
so the same seeded data serves both backends. Writes follow the protocol's rules —
validation, compare-and-set, AlreadyDone, an audit entry per change — with plain
dicts instead of SQL. Stats are the source's figures: admin writes never move money.

``state`` holds the data and the copy, ``base`` the shared loaders, ``reads``,
``overview``, ``audit_detail`` and the two ``*_writes`` modules the protocol's methods.
"""

from __future__ import annotations

from support.memory_store.audit_detail import MemoryAuditDetail
from support.memory_store.customer_writes import CustomerWrites
from support.memory_store.item_writes import ItemWrites
from support.memory_store.overview import MemoryOverview
from support.memory_store.reads import MemoryReads
from support.memory_store.state import MemoryState, copy_of, open_memory_store

__all__ = ["MemoryState", "MemoryStoreService", "copy_of", "open_memory_store"]


class MemoryStoreService(
    MemoryOverview, MemoryReads, MemoryAuditDetail, CustomerWrites, ItemWrites
):
    """The whole ``StoreService`` protocol over a ``MemoryState``."""
