"""Issue 12: after a refused metadata save, the admin is not sent in a circle.

"Not saved: changed by …" offers a reload; that reload keeps the admin's edits (on top
of the other admin's change); the leave dialog is drawn; Ctrl+Q asks too.
"""

from __future__ import annotations

from details_helpers import SIZE, open_details, screen
from modal_helpers import second_service
from textual.pilot import Pilot

from storeadmin.core.models import MetadataField
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.modals.confirm import ConfirmModal
from support.ui import UiStore, make_app, screen_text, wait_ready


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await wait_ready(pilot)


def bob_adds(store: UiStore, key: str, value: str) -> None:
    bob = second_service(store)
    try:
        version = bob.get_customer(store.alice).customer.version
        fields = (*bob.get_metadata(store.alice), MetadataField(key, value))
        bob.replace_metadata(store.alice, fields, expected_version=version)
    finally:
        bob.close()


async def test_reload_after_a_conflict_keeps_the_edits_then_saves(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, "metadata")
        bob_adds(ui_store, "Clan", "wolves")
        await press(pilot, "ctrl+n")
        await pilot.press(*"Tier", "enter", *"gold")
        await press(pilot, "ctrl+s")
        form = screen(pilot).metadata.form
        problem = str(form.query_one("#metadata-problem").render())
        assert problem.startswith("Not saved: changed by bob")
        assert "r reloads" in problem

        screen(pilot).metadata.focus_body()
        await press(pilot, "r")
        keys = {f.key: f.value for f in form.fields}
        assert keys.get("Tier") == "gold"  # the admin's edit is kept
        assert keys.get("Clan") == "wolves"  # and bob's change is in
        assert form.dirty
        await press(pilot, "ctrl+s")
        stored = {f.key: f.value for f in app.service.get_metadata(ui_store.alice)}
        assert stored.get("Tier") == "gold"
        assert stored.get("Clan") == "wolves"
        assert not form.dirty


async def test_leave_dialog_is_drawn_after_a_conflict(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, "metadata")
        bob_adds(ui_store, "Clan", "wolves")
        await press(pilot, "ctrl+n")
        await pilot.press(*"Tier", "enter", *"gold")
        await press(pilot, "ctrl+s")
        screen(pilot).metadata.focus_body()
        await press(pilot, "r")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        assert "Leave and lose them?" in screen_text(app)
        await press(pilot, "n")
        assert isinstance(app.screen, CustomerDetailsScreen)


async def test_ctrl_q_with_unsaved_metadata_asks(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, ui_store.alice, "metadata")
        await press(pilot, "ctrl+n")
        await pilot.press(*"Tier")
        await press(pilot, "ctrl+q")
        assert app.is_running
        assert isinstance(app.screen, ConfirmModal)
        assert "unsaved" in screen_text(app)
        await press(pilot, "n")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert screen(pilot).metadata.dirty


def test_merge_edits_applies_only_what_the_admin_changed() -> None:
    from storeadmin.widgets.metadata_form import merge_edits

    def fields(**pairs: str) -> tuple[MetadataField, ...]:
        return tuple(MetadataField(k, v) for k, v in pairs.items())

    base = fields(A="1", B="2", C="3")
    mine = (*fields(A="1", C="30", D="4"), MetadataField("", ""))  # B removed, C changed, D new
    theirs = fields(A="10", B="2", C="3", E="5")  # bob changed A, added E
    assert merge_edits(base, mine, theirs) == fields(A="10", C="30", E="5", D="4")
