"""A near match is a guess at a typo: Enter on the search field never opens it, even when
it is the only customer found; the admin picks it on the results."""

from __future__ import annotations

import pytest

from storeadmin.core.models import MatchKind
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.widgets.search_results import SearchResults
from support.ui import UiStore, make_app, record_opens, wait_ready

SIZE = (120, 40)


async def test_enter_on_a_single_near_match_goes_to_the_results_not_the_customer(
    ui_store: UiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ui_store.url)
    calls = record_opens(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.press(*"alicw")
        await pilot.pause(0.1)
        await wait_ready(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        page = screen._shown_page
        assert page is not None
        assert [s.matched_by for s in page.items] == [MatchKind.NAME_NEAR]
        assert page.items[0].id == ui_store.alice
        await pilot.press("enter")
        await wait_ready(pilot)
        assert calls == []
        assert isinstance(app.focused, SearchResults)
        await pilot.press("enter")
        await wait_ready(pilot)
        assert calls == [ui_store.alice]
