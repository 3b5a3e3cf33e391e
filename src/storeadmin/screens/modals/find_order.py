"""The Orders tab's find dialog: an order ID to jump to, or a product to filter by.

One field: a number (``123`` or ``#123``) offers "Order #123" first; any text lists
the catalogue's products matched by name or slug as the assign dialog does
(``assign_choices.match_products``). Enter takes the highlighted choice; Tab moves
into the list. The catalogue is read once in a thread worker (group ``find-products``).
The dialog only answers: the tab opens the order or filters its list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from storeadmin.core.models import Product
from storeadmin.core.service import StoreService
from storeadmin.screens.key_tables import DIALOG_KEYS
from storeadmin.screens.modals.assign_choices import match_products, product_option
from storeadmin.screens.modals.base import Dialog
from storeadmin.widgets.host import host
from storeadmin.widgets.text_field import TextField

MAX_SHOWN = 20
"""Most product matches listed."""
_ORDER = "order:"
_PRODUCT = "product:"


@dataclass(frozen=True, slots=True)
class FindChoice:
    """What the admin chose: an order ID to show, or a product to filter by."""

    order_id: str | None = None
    product: Product | None = None


def order_number(text: str) -> str | None:
    """The order ID typed (``123``, ``#123``, surrounding spaces allowed), else None."""
    wanted = text.strip().removeprefix("#").strip()
    return wanted if wanted.isascii() and wanted.isdigit() else None


class FindOrderModal(Dialog[FindChoice | None]):
    """Ask for an order ID or a product; dismisses with a ``FindChoice`` (None: cancel)."""

    DEFAULT_CSS = """
    FindOrderModal #find-matches {
        height: auto;
        max-height: 10;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = DIALOG_KEYS.bindings("FindOrderModal")

    @dataclass
    class ProductsLoaded(Message):
        """The worker read the catalogue."""

        products: tuple[Product, ...]

    def __init__(self) -> None:
        super().__init__()
        self.products: tuple[Product, ...] = ()

    def title_text(self) -> Text:
        """Find in orders."""
        return Text("Find in orders")

    def compose_body(self) -> ComposeResult:
        """The field and the choices."""
        yield Label("Order ID (#123) or product name", classes="field-label")
        yield TextField(id="find-query", placeholder="e.g. 1042 or vip")
        yield OptionList(id="find-matches")

    def on_mount(self) -> None:
        """Read the catalogue; focus the field."""
        self._load_products(host(self).service)
        self.query_one("#find-query", Input).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="find-products",
          name="loading products")  # fmt: skip
    def _load_products(self, service: StoreService) -> None:
        """Worker: the catalogue (never touches widgets)."""
        products = service.list_products()
        if not get_current_worker().is_cancelled:
            self.post_message(self.ProductsLoaded(tuple(products)))

    @on(ProductsLoaded)
    def _products_loaded(self, event: ProductsLoaded) -> None:
        self.products = event.products
        self._show_matches(self.query_one("#find-query", Input).value)

    @on(Input.Changed, "#find-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_matches(event.value)

    def _show_matches(self, query: str) -> None:
        options: list[Option] = []
        number = order_number(query)
        if number is not None:
            options.append(Option(Text(f"Order #{number}"), id=f"{_ORDER}{number}"))
        if query.strip():
            for product in match_products(query, self.products, MAX_SHOWN):
                option = product_option(product)
                options.append(Option(option.prompt, id=f"{_PRODUCT}{product.id}"))
        matches = self.query_one("#find-matches", OptionList)
        matches.set_options(options)
        if options:
            matches.highlighted = 0
            self.clear_error()

    @on(Input.Submitted, "#find-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        matches = self.query_one("#find-matches", OptionList)
        if matches.highlighted is None:
            self.show_error("Type an order ID or part of a product name.")
            return
        self._choose(matches.get_option_at_index(matches.highlighted).id)

    @on(OptionList.OptionSelected, "#find-matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id is None:
            return
        if option_id.startswith(_ORDER):
            self.dismiss(FindChoice(order_id=option_id.removeprefix(_ORDER)))
            return
        wanted = option_id.removeprefix(_PRODUCT)
        for product in self.products:
            if product.id == wanted:
                self.dismiss(FindChoice(product=product))
                return

    def action_cancel(self) -> None:
        """Esc: close, nothing chosen."""
        self.dismiss(None)
