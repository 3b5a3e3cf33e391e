"""Closed details screens leave no widgets behind (Textual issue #6666), nor the lines
they drew (Textual issue #6665).

A widget that watches a longer-lived object stays referenced by that object's watcher
list until the watched value changes: every Header watching ``app.title`` and every
FooterKey of a recomposed Footer lived as long as the app. Counted with
``gc.get_objects`` after a collection; no timing or memory-size assertion.
"""

from __future__ import annotations

import gc
import weakref

from details_helpers import SIZE, open_details
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Header
from textual.widgets._footer import FooterKey

from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.widgets import styles_cache_leak
from support.ui import UiStore, make_app, wait_ready

VISITS = 20


def alive(kind: type) -> list[object]:
    """Objects of ``kind`` still alive after a full collection."""
    gc.collect()
    return [obj for obj in gc.get_objects() if isinstance(obj, kind)]


EARLIER: list[object] = []
"""Widgets earlier tests left alive (held here so their ids are never reused): a worker
of an earlier test's app may still hold its screen and release it in the middle of this
test, which is not this test's leak."""


def live(kind: type) -> int:
    """This test's objects of ``kind`` still alive after a full collection."""
    earlier = {id(obj) for obj in EARLIER}
    return sum(1 for obj in alive(kind) if id(obj) not in earlier)


async def visit(pilot: Pilot[None], customer_id: str) -> None:
    """Open a customer, then go back to the search screen."""
    await open_details(pilot, customer_id)
    await pilot.press("escape")
    await pilot.pause()
    await wait_ready(pilot)
    assert isinstance(pilot.app.screen, CustomerSearchScreen)


async def test_visiting_customers_does_not_grow_live_headers_or_footer_keys(
    ui_store: UiStore,
) -> None:
    EARLIER[:] = alive(Header) + alive(FooterKey)
    app = make_app(ui_store.url)
    customers = [ui_store.alice, ui_store.bob, *ui_store.players]
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        for customer_id in customers[:3]:  # warm-up: caches and lazy imports settle
            await visit(pilot, customer_id)
        headers, keys = live(Header), live(FooterKey)
        for customer_id in customers[3 : 3 + VISITS]:
            await visit(pilot, customer_id)
        # The last screen closed may still be referenced by a message in flight (on the
        # in-memory store, data comes back before the screen has settled): let it go.
        # A leak keeps one Header per visit, which no wait releases.
        for _ in range(100):  # up to 5 s on a loaded machine
            if live(Header) <= headers:
                break
            await pilot.pause(0.05)
        assert live(Header) <= headers
        assert live(FooterKey) <= keys
    EARLIER.clear()


async def test_visiting_customers_does_not_keep_the_lines_they_drew(ui_store: UiStore) -> None:
    """Each widget's StylesCache holds the lines it last drew: Textual's lru_cache on
    ``get_inner_outer`` kept up to 1,024 of them after their widgets were gone."""
    EARLIER[:] = alive(StylesCache)
    app = make_app(ui_store.url)
    customers = [ui_store.alice, ui_store.bob, *ui_store.players]
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        for customer_id in customers[:3]:
            await visit(pilot, customer_id)
        caches = live(StylesCache)
        for customer_id in customers[3:8]:  # a leak keeps ~100 caches per visit
            await visit(pilot, customer_id)
        for _ in range(100):  # the last screen may still be in a message in flight
            if live(StylesCache) <= caches:
                break
            await pilot.pause(0.05)
        assert live(StylesCache) <= caches
    EARLIER.clear()


def test_textual_still_keeps_styles_caches_alive() -> None:
    """Why ``styles_cache_leak`` exists: when this fails, Textual fixed #6665 and the
    module can go."""
    cache = StylesCache()
    styles_cache_leak.TEXTUAL_GET_INNER_OUTER(cache, Color(10, 20, 30), Color(40, 50, 60))
    held = weakref.ref(cache)
    del cache
    gc.collect()
    assert held() is not None
