"""What a store cannot do is explained, not offered (``StoreInfo.features``).

The app runs on the seeded store wrapped so that ``store_info()`` drops the token and
audit features, as a PayNow store does; the dialogs must say so in one line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from modal_helpers import SIZE, customer, push, text_of
from textual.widgets import Button, DataTable, Input, Static

from storeadmin.app import StoreAdminApp
from storeadmin.core.models import ALL_FEATURES, Feature
from storeadmin.screens.modals.create_token import CreateTokenModal
from storeadmin.screens.modals.tokens import TokensModal
from support.ui import FIXED_NOW, UiStore, open_test_service, screen_text, wait_for_text, wait_ready

MISSING = frozenset(
    {Feature.LIST_TOKENS, Feature.REVOKE_ONE_TOKEN, Feature.TOKEN_LABELS, Feature.AUDIT_LOG}
)


class WithoutFeatures:
    """A real test store whose ``store_info()`` drops ``MISSING``."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def store_info(self) -> Any:
        info = self._inner.store_info()
        return replace(info, features=ALL_FEATURES - MISSING, kind="PayNow")

    def list_tokens(self, customer_id: str) -> Any:
        raise AssertionError("the UI must not list tokens on this store")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def limited_app(store: UiStore) -> StoreAdminApp:
    def factory() -> Any:
        return WithoutFeatures(open_test_service(store.url))

    return StoreAdminApp(factory, clock=lambda: FIXED_NOW)


async def test_tokens_dialog_explains_what_the_store_cannot_do(ui_store: UiStore) -> None:
    app = limited_app(ui_store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert app.store_info is not None
        assert Feature.LIST_TOKENS not in app.store_info.features
        await push(pilot, TokensModal(customer(app.service, ui_store.alice)))
        status = text_of(app.screen.query_one("#tokens-status", Static))
        assert "PayNow cannot list a customer's tokens: create one, or invalidate all" in status
        assert not app.screen.query(DataTable)
        assert not app.screen.query("#tokens-revoke")
        assert "Error" not in screen_text(app)
        await pilot.press("x")  # the single-revoke key does nothing
        await wait_ready(pilot)
        assert isinstance(app.screen, TokensModal)
        assert not app.screen.query_one("#tokens-revoke-all", Button).disabled

        await pilot.press("n")
        await wait_ready(pilot)
        assert isinstance(app.screen, CreateTokenModal)
        assert not app.screen.query(Input).filter("#label, #expires_at")
        assert "labels" in screen_text(app)
        await pilot.press("enter")
        await wait_ready(pilot)
        assert app.screen.query_one("#secret").display


async def test_history_says_it_is_the_local_journal(ui_store: UiStore) -> None:
    app = limited_app(ui_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        app.open_customer(ui_store.alice, "history")
        await pilot.pause()
        await wait_ready(pilot)
        assert "storeadmin's local journal" in await wait_for_text(pilot, "local journal")


async def test_history_on_a_full_store_has_no_journal_note(ui_store: UiStore) -> None:
    from support.ui import make_app

    app = make_app(ui_store.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        app.open_customer(ui_store.alice, "history")
        await pilot.pause()
        await wait_ready(pilot)
        assert "Alice" in await wait_for_text(pilot, "When")
        assert "local journal" not in screen_text(app)
