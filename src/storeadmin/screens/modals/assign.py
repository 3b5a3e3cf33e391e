"""Grant a product manually: pick it by typing, choose expiry and servers, see the commands.

The product is found as you type and the customer's platform's products come first
(``assign_choices``); only the product's servers of that platform's games are ticked by
default. The exact commands that will be queued, placeholders filled, are previewed by
the store in worker group ``preview`` whenever the product or the servers change;
placeholders with no value for this customer are highlighted, and confirming such a
grant asks first. A banned customer is refused by the store ("banned: reason"); the
dialog warns up front.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.worker import get_current_worker

from storeadmin.core.models import (
    CommandPreview,
    Customer,
    GameServer,
    InventoryItem,
    Product,
)
from storeadmin.core.service import StoreService
from storeadmin.core.text import display_safe
from storeadmin.core.timefmt import format_duration_days
from storeadmin.screens.modals.action import ActionModal, Checked, FieldHint, when_hint
from storeadmin.screens.modals.assign_choices import (
    fits,
    fitting_products,
    match_products,
    preview_lines,
    product_option,
)
from storeadmin.screens.modals.base import ServiceCall, customer_label
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.widgets.cells import plain
from storeadmin.widgets.host import host
from storeadmin.widgets.text_field import TextField


class AssignProductModal(ActionModal[InventoryItem]):
    """Product, expiry, servers and a live command preview; dismisses with the new item."""

    DEFAULT_CSS = """
    AssignProductModal > #dialog {
        max-width: 110;
    }
    AssignProductModal #assign-form {
        height: auto;
        max-height: 70vh;
    }
    AssignProductModal #banned-warning {
        color: $text-error;
        text-style: bold;
        margin-bottom: 1;
    }
    AssignProductModal #product-matches {
        height: auto;
        max-height: 6;
    }
    AssignProductModal #product-facts {
        margin-bottom: 1;
    }
    AssignProductModal #servers {
        height: auto;
        max-height: 5;
    }
    AssignProductModal #preview {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    CONFIRM_LABEL: ClassVar[str] = "Assign"
    BUSY_LABEL: ClassVar[str] = "Assigning…"

    @dataclass
    class PreviewLoaded(Message):
        """The store rendered the commands for this product and these servers."""

        product_id: str
        server_ids: tuple[str, ...]
        previews: tuple[CommandPreview, ...]

    def __init__(
        self,
        customer: Customer,
        products: tuple[Product, ...],
        servers: tuple[GameServer, ...],
    ) -> None:
        super().__init__()
        self.customer = customer
        self.products = products
        self.servers = servers
        self.product: Product | None = None
        """The product chosen in the match list."""
        self.platform_products = fitting_products(products, servers, customer.platform)
        """Products with a server of the customer's platform's games (listed first)."""
        self._previews: tuple[str, tuple[str, ...], tuple[CommandPreview, ...]] | None = None
        """The last preview: product id, server ids, commands."""
        self._unresolved_ok = False
        """True while confirming a grant the admin agreed to despite unfilled placeholders."""

    def title_text(self) -> Text:
        """``Assign a product · Alice (#12)``."""
        return Text.assemble("Assign a product · ", customer_label(self.customer))

    def compose_body(self) -> ComposeResult:
        """Warning, product search, expiry, servers, preview."""
        with VerticalScroll(id="assign-form"):
            ban = self.customer.ban
            if ban is not None:
                yield Static(
                    Text.assemble(
                        "This customer is banned (",
                        plain(ban.reason, max_length=60),
                        "): the store refuses manual grants.",
                    ),
                    id="banned-warning",
                    markup=False,
                )
            yield Label("Product: type to search", classes="field-label")
            yield TextField(id="product-query", placeholder="name or slug, e.g. vip")
            yield OptionList(id="product-matches")
            yield Static("", id="product-facts", markup=False)
            yield Label("Expires (optional): 30d, 1y, 2026-12-31", classes="field-label")
            yield TextField(
                id="expires_at",
                placeholder="empty: the product's default",
                validators=[Checked(self.parse_when)],
                valid_empty=True,
            )
            yield FieldHint(id="expires_at-hint")
            yield Label("Game servers", classes="field-label")
            yield SelectionList[int](id="servers")
            yield Label("Commands that will be queued", classes="field-label")
            yield Static(Text("Pick a product.", style="dim"), id="preview", markup=False)

    def on_mount(self) -> None:
        """List every product; none is chosen until the admin types or picks one."""
        super().on_mount()
        self._show_matches("")
        self.query_one("#product-query", Input).focus()

    # ------------------------------------------------------------ product

    def _show_matches(self, query: str) -> None:
        matches = match_products(query, self.products, first=self.platform_products)
        options = self.query_one("#product-matches", OptionList)
        options.set_options(product_option(product) for product in matches)
        if not query.strip():
            # Nothing typed yet: list the catalogue, but choose nothing for the admin.
            self._choose(None)
            self.query_one("#product-facts", Static).update(
                Text("Type to pick a product, or move into the list.", style="dim")
            )
        elif matches:
            options.highlighted = 0
            self._choose(matches[0])
        else:
            self._choose(None)
            facts = "No product matches." if self.products else "The catalogue is empty."
            self.query_one("#product-facts", Static).update(Text(facts, style="dim"))

    @on(Input.Changed, "#product-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_matches(event.value)

    @on(OptionList.OptionHighlighted, "#product-matches")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        chosen = next((p for p in self.products if str(p.id) == event.option.id), None)
        if chosen is not None and chosen != self.product:
            self._choose(chosen)

    @on(OptionList.OptionSelected, "#product-matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#expires_at", Input).focus()

    def field_submitted(self, field: Input) -> None:
        """Enter in the product search moves on to the expiry; elsewhere it confirms."""
        if field.id == "product-query":
            if self.product is not None:
                self.query_one("#expires_at", Input).focus()
            return
        super().field_submitted(field)

    def _choose(self, product: Product | None) -> None:
        """Make ``product`` the one to assign: facts, expiry default, servers, preview."""
        self.product = product
        facts = self.query_one("#product-facts", Static)
        servers = self.query_one("#servers", SelectionList)
        servers.clear_options()
        if product is None:
            self.query_one("#preview", Static).update(Text("Pick a product.", style="dim"))
            self._check_expiry()
            return
        platform = self.customer.platform
        facts_text = Text.assemble(
            ("Chosen: ", "dim"),
            plain(product.name, max_length=50, style="bold"),
            (f" · lasts {format_duration_days(product.duration_days)}", "dim"),
        )
        if product.id not in self.platform_products:
            games = sorted({s.game for s in self.servers if s.id in product.server_ids} or {"no"})
            facts_text.append(
                f"\nFor {', '.join(games)} servers, not this {platform.value} customer's:"
                " none ticked.",
                style="bold yellow",
            )
        facts.update(facts_text)
        servers.add_options(
            (
                plain(f"{server.name} ({server.game})", max_length=50),
                server.id,
                server.id in product.server_ids and fits(server, platform),
            )
            for server in self.servers
        )
        self._check_expiry()
        self._start_preview()

    # ------------------------------------------------------------ expiry

    @on(Input.Changed, "#expires_at")
    def _expiry_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check_expiry()

    def _default_expiry(self) -> str:
        product = self.product
        if product is None:
            return ""
        if product.duration_days is None:
            return "never expires (default)"
        at = host(self).now() + timedelta(days=product.duration_days)
        return f"expires in {format_duration_days(product.duration_days)} (default): {when_hint(at, host(self).now())}"

    def _check_expiry(self) -> tuple[bool, datetime | None]:
        """(ok, expiry): None means the product's default, shown live in the hint."""
        return self.check_optional_when(
            "expires_at", empty=self._default_expiry(), prefix="expires"
        )

    # ------------------------------------------------------------ preview

    @property
    def server_ids(self) -> tuple[str, ...]:
        """The ticked servers, in list order."""
        ticked = set(self.query_one("#servers", SelectionList).selected)
        return tuple(server.id for server in self.servers if server.id in ticked)

    @on(SelectionList.SelectedChanged, "#servers")
    def _servers_changed(self, event: SelectionList.SelectedChanged[int]) -> None:
        event.stop()
        self._start_preview()

    def _start_preview(self) -> None:
        if self.product is None:
            return
        self.query_one("#preview", Static).update(Text("Rendering commands…", style="dim"))
        self._preview(host(self).service, self.product.id, self.server_ids)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="preview",
        name="previewing commands",
    )
    def _preview(self, service: StoreService, product_id: str, server_ids: tuple[str, ...]) -> None:
        """Worker: ask the store for the exact commands (never touches widgets)."""
        previews = service.preview_assign(self.customer.id, product_id, server_ids)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PreviewLoaded(product_id, server_ids, previews))

    @on(PreviewLoaded)
    def _preview_loaded(self, event: PreviewLoaded) -> None:
        event.stop()
        if self.product is None or event.product_id != self.product.id:
            return  # the admin picked another product meanwhile
        if event.server_ids != self.server_ids:
            return
        self._previews = (event.product_id, event.server_ids, event.previews)
        self.query_one("#preview", Static).update(preview_lines(event.previews))

    # ------------------------------------------------------------ assign

    def action_confirm(self) -> None:
        """Assign; a grant whose commands keep an unfilled placeholder asks first."""
        if self.busy or self.product is None or self._unresolved_ok:
            super().action_confirm()
            return
        current = self._previews
        if current is None or current[:2] != (self.product.id, self.server_ids):
            self.show_error("Still rendering the commands: confirm again in a moment.")
            return
        unresolved = sorted({key for p in current[2] for key in p.unresolved})
        if not unresolved:
            super().action_confirm()
            return
        names = ", ".join(f"{{{key}}}" for key in unresolved)
        question = Text.assemble(
            f"{names} has no value for ",
            customer_label(self.customer),
            ": the command would run on the game server with it unfilled.\n"
            f"Assign {display_safe(self.product.name, max_length=50)} anyway?",
        )
        self.app.push_screen(
            ConfirmModal("Unfilled placeholder", question, yes="Assign anyway", destructive=True),
            self._unresolved_answered,
        )

    def _unresolved_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        self._unresolved_ok = True
        try:
            super().action_confirm()
        finally:
            self._unresolved_ok = False

    def prepare(self) -> ServiceCall | None:
        """The assign call with this dialog's request_id, once a product is chosen."""
        expiry_ok, expires = self._check_expiry()
        if self.product is None:
            self.show_error("Pick a product first.")
            return None
        if not expiry_ok:
            self.show_error("Fix the fields marked in red first.")
            return None
        customer_id, product_id = self.customer.id, self.product.id
        server_ids, request_id = list(self.server_ids), self.request_id

        def assign(service: StoreService) -> InventoryItem:
            return service.assign_product(
                customer_id,
                product_id,
                server_ids=server_ids,
                expires_at=expires,
                request_id=request_id,
            )

        return assign

    def success_message(self, result: Any) -> str | None:
        """``Assigned VIP Rank to Alice``."""
        if not isinstance(result, InventoryItem):
            return None
        return f"Assigned {result.product_name} to {self.customer.username}"
