"""The Orders tab's find (``/``) on a customer with many orders, at 80×24: jump to an
order ID (its details open) and filter by product (a line says so; esc lists all again)."""

from __future__ import annotations

from datetime import timedelta

from details_helpers import open_details, rows, screen, table_of, text_of
from sqlalchemy import insert, select

from storeadmin.data import open_sql_store
from storeadmin.data.schema import OrderLineRow, OrderRow
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.screens.modals.find_order import FindOrderModal
from storeadmin.screens.modals.order import OrderModal
from support import factories
from support.ui import FIXED_NOW, UiStore, make_app, screen_text, wait_for_text, wait_ready

SIZE = (80, 24)
ORDERS = 1200
EVERY = 7
"""Every seventh order (n % 7 == 0) is of the crate product, the rest of the rank."""


def add_big_customer(url: str) -> tuple[str, list[str]]:
    """A customer with ORDERS orders, one line each; returns (customer, order IDs newest
    first)."""
    service = open_sql_store(url, actor="setup")
    try:
        engine = service.engine
        crate = int(factories.product(engine, "Zephyr Crate"))
        rank = int(factories.product(engine, "Quasar Rank"))
        big = int(factories.customer(engine, "Bigspender", external_id="76561198000008888"))
        names = {crate: "Zephyr Crate", rank: "Quasar Rank"}
        with engine.begin() as connection:
            connection.execute(
                insert(OrderRow),
                [
                    {
                        "customer_id": big,
                        "status": "completed",
                        "products": "Zephyr Crate" if n % EVERY == 0 else "Quasar Rank",
                        "subtotal": 100,
                        "discount": 0,
                        "tax": 0,
                        "fees": 0,
                        "refunded": 0,
                        "total": 100,
                        "gateway": "stripe",
                        "created_at": FIXED_NOW - timedelta(hours=n),
                        "completed_at": FIXED_NOW - timedelta(hours=n),
                    }
                    for n in range(ORDERS)
                ],
            )
            ids = list(
                connection.execute(
                    select(OrderRow.id)
                    .where(OrderRow.customer_id == big)
                    .order_by(OrderRow.created_at.desc())
                ).scalars()
            )
            connection.execute(
                insert(OrderLineRow),
                [
                    {
                        "order_id": oid,
                        "product_id": (pid := crate if n % EVERY == 0 else rank),
                        "product_name": names[pid],
                        "quantity": 1,
                        "unit_price": 100,
                        "total": 100,
                    }
                    for n, oid in enumerate(ids)
                ],
            )
        return str(big), [str(i) for i in ids]
    finally:
        service.close()


async def test_jump_to_an_order_id_opens_its_details(sql_ui_store: UiStore) -> None:
    big, ids = add_big_customer(sql_ui_store.url)
    oldest = ids[-1]
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, int(big), tab="orders")
        assert oldest not in {r[0].lstrip("#") for r in rows(table_of(pilot, "orders"))}
        await pilot.press("slash")
        await wait_ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, FindOrderModal)
        await pilot.press(*f"#{oldest}", "enter")
        await wait_ready(pilot)
        assert isinstance(app.screen, OrderModal)
        assert app.screen.order_id == oldest
        assert f"Order #{oldest}" in await wait_for_text(pilot, f"Order #{oldest}")
        await pilot.press("escape")
        await wait_ready(pilot)

        # Another customer's order, and an ID no order has: a line says so, nothing opens.
        other = sql_ui_store.alice_orders["completed"]
        await pilot.press("slash")
        await pilot.press(*other, "enter")
        await wait_ready(pilot)
        assert screen(pilot) is app.screen
        assert "another customer's" in text_of(pilot, "#orders .tab-message")
        await pilot.press("slash")
        await pilot.press(*"99999999", "enter")
        await wait_ready(pilot)
        assert "No order #99999999" in text_of(pilot, "#orders .tab-message")


async def test_filter_by_product_and_back_to_all(sql_ui_store: UiStore) -> None:
    big, ids = add_big_customer(sql_ui_store.url)
    crates = [oid for n, oid in enumerate(ids) if n % EVERY == 0]
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=SIZE) as pilot:
        await open_details(pilot, int(big), tab="orders")
        await pilot.press("slash")
        await wait_ready(pilot)
        await pilot.press(*"zeph", "enter")
        await wait_ready(pilot)
        table = table_of(pilot, "orders")
        shown = rows(table)
        assert [r[0] for r in shown] == [f"#{oid}" for oid in crates[:100]]
        assert {r[1] for r in shown} == {"Zephyr Crate"}
        assert f"of {len(crates)}" in text_of(pilot, "#orders .tab-status")
        assert "Filtered: Zephyr Crate" in text_of(pilot, "#orders .orders-product")
        assert "Filtered: Zephyr Crate — esc clears" in await wait_for_text(
            pilot, "Filtered: Zephyr Crate"
        )
        assert app.focused is table

        # Esc: every order again, the line gone; a second esc is the screen's Back.
        await pilot.press("escape")
        await wait_ready(pilot)
        assert f"of {ORDERS:,}" in text_of(pilot, "#orders .tab-status")
        assert rows(table)[0][0] == f"#{ids[0]}"
        assert "Filtered" not in screen_text(app)
        await pilot.press("escape")
        await wait_ready(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
