"""The assign-product modal: fuzzy product search, expiry, servers, live command preview."""

from __future__ import annotations

from datetime import timedelta

from modal_helpers import (
    audit_actions,
    confirm,
    customer,
    error_line,
    hint,
    push,
    running,
    type_into,
)
from rich.text import Text
from textual.widgets import Input, OptionList, SelectionList, Static

from storeadmin.core.models import InventoryItem, ItemSource, Product
from storeadmin.screens.modals.assign import AssignProductModal
from storeadmin.screens.modals.assign_choices import UNRESOLVED_STYLE, match_products
from support.ui import FIXED_NOW, UiStore, wait_ready


def names(products: list[Product]) -> list[str]:
    return [product.name for product in products]


async def test_match_products_prefix_then_substring_then_fuzzy(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, _):
        catalogue = app.service.list_products()
    assert names(match_products("", catalogue)) == names(list(catalogue))
    assert names(match_products("vip", catalogue)) == ["VIP Rank", "VIP+ Monthly"]
    assert names(match_products("rank", catalogue)) == ["Gold Rank", "VIP Rank"]
    assert names(match_products("startr kit", catalogue))[0] == "Starter Kit"  # a typo
    assert names(match_products("gold-rank", catalogue))[0] == "Gold Rank"  # the slug
    assert match_products("zzzz", catalogue) == []


def modal_for(app_service: object, store: UiStore, customer_id: int) -> AssignProductModal:
    service = app_service
    return AssignProductModal(
        customer(service, customer_id),  # type: ignore[arg-type]
        service.list_products(),  # type: ignore[attr-defined]
        service.list_game_servers(),  # type: ignore[attr-defined]
    )


def preview(app: object) -> Text:
    rendered = app.screen.query_one("#preview", Static).content  # type: ignore[attr-defined]
    assert isinstance(rendered, Text)
    return rendered


async def test_assign_previews_and_grants_with_default_expiry(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, modal_for(app.service, ui_store, ui_store.alice))
        await type_into(pilot, "#product-query", "starter")
        await wait_ready(pilot)
        modal = app.screen
        assert isinstance(modal, AssignProductModal)
        assert modal.product is not None
        assert modal.product.name == "Starter Kit"
        assert hint(app, "expires_at") == "never expires (default)"
        servers = modal.query_one("#servers", SelectionList)
        assert servers.selected == [ui_store.servers[0]]  # the product's server: Rust
        assert preview(app).plain == "Rust EU #1  inventory.giveto 76561198000000001 kit.starter 1"

        await type_into(pilot, "#product-query", "vip rank")
        await wait_ready(pilot)
        assert modal.product.name == "VIP Rank"
        assert hint(app, "expires_at").startswith("expires in 30 days (default): 2026-12-25")
        await pilot.press("enter")  # from the search to the expiry field
        assert app.focused is modal.query_one("#expires_at", Input)
        await pilot.press(*"7d")
        assert hint(app, "expires_at") == "expires 2026-12-02 12:00 (in 7 days)"
        await pilot.press("enter")
        await wait_ready(pilot)

        item = results[0]
        assert isinstance(item, InventoryItem)
        assert item.product_name == "VIP Rank"
        assert item.source is ItemSource.MANUAL
        assert item.expires_at == FIXED_NOW + timedelta(days=7)
        commands = [a.command for a in app.service.list_command_attempts(item.id)]
        assert commands == ["oxide.usergroup add 76561198000000001 vip"]
        assert audit_actions(app.service, ui_store.alice) == ["item.assign"]


async def test_assign_highlights_unresolved_placeholders(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        await push(pilot, modal_for(app.service, ui_store, ui_store.alice))
        await type_into(pilot, "#product-query", "gold")
        await wait_ready(pilot)
        # A Minecraft product's server is not ticked for a Steam customer: tick it.
        app.screen.query_one("#servers", SelectionList).select(ui_store.servers[1])
        await wait_ready(pilot)
        shown = preview(app)
        assert "lp user {uuid} parent add gold" in shown.plain
        assert "{uuid} has no value for this customer" in shown.plain
        start = shown.plain.index("{uuid}")
        styles = [str(span.style) for span in shown.spans if span.start == start]
        assert UNRESOLVED_STYLE in styles

        # Unticking the only server leaves nothing to queue.
        servers = app.screen.query_one("#servers", SelectionList)
        servers.deselect_all()
        await wait_ready(pilot)
        assert preview(app).plain.startswith("No commands")


async def test_assign_refused_for_a_banned_customer(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, modal_for(app.service, ui_store, ui_store.mallory))
        warning = app.screen.query_one("#banned-warning", Static).render()
        assert "banned (chargeback fraud)" in str(warning)
        await type_into(pilot, "#product-query", "vip rank")
        await confirm(pilot)
        assert results == []
        assert error_line(app) == "customer: banned: chargeback fraud"
        assert app.service.list_inventory(ui_store.mallory).items == ()
        assert audit_actions(app.service, ui_store.mallory) == []


async def test_assign_double_press_grants_once_and_escape_grants_nothing(
    ui_store: UiStore,
) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, modal_for(app.service, ui_store, ui_store.bob))
        await pilot.press("escape")
        await wait_ready(pilot)
        assert results == [None]
        assert audit_actions(app.service, ui_store.bob) == []

        modal = modal_for(app.service, ui_store, ui_store.bob)
        results = await push(pilot, modal)
        await type_into(pilot, "#product-query", "gold")
        await wait_ready(pilot)
        modal.action_confirm()
        modal.action_confirm()
        await wait_ready(pilot)
        assert len(results) == 1
        assert audit_actions(app.service, ui_store.bob) == ["item.assign"]
        assert len(app.service.list_inventory(ui_store.bob).items) == 1


async def test_assign_with_no_match_refuses_locally(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, modal_for(app.service, ui_store, ui_store.alice))
        await type_into(pilot, "#product-query", "zzzz")
        assert app.screen.query_one("#product-matches", OptionList).option_count == 0
        await confirm(pilot)
        assert results == []
        assert error_line(app) == "Pick a product first."
        assert audit_actions(app.service, ui_store.alice) == []


async def test_nothing_is_chosen_before_the_admin_types(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        results = await push(pilot, modal_for(app.service, ui_store, ui_store.bob))
        await confirm(pilot)
        assert results == []
        assert error_line(app) == "Pick a product first."
        assert app.service.list_inventory(ui_store.bob).items == ()


async def test_minecraft_customer_gets_minecraft_first_and_is_asked_about_placeholders(
    ui_store: UiStore,
) -> None:
    """Issue 12: `vip` on a Minecraft customer must not silently queue `{steam_id}`."""
    from storeadmin.screens.modals.confirm import ConfirmModal

    async with running(ui_store) as (app, pilot):
        results = await push(pilot, modal_for(app.service, ui_store, ui_store.bob))
        modal = app.screen
        assert isinstance(modal, AssignProductModal)
        options = modal.query_one("#product-matches", OptionList)
        assert options.get_option_at_index(0).id == ui_store.products["gold"]  # his platform's

        await type_into(pilot, "#product-query", "vip rank")
        await wait_ready(pilot)
        assert modal.product is not None
        assert modal.product.name == "VIP Rank"
        servers = modal.query_one("#servers", SelectionList)
        assert servers.selected == []  # the product's Rust server is not his platform's
        assert "rust" in str(modal.query_one("#product-facts", Static).content)
        assert preview(app).plain.startswith("No commands")

        servers.select(ui_store.servers[0])  # the admin ticks the Rust server anyway
        await wait_ready(pilot)
        assert "{steam_id} has no value" in preview(app).plain
        await pilot.press("ctrl+s")
        await wait_ready(pilot)
        assert isinstance(app.screen, ConfirmModal)  # asked, not granted
        assert audit_actions(app.service, ui_store.bob) == []
        await pilot.press("n")
        await wait_ready(pilot)
        assert app.screen is modal
        assert results == []
        assert audit_actions(app.service, ui_store.bob) == []

        await pilot.press("ctrl+s")
        await wait_ready(pilot)
        await pilot.press("y")
        await wait_ready(pilot)
        assert len(results) == 1
        assert audit_actions(app.service, ui_store.bob) == ["item.assign"]


async def test_servers_default_to_the_customers_platform(ui_store: UiStore) -> None:
    async with running(ui_store) as (app, pilot):
        await push(pilot, modal_for(app.service, ui_store, ui_store.bob))
        await type_into(pilot, "#product-query", "gold")
        await wait_ready(pilot)
        servers = app.screen.query_one("#servers", SelectionList)
        assert servers.selected == [ui_store.servers[1]]  # Minecraft Lobby
        assert "{" not in preview(app).plain
