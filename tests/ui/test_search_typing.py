"""The search screen as an admin types on it: the query is replaced, not extended;
typing on the results searches; a word never quits; one match opens at once; an order
or subscription ID opens that order or subscription; columns are painted at their
width from the first frame."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.widgets.search_results import SearchResults
from support.ui import UiStore, make_app, screen_text, wait_for_text, wait_ready

SIZE = (120, 40)


def field(pilot: Pilot[None]) -> Input:
    return pilot.app.screen.query_one("#query", Input)


def names(pilot: Pilot[None]) -> list[str]:
    table = pilot.app.screen.query_one(SearchResults)
    return [table.get_row_at(row)[0].plain for row in range(table.row_count)]


async def typed(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` into whatever has focus and wait for the search to settle."""
    await pilot.press(*text)
    await pilot.pause(0.1)
    await wait_ready(pilot)


async def test_slash_selects_the_old_query_so_typing_replaces_it(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await typed(pilot, "bob")
        await pilot.press("down", "slash")
        assert app.focused is field(pilot)
        await typed(pilot, "alice")
        assert field(pilot).value == "alice"
        assert names(pilot) == ["Alice"]


async def test_a_paste_after_slash_replaces_the_old_query(ui_store: UiStore) -> None:
    from textual import events

    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await typed(pilot, "bob")
        await pilot.press("down", "slash")
        field(pilot).post_message(events.Paste("76561198000000001"))
        await pilot.pause(0.1)
        await wait_ready(pilot)
        assert field(pilot).value == "76561198000000001"


async def test_letters_typed_on_the_results_search(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await typed(pilot, "bob")
        await pilot.press("down")
        assert isinstance(app.focused, SearchResults)
        await typed(pilot, "alice")
        assert app.focused is field(pilot)
        assert field(pilot).value == "alice"
        assert names(pilot) == ["Alice"]


async def test_typing_a_word_starting_with_q_on_the_results_does_not_quit(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press("down")
        await typed(pilot, "quinn")
        assert app.is_running
        assert isinstance(app.screen, CustomerSearchScreen)
        assert field(pilot).value == "quinn"
        # The footer says how to quit, in the field and on the results.
        assert "^q Quit" in screen_text(app)
        await pilot.press("backspace", "down")
        await pilot.pause()
        assert "^q Quit" in screen_text(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_a_new_result_set_is_painted_at_its_column_widths(ui_store: UiStore) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await typed(pilot, "alice")
        table = app.screen.query_one(SearchResults)
        rows = [(str(key.value), table.get_row(key)) for key in table.rows]
        # The same result set again (a repeated search), painted before the table is
        # idle: the first frame must already have the real widths.
        table.show_first_page(rows, has_more=False)
        for y in range(3):
            table.render_line(y)
        await pilot.pause()
        await wait_ready(pilot)
        shown = screen_text(app)
        assert "76561198000000001" in shown
        assert "External ID" in shown


async def test_enter_opens_a_single_name_match(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls: list[str] = []
    monkeypatch.setattr(
        app, "open_customer", lambda customer_id, tab="inventory": calls.append(customer_id)
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        # Enter straight after typing: acts once the results arrive.
        await pilot.press(*"bob", "enter")
        await pilot.pause(0.1)
        await wait_ready(pilot)
        assert calls == [ui_store.bob]


async def test_an_order_id_opens_the_order_on_the_orders_tab(ui_store: UiStore) -> None:
    from storeadmin.screens.customer_details import CustomerDetailsScreen
    from storeadmin.screens.modals.order import OrderModal

    order_id = ui_store.alice_orders["completed_kit"]
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press(*f"order {order_id}", "enter")
        await pilot.pause(0.1)
        await wait_ready(pilot)
        assert isinstance(app.screen, OrderModal)
        assert app.screen.order_id == order_id
        details = app.screen_stack[-2]
        assert isinstance(details, CustomerDetailsScreen)
        assert details.customer_id == ui_store.alice
        assert details.query_one(TabbedContent).active == "orders"
        assert f"Order #{order_id}" in await wait_for_text(pilot, f"Order #{order_id}")


async def test_a_subscription_id_opens_the_subscription(ui_store: UiStore) -> None:
    from storeadmin.screens.customer_details import CustomerDetailsScreen
    from storeadmin.screens.modals.subscription import SubscriptionModal

    subscription_id = ui_store.alice_subscriptions["canceled"]
    app = make_app(ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press(*f"sub {subscription_id}", "enter")
        await pilot.pause(0.1)
        await wait_ready(pilot)
        assert isinstance(app.screen, SubscriptionModal)
        assert app.screen.subscription_id == subscription_id
        details = app.screen_stack[-2]
        assert isinstance(details, CustomerDetailsScreen)
        assert details.query_one(TabbedContent).active == "subscriptions"
