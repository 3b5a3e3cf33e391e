"""The action modals pushed directly on a running app over the seeded SQLite store.

Each test types into the dialog, confirms, and checks the store afterwards through the
service: the change, and exactly one new audit entry (none for a refusal or a cancel).
"""

from __future__ import annotations

import pytest
from modal_helpers import (
    audit_actions,
    confirm,
    customer,
    error_line,
    hint,
    push,
    running,
    second_service,
    text_of,
    type_into,
)
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from storeadmin.core.errors import AlreadyDone
from storeadmin.core.models import Customer, InventoryItem, ItemState, Platform, TokenState
from storeadmin.core.service import StoreService
from storeadmin.data.tokens import verify_token
from storeadmin.screens.modals.ban import BanModal, UnbanModal
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.create_token import CreateTokenModal
from storeadmin.screens.modals.edit_customer import EditCustomerModal
from storeadmin.screens.modals.revoke import RevokeModal
from storeadmin.screens.modals.tokens import TokensModal
from support.ui import FIXED_NOW, UiStore, wait_ready

STEAM_HINT = "a SteamID64 has 17 digits and starts with 7656119"


# ---------------------------------------------------------------- edit


async def test_edit_checks_steam_id_as_you_type_and_saves_canonical(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#external_id", "7656119800000000")
        assert hint(app, "external_id").startswith(STEAM_HINT)
        assert app.screen.query_one("#external_id", Input).has_class("-invalid")

        await type_into(pilot, "#external_id", "STEAM_0:1:4")
        assert hint(app, "external_id") == "will be saved as 76561197960265737"
        await pilot.press("enter")
        await wait_ready(pilot)

        assert len(results) == 1
        saved = results[0]
        assert isinstance(saved, Customer)
        assert saved.external_id == "76561197960265737"
        assert customer(app.service, ui_store.alice).external_id == "76561197960265737"
        assert audit_actions(app.service, ui_store.alice) == ["customer.edit"]


async def test_edit_refuses_a_bad_id_locally(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#external_id", "76561202301376826")  # another instance
        assert "non-standard instance" in hint(app, "external_id")
        await confirm(pilot)
        assert results == []
        assert "Fix the fields" in error_line(app)
        assert customer(app.service, ui_store.alice).external_id == "76561198000000001"
        assert audit_actions(app.service, ui_store.alice) == []


async def test_edit_platform_change_revalidates_the_id(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        assert hint(app, "external_id") == "unchanged"
        app.screen.query_one("#platform", Select).value = Platform.MINECRAFT.value
        await pilot.pause()
        assert "Minecraft UUID" in hint(app, "external_id")
        await type_into(pilot, "#external_id", "069A79F444E94726A5BEFCA90E38AAF6")
        assert hint(app, "external_id") == ("will be saved as 069a79f4-44e9-4726-a5be-fca90e38aaf6")


async def test_edit_stale_version_is_refused_naming_who(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        bob = second_service(ui_store)
        try:
            before = customer(bob, ui_store.alice)
            bob.edit_customer(ui_store.alice, expected_version=before.version, username="Alicia")
        finally:
            bob.close()
        await type_into(pilot, "#username", "Alice Cooper")
        await confirm(pilot)

        assert results == []
        assert error_line(app).startswith("changed by bob at 2026-11-25 12:00")
        assert error_line(app).endswith("reload")
        assert app.screen.query_one("#username", Input).value == "Alice Cooper"  # kept
        assert customer(app.service, ui_store.alice).username == "Alicia"  # not overwritten
        assert audit_actions(app.service, ui_store.alice) == ["customer.edit"]  # bob's only


async def test_edit_duplicate_id_names_the_other_customer(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#external_id", "76561198000000003")  # Mallory's
        await confirm(pilot)
        assert results == []
        assert error_line(app) == (
            f"that steam ID belongs to customer {ui_store.mallory} (Mallory)"
        )
        assert audit_actions(app.service, ui_store.alice) == []


async def test_edit_escape_changes_nothing(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#username", "Someone Else")
        await pilot.press("escape")
        await wait_ready(pilot)
        assert results == [None]
        assert not isinstance(app.screen, EditCustomerModal)
        assert customer(app.service, ui_store.alice).username == "Alice"
        assert audit_actions(app.service, ui_store.alice) == []


# ---------------------------------------------------------------- ban / unban


async def test_ban_shows_the_end_live_and_bans(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, BanModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#reason", "chargeback fraud")
        await type_into(pilot, "#until", "7d")
        assert hint(app, "until") == "until 2026-12-02 12:00 (in 7 days)"
        await type_into(pilot, "#until", "yesterday")
        assert hint(app, "until").startswith("not a date or duration")
        await type_into(pilot, "#until", "2026-12-31")
        await confirm(pilot)

        banned = results[0]
        assert isinstance(banned, Customer)
        assert banned.ban is not None
        stored = customer(app.service, ui_store.alice)
        assert stored.ban is not None
        assert stored.ban.reason == "chargeback fraud"
        assert stored.ban.expires_at is not None
        assert stored.ban.expires_at.isoformat() == "2026-12-31T23:59:59+00:00"
        assert audit_actions(app.service, ui_store.alice) == ["customer.ban"]


async def test_ban_needs_a_reason(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, BanModal(customer(app.service, ui_store.alice)))
        await confirm(pilot)
        assert results == []
        assert hint(app, "reason") == "a reason is required"
        assert app.screen.query_one("#reason", Input).has_class("-invalid")
        assert not customer(app.service, ui_store.alice).is_banned
        assert audit_actions(app.service, ui_store.alice) == []


async def test_ban_double_press_bans_once(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        modal = BanModal(customer(app.service, ui_store.alice))
        results = await push(pilot, modal)
        await type_into(pilot, "#reason", "cheating")
        modal.action_confirm()
        assert modal.busy
        assert modal.confirm_button.disabled
        modal.action_confirm()  # ignored: the write is under way
        await wait_ready(pilot)
        assert len(results) == 1
        assert audit_actions(app.service, ui_store.alice) == ["customer.ban"]
        # A replay of the same request (a retry after a lost reply) changes nothing.
        again = second_service(ui_store)
        try:
            again.unban_customer(ui_store.alice)
            with pytest.raises(AlreadyDone):
                again.ban_customer(ui_store.alice, reason="x", request_id=modal.request_id)
        finally:
            again.close()
        assert not customer(app.service, ui_store.alice).is_banned


async def test_ban_already_banned_is_information(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        mallory = customer(app.service, ui_store.mallory)
        results = await push(pilot, BanModal(mallory))
        await type_into(pilot, "#reason", "again")
        await confirm(pilot)
        assert len(results) == 1
        assert isinstance(results[0], Customer)
        assert results[0].ban is not None
        assert results[0].ban.reason == "chargeback fraud"
        assert audit_actions(app.service, ui_store.mallory) == []


async def test_unban_names_the_ban_and_lifts_it(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, UnbanModal(customer(app.service, ui_store.mallory)))
        facts = text_of(app.screen.query_one("#unban-facts", Static))
        assert "Lift the ban on Mallory?" in facts
        assert "chargeback fraud" in facts
        await pilot.press("enter")  # the confirm button has the focus
        await wait_ready(pilot)
        assert isinstance(results[0], Customer)
        assert not results[0].is_banned
        assert not customer(app.service, ui_store.mallory).is_banned
        assert audit_actions(app.service, ui_store.mallory) == ["customer.unban"]


async def test_unban_escape_keeps_the_ban(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, UnbanModal(customer(app.service, ui_store.mallory)))
        await pilot.press("escape")
        await wait_ready(pilot)
        assert results == [None]
        assert customer(app.service, ui_store.mallory).is_banned
        assert audit_actions(app.service, ui_store.mallory) == []


# ---------------------------------------------------------------- revoke


def alice_item(service: StoreService, store: UiStore, which: str) -> InventoryItem:
    items = service.list_inventory(store.alice).items
    return next(item for item in items if item.id == store.alice_items[which])


async def test_revoke_needs_a_reason_then_revokes(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        item = alice_item(app.service, ui_store, "active")
        results = await push(pilot, RevokeModal(customer(app.service, ui_store.alice), item))
        facts = text_of(app.screen.query_one("#revoke-facts", Static))
        assert facts.startswith(f"Revoke VIP Rank from Alice (#{ui_store.alice})?")
        assert app.screen.confirm_button.variant == "error"

        await confirm(pilot)
        assert results == []
        assert hint(app, "reason") == "a reason is required"
        assert audit_actions(app.service, ui_store.alice) == []

        await type_into(pilot, "#reason", "refunded by support")
        await pilot.press("enter")
        await wait_ready(pilot)
        assert isinstance(results[0], InventoryItem)
        assert alice_item(app.service, ui_store, "active").state is ItemState.REVOKED
        assert audit_actions(app.service, ui_store.alice) == ["item.revoke"]
        removal = app.service.list_command_attempts(item.id)[-1]
        assert removal.command == "oxide.usergroup remove 76561198000000001 vip"


async def test_revoke_already_revoked_elsewhere_is_information(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        item = alice_item(app.service, ui_store, "active")
        results = await push(pilot, RevokeModal(customer(app.service, ui_store.alice), item))
        bob = second_service(ui_store)
        try:
            bob.revoke_item(item.id, reason="bob was faster")
        finally:
            bob.close()
        await type_into(pilot, "#reason", "me too")
        await confirm(pilot)
        assert len(results) == 1
        assert results[0].state is ItemState.REVOKED
        assert audit_actions(app.service, ui_store.alice) == ["item.revoke"]  # bob's only


async def test_revoke_is_not_offered_for_an_expired_item(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        item = alice_item(app.service, ui_store, "expired")
        results = await push(pilot, RevokeModal(customer(app.service, ui_store.alice), item))
        assert app.screen.confirm_button.disabled
        assert "Only an active item can be revoked" in error_line(app)
        app.screen.action_confirm()
        await wait_ready(pilot)
        assert results == []
        assert audit_actions(app.service, ui_store.alice) == []


# ---------------------------------------------------------------- tokens


async def test_tokens_create_shows_the_secret_once(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, TokensModal(customer(app.service, ui_store.alice)))
        assert "No tokens yet" in text_of(app.screen.query_one("#tokens-status", Static))
        await pilot.press("n")
        await wait_ready(pilot)
        assert isinstance(app.screen, CreateTokenModal)
        await type_into(pilot, "#label", "discord bot")
        await type_into(pilot, "#expires_at", "30d")
        assert hint(app, "expires_at") == "expires 2026-12-25 12:00 (in 1 month)"
        await pilot.press("enter")
        await wait_ready(pilot)

        secret = app.screen.query_one("#secret", TextArea)
        assert secret.read_only
        shown = secret.text
        token = app.service.list_tokens(ui_store.alice)[0]
        assert shown.startswith(token.prefix)
        if ui_store.url.startswith("sqlite"):  # the SQL store keeps the hash it checks
            assert str(verify_token(app.service, shown, now=FIXED_NOW)) == ui_store.alice  # type: ignore[arg-type]
        audit = app.service.list_audit(ui_store.alice).items
        assert [entry.action for entry in audit] == ["token.create"]
        assert shown not in repr(audit)

        await pilot.press("c")
        assert app.clipboard == shown
        await pilot.click("#secret-done")
        await wait_ready(pilot)
        assert isinstance(app.screen, TokensModal)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("escape")
        await wait_ready(pilot)
        assert results == [True]


async def test_tokens_revoke_selected_and_revoke_all_asks(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        for label in ("one", "two", "three"):
            app.service.create_token(ui_store.alice, label=label)
        results = await push(pilot, TokensModal(customer(app.service, ui_store.alice)))
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        table.focus()
        await pilot.press("x")  # the newest ("three") is highlighted
        await wait_ready(pilot)
        assert isinstance(app.screen, ConfirmModal)  # revoking one asks too
        await pilot.press("y")
        await wait_ready(pilot)
        states = {t.label: t.state(FIXED_NOW) for t in app.service.list_tokens(ui_store.alice)}
        assert states == {
            "one": TokenState.ACTIVE,
            "two": TokenState.ACTIVE,
            "three": TokenState.REVOKED,
        }

        await pilot.press("X")
        await wait_ready(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # no
        await wait_ready(pilot)
        assert isinstance(app.screen, TokensModal)
        assert audit_actions(app.service, ui_store.alice)[0] == "token.revoke"

        await pilot.press("X")
        await wait_ready(pilot)
        await pilot.click("#confirm-yes")
        await wait_ready(pilot)
        tokens = app.service.list_tokens(ui_store.alice)
        assert all(t.state(FIXED_NOW) is TokenState.REVOKED for t in tokens)
        assert audit_actions(app.service, ui_store.alice)[:2] == [
            "token.revoke_all",
            "token.revoke",
        ]
        assert app.screen.query_one("#tokens-revoke-all", Button).disabled
        await pilot.press("escape")
        await wait_ready(pilot)
        assert results == [True]


async def test_tokens_close_without_changes_reports_none(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, TokensModal(customer(app.service, ui_store.alice)))
        await pilot.press("n")
        await wait_ready(pilot)
        await pilot.press("escape")  # cancel the create dialog
        await wait_ready(pilot)
        await pilot.press("escape")
        await wait_ready(pilot)
        assert results == [False]
        assert app.service.list_tokens(ui_store.alice) == ()
        assert audit_actions(app.service, ui_store.alice) == []


async def test_error_line_goes_once_the_field_is_valid(ui_store: UiStore) -> None:
    """Issue 12 "Dialogs": the error line disappears once its field is valid."""
    async with running(ui_store) as (app, pilot):
        await push(pilot, EditCustomerModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#external_id", "76561202301376826")
        await confirm(pilot)
        assert "Fix the fields" in error_line(app)
        await type_into(pilot, "#external_id", "76561197960265737")
        await wait_ready(pilot)
        assert error_line(app) == ""


async def test_new_token_asks_before_esc_closes_an_uncopied_secret(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, CreateTokenModal(customer(app.service, ui_store.alice)))
        await type_into(pilot, "#label", "bot")
        await pilot.press("enter")
        await wait_ready(pilot)
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(app.screen, ConfirmModal)  # the secret was not copied
        await pilot.press("n")
        await wait_ready(pilot)
        assert isinstance(app.screen, CreateTokenModal)
        assert app.screen.query_one("#secret", TextArea).text
        await pilot.press("c", "escape")
        await wait_ready(pilot)
        assert len(results) == 1
        assert results[0] is not None
