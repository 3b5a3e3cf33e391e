"""Hostile data at the service and CLI boundary, on both backends: control characters
are refused at input for every free-text field, printable hostile strings (SQL, LIKE
wildcards, markup, emoji, CJK) are stored and found literally, non-ASCII digits never
pass as IDs, and the CLI prints data planted by other systems without escape bytes.

Covered elsewhere, not repeated: display_safe and validation tables
(tests/unit/test_text.py, test_validation.py, test_identifiers.py), LIKE wildcards in
search (tests/data/test_search.py::test_like_wildcards_are_literal), names with
ESC/markup in ``customers show``/``search`` (tests/cli/test_customers_cli.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fault_tools import snapshot

from storeadmin.cli import main
from storeadmin.core.errors import Invalid
from storeadmin.core.models import MetadataField
from storeadmin.data import SqlStoreService
from support import factories

CONTROLS = {
    "ESC OSC": "\x1b]0;PWNED\x07",
    "CSI": "\x1b[2J",
    "NUL": "\x00",
    "newline": "\n",
    "carriage return": "\r",
    "tab": "\t",
    "DEL": "\x7f",
    "C1 CSI": "\x9b31m",
    "bidi override": "\u202e",
    "bidi isolate": "\u2066",
    "BOM": "\ufeff",
}

PRINTABLE_HOSTILE = (
    "'; DROP TABLE customers;--",
    "Robert'); DELETE FROM audit_log;--",
    "100% _off_",
    "back\\slash\\%",
    "Bob [/]",
    "[@click=app.quit]x[/]",
    "[link='https://e.x']x[/link]",
    "🦀 Crab",
    "名字テスト",
    "Zoë Ünïcode",
)


def _store(service: SqlStoreService) -> dict[str, int]:
    engine = service.engine
    server = factories.game_server(engine)
    product = factories.product(engine, server_ids=[server])
    customer = factories.customer(engine)
    item = factories.item(engine, customer, product, server_ids=[server])
    return {"customer": customer, "item": item, "product": product}


def _free_text_writes(
    service: SqlStoreService, ids: dict[str, int], text: str
) -> dict[str, Callable[[], Any]]:
    """Every write that takes free text, each called with ``text``."""
    customer = ids["customer"]
    return {
        "username": lambda: service.edit_customer(customer, expected_version=1, username=text),
        "ban reason": lambda: service.ban_customer(customer, reason=text),
        "revoke reason": lambda: service.revoke_item(ids["item"], reason=text),
        "token label": lambda: service.create_token(customer, label=text),
        "metadata value": lambda: service.replace_metadata(customer, [MetadataField("Note", text)]),
        "metadata key": lambda: service.replace_metadata(customer, [MetadataField(text, "v")]),
    }


def test_control_characters_are_refused_in_every_free_text_field(
    service: SqlStoreService,
) -> None:
    ids = _store(service)
    before = snapshot(service.engine)
    for name, control in CONTROLS.items():
        for field, write in _free_text_writes(service, ids, f"left{control}right").items():
            with pytest.raises(Invalid):
                write()
            assert snapshot(service.engine) == before, (name, field)


def test_printable_hostile_strings_are_stored_and_found_literally(
    service: SqlStoreService,
) -> None:
    customers = {
        name: factories.customer(service.engine, f"Seed{n}", external_id=f"7656119800000{n:04d}")
        for n, name in enumerate(PRINTABLE_HOSTILE)
    }
    for name, cid in customers.items():
        assert service.edit_customer(cid, expected_version=1, username=name).username == name
        service.replace_metadata(cid, [MetadataField("Note", name)])
    for name, cid in customers.items():
        found = service.search_customers(name).items
        assert found, name
        assert found[0].id == cid, name
        assert found[0].username == name
        assert service.get_metadata(cid) == (MetadataField("Note", name),)
    # Nothing was executed: every table and row is still there.
    assert len(service.search_customers("", limit=50).items) == len(PRINTABLE_HOSTILE)
    assert len(service.list_audit(customers[PRINTABLE_HOSTILE[1]]).items) == 2


@pytest.mark.parametrize(
    "external_id",
    [
        "７６５６１１９８０００００００９９",  # fullwidth digits: int() accepts them
        "76561198000000099\n",  # re's $ accepts a trailing newline
        "7656_1198_0000_0009_9",  # int() accepts underscores
        "٧٦٥٦١١٩٨٠٠٠٠٠٠٠٩٩",  # Arabic-Indic digits
    ],
)
def test_ids_are_ascii_only_at_the_service(service: SqlStoreService, external_id: str) -> None:
    customer = factories.customer(service.engine)
    with pytest.raises(Invalid):
        service.edit_customer(customer, expected_version=1, external_id=external_id)
    assert service.get_customer(customer).customer.external_id == "76561198000000001"


def test_surrounding_spaces_are_trimmed_to_the_canonical_id(service: SqlStoreService) -> None:
    customer = factories.customer(service.engine)
    edited = service.edit_customer(customer, expected_version=1, external_id=" 76561198000000099 ")
    assert edited.external_id == "76561198000000099"


def test_non_ascii_digits_do_not_find_by_id(service: SqlStoreService) -> None:
    customer = factories.customer(service.engine)
    assert [c.id for c in service.search_customers(str(customer)).items] == [customer]
    fullwidth = str(customer).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert service.search_customers(fullwidth).items == ()
    assert service.search_customers("７６５６１１９８０００００００００１").items == ()


def test_cli_prints_planted_data_without_escape_bytes(
    service: SqlStoreService, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Values written by another system (a webhook, an import) skip our validation."""
    customer = factories.customer(service.engine, "Mallory\u202eevil\x1b]0;T\x07")
    factories.metadata(
        service.engine,
        customer,
        Note="[@click=app.quit]x[/] \x1b[31mred\x9b2J\x7f",
        Clan="\u2066rtl\u2069",
    )
    for argv in (
        ["customers", "metadata", str(customer), "get"],
        ["customers", "show", str(customer)],
        ["customers", "search", "Mallory"],
    ):
        code = main([*argv, "--db", store_url])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        output = captured.out + captured.err
        for raw in ("\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\u2066"):
            assert raw not in output, (argv, raw)
        if argv[1] == "metadata":
            assert "[@click=app.quit]x[/] ␛[31mred" in output
