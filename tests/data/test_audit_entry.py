"""get_audit_entry: one History entry with the whole before and after, on SQLite,
PostgreSQL and the memory store (a copy of the SQL one, then its own writes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storeadmin.core.audit_detail import AuditDetail, ChangeKind
from storeadmin.core.errors import NotFound
from storeadmin.core.models import MetadataField
from storeadmin.core.service import StoreService
from storeadmin.data import SqlStoreService
from support import factories
from support.memory_store import copy_of, open_memory_store

MAPS = [
    {"A": "1", "B": "2"},
    {"A": "9", "B": "2", "C": "3"},
    {"C": "3"},
]


@pytest.fixture(params=["sql", "memory"])
def store(request: pytest.FixtureRequest, service: SqlStoreService) -> Iterator[StoreService]:
    """The SQL store with two customers, or a memory copy of it."""
    factories.customer(service.engine, "Alice", external_id="76561198000000001")
    factories.customer(service.engine, "Bob", external_id="76561198000000002")
    if request.param == "sql":
        yield service
    else:
        yield open_memory_store(copy_of(service, f"audit-entry-{id(request)}"), actor="test")


def _set(store: StoreService, customer: str, values: dict[str, str]) -> None:
    store.replace_metadata(customer, [MetadataField(k, v) for k, v in values.items()])


def _oldest_first(store: StoreService, customer: str) -> list[str]:
    return [e.id for e in reversed(store.list_audit(customer).items)]


def test_metadata_entries_give_the_whole_maps(store: StoreService) -> None:
    customer = store.search_customers("").items[0].id
    for values in MAPS:
        _set(store, customer, values)
    ids = _oldest_first(store, customer)[-3:]
    previous = dict(MAPS[0])
    for index, audit_id in enumerate(ids[1:], start=1):
        detail = store.get_audit_entry(customer, audit_id)
        assert isinstance(detail, AuditDetail)
        assert detail.is_metadata
        assert detail.entry.id == audit_id
        assert detail.entry.action == "metadata.replace"
        assert dict(detail.before) == previous
        assert dict(detail.after) == MAPS[index]
        previous = MAPS[index]
    second = store.get_audit_entry(customer, ids[1])
    assert [(c.key, c.kind, c.before, c.after) for c in second.changes()] == [
        ("A", ChangeKind.CHANGED, "1", "9"),
        ("C", ChangeKind.ADDED, None, "3"),
    ]
    assert second.unchanged() == 1


def test_other_entries_give_their_recorded_fields(store: StoreService) -> None:
    customer = store.search_customers("").items[0].id
    store.ban_customer(customer, reason="cheating")
    [entry] = [e for e in store.list_audit(customer).items if e.action == "customer.ban"][:1]
    detail = store.get_audit_entry(customer, entry.id)
    assert not detail.is_metadata
    assert detail.entry == entry
    assert dict(detail.before) == dict(entry.before or {})
    assert dict(detail.after) == dict(entry.after or {})


def test_unknown_or_foreign_entries_are_not_found(store: StoreService) -> None:
    first, second = (s.id for s in store.search_customers("").items[:2])
    _set(store, first, {"K": "v"})
    mine = store.list_audit(first).items[0].id
    with pytest.raises(NotFound):
        store.get_audit_entry(second, mine)
    for bad in ("999999999", "x"):
        with pytest.raises(NotFound):
            store.get_audit_entry(first, bad)
    with pytest.raises(NotFound):
        store.get_audit_entry("987654321", mine)
