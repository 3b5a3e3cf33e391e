"""The Command dialog says which commands a revoke queued: a revoked item's removal
(on-expire) commands read "on revoke", its purchase commands keep their stage."""

from __future__ import annotations

from delivery_helpers import top
from details_helpers import SIZE, move_to, open_details, rows, table_of

from storeadmin.screens.modals.command import CommandModal
from storeadmin.widgets.paged_table import PagedTable
from support.ui import UiStore, make_app, wait_ready


async def test_removal_commands_of_a_revoke_read_on_revoke(ui_store: UiStore) -> None:
    item = ui_store.alice_items["subscription"]  # VIP+ Monthly: it has an on-expire command
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        app.service.revoke_item(item, reason="chargeback")
        await open_details(pilot, ui_store.alice)
        move_to(table_of(pilot, "inventory"), item)
        await pilot.press("i")
        await wait_ready(pilot)
        modal = top(app)
        assert isinstance(modal, CommandModal)
        stages = sorted(row[2] for row in rows(modal.query_one(PagedTable)))
        assert stages == ["on purchase", "on revoke"]
