"""Customer actions through the details screen, by key: happy path, refusal, cancel.

After each change the History tab (5) shows the new audit entry; a refusal or a cancel
adds none.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from details_helpers import SIZE, move_to, open_details, rows, screen, table_of, text_of
from modal_helpers import error_line, second_service
from textual.pilot import Pilot
from textual.widgets import Button, Input

from storeadmin.app import StoreAdminApp
from storeadmin.core.models import ItemState
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.screens.modals.assign import AssignProductModal
from storeadmin.screens.modals.ban import BanModal, UnbanModal
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.create_token import CreateTokenModal
from storeadmin.screens.modals.edit_customer import EditCustomerModal
from storeadmin.screens.modals.revoke import RevokeModal
from storeadmin.screens.modals.tokens import TokensModal
from storeadmin.widgets.metadata_form import MetadataRow
from support.ui import UiStore, make_app, wait_ready


@asynccontextmanager
async def details(
    store: UiStore, customer_id: int, tab: str = "inventory"
) -> AsyncIterator[tuple[StoreAdminApp, Pilot[None]]]:
    """The app showing ``customer_id`` on ``tab``, every worker idle."""
    app = make_app(store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, customer_id, tab)
        yield app, pilot


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await wait_ready(pilot)


async def history_actions(pilot: Pilot[None]) -> list[str]:
    """Show the History tab and return its Action column, newest first."""
    if isinstance(pilot.app.focused, Input):
        pilot.app.focused.blur()  # in a field, 5 is text; elsewhere it switches tabs
    await press(pilot, "5")
    return [row[2] for row in rows(table_of(pilot, "history"))]


async def type_text(pilot: Pilot[None], selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


# ---------------------------------------------------------------- edit (e)


async def test_e_edits_and_history_shows_it(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        await press(pilot, "e")
        assert isinstance(app.screen, EditCustomerModal)
        await type_text(pilot, "#username", "Alice Liddell")
        await press(pilot, "enter")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert text_of(pilot, "#stats-name").startswith("Alice Liddell")
        assert await history_actions(pilot) == ["customer.edit"]


async def test_e_refused_when_someone_else_saved_first(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        bob = second_service(ui_store)
        try:
            version = bob.get_customer(ui_store.alice).customer.version
            bob.edit_customer(ui_store.alice, expected_version=version, username="Alicia")
        finally:
            bob.close()
        await press(pilot, "e")
        await type_text(pilot, "#username", "Alice Liddell")
        await press(pilot, "enter")
        assert isinstance(app.screen, EditCustomerModal)
        assert error_line(app).startswith("changed by bob")
        await press(pilot, "escape")
        await press(pilot, "r")
        assert text_of(pilot, "#stats-name").startswith("Alicia")
        assert await history_actions(pilot) == ["customer.edit"]  # bob's only


async def test_e_escape_changes_nothing(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        await press(pilot, "e")
        await type_text(pilot, "#username", "Nobody")
        await press(pilot, "escape")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert text_of(pilot, "#stats-name").startswith("Alice")
        assert await history_actions(pilot) == []


# ---------------------------------------------------------------- ban / unban (b)


async def test_b_bans_then_unbans(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        await press(pilot, "b")
        assert isinstance(app.screen, BanModal)
        await type_text(pilot, "#reason", "chargeback fraud")
        await press(pilot, "enter")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert "chargeback fraud" in text_of(pilot, "#stats-ban")
        assert str(app.screen.query_one("#details-ban", Button).label) == "Unban (b)"

        await press(pilot, "b")
        assert isinstance(app.screen, UnbanModal)
        await press(pilot, "enter")
        assert str(app.screen.query_one("#details-ban", Button).label) == "Ban (b)"
        assert await history_actions(pilot) == ["customer.unban", "customer.ban"]


async def test_b_needs_a_reason_and_escape_cancels(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        await pilot.click("#details-ban")
        await wait_ready(pilot)
        assert isinstance(app.screen, BanModal)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BanModal)
        assert app.screen.query_one("#reason", Input).has_class("-invalid")
        await press(pilot, "escape")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert await history_actions(pilot) == []


# ---------------------------------------------------------------- tokens (t)


async def test_t_creates_a_token_and_history_shows_it(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        await press(pilot, "t")
        assert isinstance(app.screen, TokensModal)
        await press(pilot, "n")
        assert isinstance(app.screen, CreateTokenModal)
        await type_text(pilot, "#label", "bot")
        await press(pilot, "enter")
        await pilot.click("#secret-done")
        await wait_ready(pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert await history_actions(pilot) == ["token.create"]


async def test_t_closed_without_changes_adds_nothing(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        await press(pilot, "t")
        await press(pilot, "escape")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert await history_actions(pilot) == []


# ---------------------------------------------------------------- assign (a)


async def test_a_assigns_and_the_inventory_and_history_show_it(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        before = len(rows(table_of(pilot, "inventory")))
        await press(pilot, "a")
        assert isinstance(app.screen, AssignProductModal)
        await pilot.press(*"starter")
        await wait_ready(pilot)
        await press(pilot, "enter", "enter")  # search → expiry → assign
        assert isinstance(app.screen, CustomerDetailsScreen)
        inventory = rows(table_of(pilot, "inventory"))
        assert len(inventory) == before + 1
        assert inventory[0][0] == "Starter Kit"
        assert inventory[0][4] == "manual by alice"
        assert await history_actions(pilot) == ["item.assign"]


async def test_a_refused_for_a_banned_customer(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.mallory) as (app, pilot):
        await press(pilot, "a")
        await pilot.press(*"vip rank")
        await wait_ready(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AssignProductModal)
        assert error_line(app) == "customer: banned: chargeback fraud"
        await press(pilot, "escape")
        assert rows(table_of(pilot, "inventory")) == []
        assert await history_actions(pilot) == []


async def test_a_is_only_offered_on_the_inventory_tab(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice, tab="orders") as (app, pilot):
        await press(pilot, "a")
        assert isinstance(app.screen, CustomerDetailsScreen)
        # The palette entry works from any tab: it switches to Inventory first.
        await app.screen.run_action("assign('palette')")
        await wait_ready(pilot)
        assert isinstance(app.screen, AssignProductModal)


# ---------------------------------------------------------------- revoke (x)


async def test_x_revokes_the_highlighted_active_item(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        table = table_of(pilot, "inventory")
        move_to(table, ui_store.alice_items["active"])
        await pilot.pause()
        assert screen(pilot).query_one("#inventory-revoke", Button).display
        await press(pilot, "x")
        assert isinstance(app.screen, RevokeModal)
        await press(pilot, "enter")  # no reason yet: refused in the dialog
        assert isinstance(app.screen, RevokeModal)
        await type_text(pilot, "#reason", "refunded")
        await press(pilot, "enter")
        assert isinstance(app.screen, CustomerDetailsScreen)
        row = table.get_row(str(ui_store.alice_items["active"]))
        assert str(row[2]) == ItemState.REVOKED.value.capitalize()
        assert await history_actions(pilot) == ["item.revoke"]


async def test_x_is_not_offered_for_a_revoked_item_and_escape_cancels(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice) as (app, pilot):
        table = table_of(pilot, "inventory")
        move_to(table, ui_store.alice_items["revoked"])
        await pilot.pause()
        assert not screen(pilot).query_one("#inventory-revoke", Button).display
        await press(pilot, "x")
        assert isinstance(app.screen, CustomerDetailsScreen)

        move_to(table, ui_store.alice_items["subscription"])
        await pilot.pause()
        await press(pilot, "x")
        assert isinstance(app.screen, RevokeModal)
        await press(pilot, "escape")
        assert str(table.get_row(str(ui_store.alice_items["subscription"]))[2]) == "Active"
        assert await history_actions(pilot) == []


# ---------------------------------------------------------------- metadata (ctrl+n, ctrl+s)


def metadata_rows(pilot: Pilot[None]) -> list[MetadataRow]:
    return list(screen(pilot).metadata.form.query(MetadataRow))


async def test_ctrl_n_and_ctrl_s_add_and_save_metadata(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice, tab="metadata") as (app, pilot):
        await press(pilot, "ctrl+n")
        assert len(metadata_rows(pilot)) == 3
        await pilot.press(*"Tier", "enter", *"gold")
        assert screen(pilot).metadata.dirty
        await press(pilot, "ctrl+s")
        fields = {f.key: f.value for f in app.service.get_metadata(ui_store.alice)}
        assert fields["Tier"] == "gold"
        assert not screen(pilot).metadata.dirty
        assert ("Tier", "gold") in [(f.key, f.value) for f in screen(pilot).metadata.form.fields]
        assert await history_actions(pilot) == ["metadata.replace"]


async def test_ctrl_s_flags_bad_rows_and_saves_nothing(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice, tab="metadata") as (app, pilot):
        await press(pilot, "ctrl+n")
        await pilot.press(*"discordid", "enter", *"1")
        await press(pilot, "ctrl+s")
        flagged = [row.has_class("-invalid") for row in metadata_rows(pilot)]
        assert flagged == [False, False, True]
        assert len(app.service.get_metadata(ui_store.alice)) == 2
        assert await history_actions(pilot) == []


async def test_metadata_save_refused_when_the_customer_changed(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice, tab="metadata") as (app, pilot):
        bob = second_service(ui_store)
        try:
            version = bob.get_customer(ui_store.alice).customer.version
            bob.edit_customer(ui_store.alice, expected_version=version, username="Alicia")
        finally:
            bob.close()
        await press(pilot, "ctrl+n")
        await pilot.press(*"Tier", "enter", *"gold")
        await press(pilot, "ctrl+s")
        problem = str(screen(pilot).metadata.form.query_one("#metadata-problem").render())
        assert problem.startswith("Not saved: changed by bob")
        assert "Tier" not in {f.key for f in app.service.get_metadata(ui_store.alice)}
        assert screen(pilot).metadata.dirty  # what was typed is kept


async def test_escape_with_unsaved_metadata_asks_first(ui_store: UiStore) -> None:
    async with details(ui_store, ui_store.alice, tab="metadata") as (app, pilot):
        await press(pilot, "ctrl+n")
        await pilot.press(*"Tier")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert isinstance(app.screen, CustomerDetailsScreen)
        assert screen(pilot).metadata.dirty
        await press(pilot, "escape")
        await press(pilot, "y")
        assert isinstance(app.screen, CustomerSearchScreen)
        assert app.service.list_audit(ui_store.alice).items == ()
