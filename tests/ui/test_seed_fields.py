"""The seed page's fields, named as the seed names them, and odd figures explained
where they appear (the stats header, the subscription's dialog)."""

from __future__ import annotations

from datetime import timedelta

from delivery_helpers import top
from details_helpers import open_details, text_of

from storeadmin.data import open_sql_store
from storeadmin.screens.modals.subscription import SubscriptionModal
from storeadmin.widgets.stats_header import NEGATIVE_NET_NOTE
from support import factories
from support.ui import FIXED_NOW, UiStore, make_app, screen_text, wait_ready

NARROW = (80, 24)


async def test_the_header_names_the_seeds_figures_and_counts_refunds_at_80x24(
    ui_store: UiStore,
) -> None:
    app = make_app(ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, ui_store.alice)
        shown = " ".join(screen_text(pilot.app).split())
        for figure in (
            "Total spent (net) $28.33",
            "MRR $14.99",
            "Total payments 3",
            "Active subscriptions 1",
            "Refunds 1",
            "Chargebacks 1",
        ):
            assert figure in shown
        assert "Net below zero" not in shown


def _odd_customer(store: UiStore) -> tuple[str, str]:
    """A customer refunded in full with the fees kept, and a subscription whose one
    payment was charged back: (customer id, subscription id)."""
    service = open_sql_store(store.url, actor="setup")
    engine = service.engine
    try:
        vip, monthly = store.products["vip"], store.products["monthly"]
        who = factories.customer(
            engine, "Refunded", external_id="76561198000009999", first_seen=FIXED_NOW
        )
        factories.order(
            engine,
            who,
            vip,
            status="refunded",
            total=999,
            fees=59,
            refunded=999,
            created_at=FIXED_NOW - timedelta(days=3),
        )
        sub = factories.subscription(
            engine, who, monthly, amount=1499, created_at=FIXED_NOW - timedelta(days=2)
        )
        factories.order(
            engine,
            who,
            monthly,
            status="chargeback",
            total=1499,
            created_at=FIXED_NOW - timedelta(days=2),
            product_name="VIP+ Monthly",
            subscription_id=sub,
        )
    finally:
        service.close()
    return who, sub


async def test_a_negative_net_spent_is_explained_in_the_header(sql_ui_store: UiStore) -> None:
    who, _sub = _odd_customer(sql_ui_store)
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, who)
        shown = " ".join(screen_text(pilot.app).split())
        assert "Total spent (net) -$0.59" in shown
        assert "Net below zero" in shown
        assert text_of(pilot, "#stats-note") == NEGATIVE_NET_NOTE


async def test_a_charged_back_subscription_says_why_it_paid_nothing(
    sql_ui_store: UiStore,
) -> None:
    who, sub = _odd_customer(sql_ui_store)
    app = make_app(sql_ui_store.url)
    async with app.run_test(size=NARROW) as pilot:
        await open_details(pilot, who, "subscriptions")
        await pilot.press("enter")
        await wait_ready(pilot)
        modal = top(pilot.app)
        assert isinstance(modal, SubscriptionModal)
        assert modal.subscription_id == sub
        facts = text_of(pilot, "#subscription-facts")
        assert "Payments made 1" in facts
        note = text_of(pilot, "#subscription-paid-note")
        assert "a charged-back payment counts as made, and paid nothing" in note


def test_figures_keep_the_seeds_names_unless_the_terminal_is_short() -> None:
    from storeadmin.core.models import CustomerStats
    from storeadmin.core.money import Money
    from storeadmin.widgets.stats_header import figure_lines

    stats = CustomerStats(Money(65000, "USD"), Money(0, "USD"), 650, 0)
    wide = figure_lines(stats, 120).plain
    assert (
        wide == "Total spent (net) $650.00  MRR $0.00  Total payments 650  Active subscriptions 0"
    )
    two_lines = figure_lines(stats, 78, tall=True).plain.splitlines()
    assert two_lines == [
        "Total spent (net) $650.00  MRR $0.00",
        "Total payments 650  Active subscriptions 0",
    ]
    assert figure_lines(stats, 78, tall=False).plain == (
        "Net spent $650.00  MRR $0.00  Payments 650  Active subs 0"
    )


def test_figure_counts_group_their_thousands_as_the_money_does() -> None:
    from storeadmin.core.models import CustomerStats
    from storeadmin.core.money import Money
    from storeadmin.widgets.stats_header import figure_lines

    stats = CustomerStats(
        Money(182_520_00, "USD"), Money(0, "USD"), 18_252, 1_204, total_refunds=1_001
    )
    assert figure_lines(stats, 200).plain == (
        "Total spent (net) $182,520.00  MRR $0.00  Total payments 18,252  "
        "Active subscriptions 1,204  Refunds 1,001  Chargebacks 0"
    )
