"""The TUI on the PayNow backend (Pilot): search → details → every tab → one write.

The app is built around a PayNow store on the contract-validated fake, exactly as
``storeadmin --store paynow://…`` opens it; only the transport is the fake's.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual.widgets import Input, TabbedContent

from paynow.contract import ValidatingTransport
from paynow.fake import STORE_ID, FakePayNow
from storeadmin.paynow import open_paynow_store
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.widgets.metadata_form import MetadataRow
from support.ui import FIXED_NOW, deterministic_terminal, wait_for_text, wait_ready

__all__ = ["deterministic_terminal"]

SIZE = (140, 42)
ENV = {"PAYNOW_API_KEY": "pnapi_test_SECRET_5b1f0e2c9d", "PAYNOW_API_URL": "https://api.paynow.gg"}


@pytest.fixture
def seeded() -> FakePayNow:
    fake = FakePayNow()
    alice = fake.add_customer("Alice", metadata={"DiscordUsername": "alice.rust"})
    fake.add_item(alice["id"])
    fake.add_order(alice["id"])
    fake.add_subscription(alice["id"])
    fake.add_customer("Bob", steam_id="76561197960287931")
    return fake


async def test_search_details_every_tab_and_a_metadata_write(
    seeded: FakePayNow, tmp_path: Path
) -> None:
    from storeadmin.app import StoreAdminApp

    transport = ValidatingTransport(httpx.MockTransport(seeded.handler))

    def factory():  # type: ignore[no-untyped-def]
        return open_paynow_store(
            f"paynow://{STORE_ID}",
            actor="alice-admin",
            clock=lambda: FIXED_NOW,
            transport=transport,
            environ=ENV,
            home=tmp_path,
        )

    app = StoreAdminApp(factory, clock=lambda: FIXED_NOW)
    (alice_id,) = [c["id"] for c in seeded.customers.values() if c["name"] == "Alice"]
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press(*"Alice")
        shown = await wait_for_text(pilot, "76561197960287930", seconds=15)
        assert "Alice" in shown
        await pilot.press("down", "enter")
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerDetailsScreen)
        shown = await wait_for_text(pilot, "VIP", seconds=15)
        assert "Alice" in shown
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "inventory"
        for key, tab, text in (
            ("2", "orders", "VIP"),
            ("3", "subscriptions", "1 month"),
            ("4", "metadata", "alice.rust"),
            ("5", "history", ""),
        ):
            await pilot.press(key)
            await wait_ready(pilot)
            assert tabs.active == tab
            if text:
                assert text in await wait_for_text(pilot, text, seconds=15)
        await pilot.press("4")
        await wait_ready(pilot)
        app.screen.query(MetadataRow).first().query_one(".metadata-key", Input).focus()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"Tier", "enter", *"gold")
        await pilot.press("ctrl+s")
        await wait_ready(pilot)
        assert seeded.customers[alice_id]["metadata"] == {
            "DiscordUsername": "alice.rust",
            "Tier": "gold",
        }
        # "5" would be typed into the focused metadata input: run the key's action.
        details = app.screen
        assert isinstance(details, CustomerDetailsScreen)
        details.action_switch_tab("history")
        await wait_ready(pilot)
        shown = await wait_for_text(pilot, "customer.metadata", seconds=15)
        assert "customer.metadata" in shown
