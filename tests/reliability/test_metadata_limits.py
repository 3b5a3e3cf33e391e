"""Huge metadata (issue 14, items 1 and 2): a per-customer limit enforced by every entry
point, a store already past it still loads and can be cleaned up, and the audit log keeps
what changed — not the whole map twice — while History can still rebuild the whole map
before and after any entry, old whole-map rows included."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storeadmin.core import validation
from storeadmin.core.errors import InvalidRows
from storeadmin.core.models import MetadataField
from storeadmin.core.validation import MAX_METADATA_FIELDS, MAX_METADATA_TOTAL
from storeadmin.data import SqlStoreService, open_sql_store
from storeadmin.data.schema import AuditRow
from storeadmin.widgets.history_tab import change_summary
from storeadmin.widgets.metadata_form import MetadataRow
from support import factories
from support.cli import run
from support.ui import build_ui_store, make_app, wait_ready


def _fields(count: int, *, width: int = 1) -> list[MetadataField]:
    return [MetadataField(f"k{i:05d}", "v" * width) for i in range(count)]


def _audit(service: SqlStoreService) -> list[AuditRow]:
    with Session(service.engine) as session:
        return list(
            session.scalars(
                select(AuditRow).where(AuditRow.action == "metadata.replace").order_by(AuditRow.id)
            )
        )


def test_up_to_the_limit_is_stored_one_more_is_refused(service: SqlStoreService) -> None:
    customer = factories.customer(service.engine)
    assert len(service.replace_metadata(customer, _fields(MAX_METADATA_FIELDS))) == 200
    with pytest.raises(InvalidRows, match=f"at most {MAX_METADATA_FIELDS} fields") as refused:
        service.replace_metadata(customer, _fields(MAX_METADATA_FIELDS + 1))
    assert list(refused.value.rows) == [MAX_METADATA_FIELDS]  # the form flags field 201
    assert len(service.get_metadata(customer)) == MAX_METADATA_FIELDS


def test_total_size_is_limited(service: SqlStoreService) -> None:
    customer = factories.customer(service.engine)
    big = _fields(MAX_METADATA_TOTAL // 1000 + 1, width=1000)
    with pytest.raises(InvalidRows, match="characters of metadata per customer"):
        service.replace_metadata(customer, big)
    assert service.get_metadata(customer) == ()


def test_a_store_already_past_the_limit_loads_and_can_shrink_not_grow(
    service: SqlStoreService,
) -> None:
    customer = factories.customer(service.engine)
    factories.metadata(service.engine, customer, **{f"k{i:05d}": "v" for i in range(300)})
    fields = list(service.get_metadata(customer))
    assert len(fields) == 300
    service.replace_metadata(customer, fields[1:])  # a clean-up step is accepted
    with pytest.raises(InvalidRows, match="at most 200 fields"):
        service.replace_metadata(customer, [*fields[1:], MetadataField("new", "x"), fields[0]])
    assert len(service.get_metadata(customer)) == 299


def test_cli_metadata_set_past_the_limit_is_refused_in_one_line(
    store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = factories.customer(service.engine)
    service.replace_metadata(customer, _fields(MAX_METADATA_FIELDS))
    code, _out, err = run(
        capsys, "--db", store_url, "customers", "metadata", customer, "set", "x", "1"
    )
    assert (code, err.count("\n")) == (2, 1), err
    assert f"at most {MAX_METADATA_FIELDS} fields per customer" in err
    code, _out, err = run(
        capsys, "--db", store_url, "customers", "metadata", customer, "unset", "k00000"
    )
    assert code == 0, err


def test_one_set_on_a_large_map_audits_only_what_changed(
    store_url: str, service: SqlStoreService, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,500 sets used to write 54 MB of audit: each row held the whole map twice."""
    customer = factories.customer(service.engine)
    service.replace_metadata(customer, _fields(MAX_METADATA_FIELDS - 1, width=100))
    code, _out, err = run(
        capsys, "--db", store_url, "customers", "metadata", customer, "set", "Note", "hi"
    )
    assert code == 0, err
    code, _out, err = run(
        capsys, "--db", store_url, "customers", "metadata", customer, "set", "k00003", "new"
    )
    assert code == 0, err
    first, added, changed = _audit(service)
    assert (added.before, added.after) == ({}, {"Note": "hi"})
    assert (changed.before, changed.after) == ({"k00003": "v" * 100}, {"k00003": "new"})
    assert len(json.dumps([changed.before, changed.after])) < 200
    assert change_summary(changed.before, changed.after) == "k00003: " + "v" * 23 + "… → new"
    assert len(first.after or {}) == MAX_METADATA_FIELDS - 1  # the first fill lists what it added


def test_history_rebuilds_the_whole_map_of_every_entry_old_rows_included(
    service: SqlStoreService,
) -> None:
    customer = factories.customer(service.engine)
    factories.metadata(service.engine, customer, A="1", B="2")
    # A row written before compact diffs: the whole map before and after.
    with Session(service.engine) as session, session.begin():
        session.execute(
            insert(AuditRow).values(
                at=datetime.now(UTC),
                actor="old",
                action="metadata.replace",
                target_type="customer",
                target_id=customer,
                customer_id=int(customer),
                before={"A": "1"},
                after={"A": "1", "B": "2"},
            )
        )
    maps = [{"A": "1"}, {"A": "1", "B": "2"}]
    for step in ({"A": "9", "B": "2"}, {"A": "9", "C": "3"}, {}, {"Z": "z"}):
        service.replace_metadata(customer, [MetadataField(k, v) for k, v in step.items()])
        maps.append(step)
    entries = _audit(service)
    assert len(entries) == 5
    for index, entry in enumerate(entries):
        before, after = service.metadata_change(customer, str(entry.id))
        assert dict((f.key, f.value) for f in before) == maps[index]
        assert dict((f.key, f.value) for f in after) == maps[index + 1]


async def test_tui_save_past_the_limit_flags_the_row_and_saves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Metadata tab's Ctrl+S on a customer at the limit: the new row is flagged
    (the service's InvalidRows), nothing is saved, the app goes on. (The limit is
    lowered to 5 here: rendering a 200-row form is the form's own, separate work.)"""
    monkeypatch.setattr(validation, "MAX_METADATA_FIELDS", 5)
    limit = validation.MAX_METADATA_FIELDS
    store = build_ui_store(tmp_path / "store.sqlite3")
    service = open_sql_store(store.url, actor="setup")
    try:
        service.replace_metadata(store.bob, _fields(limit))
    finally:
        service.close()
    app = make_app(store.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        app.open_customer(store.bob, "metadata")
        await pilot.pause()
        await wait_ready(pilot)
        await pilot.press("ctrl+n")
        await wait_ready(pilot)
        await pilot.press(*"Tier", "enter", *"gold")
        await pilot.press("ctrl+s")
        await wait_ready(pilot)
        rows = list(app.screen.query(MetadataRow))
        assert [index for index, row in enumerate(rows) if row.has_class("-invalid")] == [limit]
        assert len(app.service.get_metadata(store.bob)) == limit
        assert app.is_running
