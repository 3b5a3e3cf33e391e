"""Enter on a History row: the entry in full (AuditEntryModal) — who, when, action,
reason and the whole before → after; for metadata every key of both maps, although
the audit row keeps only what changed. Loading runs in a worker; a failure shows in
the modal."""

from __future__ import annotations

import pytest
from details_helpers import SIZE, open_details, rows, table_of, text_of

from storeadmin.core.errors import Unavailable
from storeadmin.core.models import MetadataField
from storeadmin.core.service import StoreService
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.modals.audit_entry import AuditEntryModal
from storeadmin.widgets.paged_table import PagedTable
from support.ui import UiStore, make_app, open_test_service, wait_ready


def set_metadata_twice(url: str, customer: str) -> None:
    """Two saves by bob: a whole map, then one key changed, one added, one removed."""
    service = open_test_service(url, actor="bob")
    try:
        current = {f.key: f.value for f in service.get_metadata(customer)}
        first = {**current, "Tier": "gold", "Note": "<b>[red]x[/red]</b>", "Old": "o"}
        service.replace_metadata(customer, [MetadataField(k, v) for k, v in first.items()])
        second = {k: v for k, v in first.items() if k != "Old"}
        second.update({"Tier": "platinum", "New": "n"})
        service.replace_metadata(customer, [MetadataField(k, v) for k, v in second.items()])
    finally:
        service.close()


async def test_enter_shows_the_whole_before_and_after(ui_store: UiStore) -> None:
    set_metadata_twice(ui_store.url, ui_store.alice)
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, tab="history")
        table = table_of(pilot, "history")
        table.move_cursor(row=0)  # the newest entry: the second save
        await pilot.press("enter")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, AuditEntryModal)
        facts = text_of(pilot, "#audit-facts")
        assert "Who bob" in facts
        assert "Action metadata.replace" in facts
        assert "Reason —" in facts
        keys = {row[0]: row[1:] for row in rows(modal.query_one(PagedTable))}
        assert keys["Tier"] == ["changed", "gold", "platinum"]
        assert keys["New"] == ["added", "—", "n"]
        assert keys["Old"] == ["removed", "o", "—"]
        # Unchanged keys are there too (the audit row does not hold them), literally.
        assert keys["Note"] == ["same", "<b>[red]x[/red]</b>", "<b>[red]x[/red]</b>"]
        ordered = [row[1] for row in rows(modal.query_one(PagedTable))]
        assert ordered[:3] == ["added", "removed", "changed"]
        assert "3 keys changed" in text_of(pilot, "#audit-summary")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CustomerDetailsScreen)


async def test_enter_on_the_older_entry(sql_ui_store: UiStore) -> None:
    set_metadata_twice(sql_ui_store.url, sql_ui_store.alice)
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, sql_ui_store.alice, tab="history")
        table_of(pilot, "history").move_cursor(row=1)
        await pilot.press("enter")
        await wait_ready(pilot)
        keys = {row[0]: row[1:] for row in rows(pilot.app.screen.query_one(PagedTable))}
        assert keys["Tier"] == ["added", "—", "gold"]
        assert keys["Old"] == ["added", "—", "o"]
        assert "New" not in keys


async def test_a_failed_read_shows_in_the_modal(
    sql_ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_metadata_twice(sql_ui_store.url, sql_ui_store.alice)

    def refuse(self: StoreService, customer_id: str, audit_id: str) -> None:
        raise Unavailable("the store went away")

    from storeadmin.data import SqlStoreService

    monkeypatch.setattr(SqlStoreService, "get_audit_entry", refuse)
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, sql_ui_store.alice, tab="history")
        await pilot.press("enter")
        await wait_ready(pilot)
        assert isinstance(pilot.app.screen, AuditEntryModal)
        assert "the store went away" in text_of(pilot, "#dialog-error")
        assert not pilot.app.screen.query_one("#dialog").loading


async def test_two_hundred_keys_scroll_and_close_stays_on_screen(sql_ui_store: UiStore) -> None:
    service = open_test_service(sql_ui_store.url, actor="bob")
    try:
        keys = {f"k{n:03}": f"v{n}" for n in range(200)}
        service.replace_metadata(sql_ui_store.alice, [MetadataField(k, v) for k, v in keys.items()])
        keys["k100"] = "changed"
        service.replace_metadata(sql_ui_store.alice, [MetadataField(k, v) for k, v in keys.items()])
    finally:
        service.close()
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, sql_ui_store.alice, tab="history")
        await pilot.press("enter")
        await wait_ready(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, AuditEntryModal)
        table = modal.query_one(PagedTable)
        assert table.row_count == 200
        assert [str(c) for c in table.get_row_at(0)] == ["k100", "changed", "v100", "changed"]
        assert table.size.height < 24
        close = modal.query_one("#dialog-close")
        assert close.region.bottom <= 24
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 199
        assert table.scroll_y > 0
