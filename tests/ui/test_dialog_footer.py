"""A dialog's footer names the dialog's keys (Esc, Ctrl+S), not the keys of the
screen under it, which do nothing while the dialog is open."""

from __future__ import annotations

from modal_helpers import customer, push, running
from textual.widgets._footer import FooterKey

from storeadmin.screens.modals.ban import BanModal
from storeadmin.screens.modals.confirm import ConfirmModal
from support.ui import UiStore


def footer_keys(screen: object) -> list[tuple[str, str]]:
    """(key, description) of every key the screen's own footer shows."""
    return [(key.key_display, key.description) for key in screen.query(FooterKey)]  # type: ignore[attr-defined]


async def test_an_action_dialog_footer_shows_cancel_and_ctrl_s(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        await push(pilot, BanModal(customer(app.service, ui_store.bob)))
        shown = footer_keys(app.screen)
        assert ("esc", "Cancel") in shown
        assert ("^s", "Confirm") in shown
        assert not any(description == "Open" for _, description in shown)


async def test_a_question_footer_shows_its_answers(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        await push(pilot, ConfirmModal("Delete?", "Really?"))
        descriptions = [description for _, description in footer_keys(app.screen)]
        assert "No" in descriptions
