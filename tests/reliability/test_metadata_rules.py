"""Issue 12's metadata rules at every entry point: a key with an empty value is refused
like a value with no key (core validation, so the SQL store, the memory store and the
CLI all refuse it), and a refusal from the CLI names the key, not "row 1"."""

from __future__ import annotations

import pytest

from storeadmin.core.errors import InvalidRows
from storeadmin.core.models import MetadataField
from storeadmin.core.validation import validate_metadata
from storeadmin.data import SqlStoreService
from support import factories, memory_store
from support.cli import run


def test_a_key_with_an_empty_value_is_refused_in_core() -> None:
    with pytest.raises(InvalidRows) as caught:
        validate_metadata([MetadataField("Rank", "vip"), MetadataField("Tier", "  ")])
    assert list(caught.value.rows) == [1]
    assert "needs a value" in caught.value.rows[1]
    assert str(caught.value).startswith("key 'Tier': ")


def test_a_value_without_a_key_is_still_named_by_its_row() -> None:
    with pytest.raises(InvalidRows) as caught:
        validate_metadata([MetadataField("Rank", "vip"), MetadataField("", "orphan")])
    assert str(caught.value).startswith("row 2: ")


def test_a_cleared_row_still_means_remove() -> None:
    assert validate_metadata([MetadataField("", ""), MetadataField("a", "1")]) == (
        MetadataField("a", "1"),
    )


def test_sql_and_memory_stores_refuse_an_empty_value(service: SqlStoreService) -> None:
    customer = factories.customer(service.engine)
    factories.metadata(service.engine, customer, Rank="vip")
    memory = memory_store.open_memory_store(
        memory_store.copy_of(service, f"rules-{id(service)}"), actor="alice"
    )
    for store in (service, memory):
        with pytest.raises(InvalidRows):
            store.replace_metadata(customer, [MetadataField("Rank", "vip"), MetadataField("T", "")])
        assert store.get_metadata(customer) == (MetadataField("Rank", "vip"),)


def test_cli_set_with_an_empty_value_names_the_key(
    store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = factories.customer(service.engine)
    factories.metadata(service.engine, customer, Rank="vip")
    code, _out, err = run(
        capsys, "--db", store_url, "customers", "metadata", customer, "set", "Tier", ""
    )
    assert code == 2, err
    assert "Tier" in err
    assert "row " not in err
    assert service.get_metadata(customer) == (MetadataField("Rank", "vip"),)
