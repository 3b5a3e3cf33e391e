"""The customer actions of the details screen: edit, ban/unban, tokens, assign, revoke,
and the metadata keys, as the base class of
:class:`~storeadmin.screens.customer_details.CustomerDetailsScreen` (which keeps the
header and the tabs; this keeps the writes out of it).

Each action opens its modal with the data it needs (the modal runs its own write) and,
when the modal reports a change, reloads the header, the affected tab and the History
tab, so the new audit entry shows at once. The keys are in the screen's one table,
``key_tables.DETAILS_KEYS``, which the subclass binds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button
from textual.worker import get_current_worker

from storeadmin.core.models import Customer, CustomerDetails, GameServer, Product
from storeadmin.core.service import StoreService
from storeadmin.screens.modals.assign import AssignProductModal
from storeadmin.screens.modals.ban import BanModal, UnbanModal
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.edit_customer import EditCustomerModal
from storeadmin.screens.modals.revoke import RevokeModal
from storeadmin.screens.modals.tokens import TokensModal
from storeadmin.widgets.host import host
from storeadmin.widgets.inventory_tab import InventoryTab
from storeadmin.widgets.metadata_tab import MetadataTab
from storeadmin.widgets.reporting import ReportsWorkerFailures

ACTION_BAR_BUTTONS = (
    ("details-edit", "Edit (e)", "edit"),
    ("details-ban", "Ban (b)", "ban"),
    ("details-tokens", "Tokens (t)", "tokens"),
)
"""(button id, label, action) of the top action bar."""


class DetailsActions(ReportsWorkerFailures, Screen[None]):
    """Customer actions for the details screen; the subclass provides the header and tabs."""

    customer_id: str
    details: CustomerDetails | None

    @dataclass
    class CatalogueLoaded(Message):
        """Products and servers for the assign dialog arrived."""

        products: tuple[Product, ...]
        servers: tuple[GameServer, ...]

    # ------------------------------------------------------------ hooks the screen provides

    def tab(self, tab_id: str) -> Any:
        """The tab body inside the pane ``tab_id`` (the screen implements it)."""
        raise NotImplementedError

    @property
    def active_tab_id(self) -> str:
        """Id of the tab being shown (the screen implements it)."""
        raise NotImplementedError

    def reload_after_action(self, *tab_ids: str) -> None:
        """Reload the header, ``tab_ids`` and History (the screen implements it)."""
        raise NotImplementedError

    def action_switch_tab(self, tab_id: str) -> None:
        """Show a tab (the screen implements it)."""
        raise NotImplementedError

    # ------------------------------------------------------------ helpers

    def _customer(self) -> Customer | None:
        """The loaded customer, or None (with a notice) while the header loads."""
        if self.details is None:
            self.notify("The customer is still loading.", severity="warning", markup=False)
            return None
        return self.details.customer

    @property
    def inventory(self) -> InventoryTab:
        """The Inventory tab body."""
        return self.query_one(InventoryTab)

    @property
    def metadata(self) -> MetadataTab:
        """The Metadata tab body."""
        return self.query_one(MetadataTab)

    def update_action_bar(self) -> None:
        """Ban or Unban, as the loaded customer needs."""
        banned = self.details is not None and self.details.customer.is_banned
        button = self.query_one("#details-ban", Button)
        button.label = "Unban (b)" if banned else "Ban (b)"
        button.variant = "default" if banned else "error"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer a/x only on the Inventory tab (x only for an active item), ctrl+n/s on Metadata.

        Palette calls carry a parameter and work from any tab.
        """
        if parameters:
            return True
        if action == "assign":
            return self.active_tab_id == "inventory"
        if action == "revoke":
            return self.active_tab_id == "inventory" and self.inventory.revocable()
        if action in ("add_metadata_field", "save_metadata"):
            return self.active_tab_id == "metadata"
        return True

    # ------------------------------------------------------------ action bar

    @on(Button.Pressed, "#details-actions Button")
    async def _action_bar_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {button_id: action for button_id, _, action in ACTION_BAR_BUTTONS}
        action = actions.get(event.button.id or "")
        if action is not None:
            await self.run_action(action)

    # ------------------------------------------------------------ edit, ban, tokens

    def action_edit(self) -> None:
        """``e``: edit name and platform ID."""
        customer = self._customer()
        if customer is not None:
            self.app.push_screen(EditCustomerModal(customer), self._customer_changed)

    def action_ban(self) -> None:
        """``b``: ban the customer, or lift the ban in force."""
        customer = self._customer()
        if customer is None:
            return
        modal = UnbanModal(customer) if customer.is_banned else BanModal(customer)
        self.app.push_screen(modal, self._customer_changed)

    def _customer_changed(self, customer: Customer | None) -> None:
        if customer is not None:
            self.reload_after_action()

    def action_tokens(self) -> None:
        """``t``: list, create and revoke the customer's tokens."""
        customer = self._customer()
        if customer is not None:
            self.app.push_screen(TokensModal(customer), self._tokens_closed)

    def _tokens_closed(self, changed: bool | None) -> None:
        if changed:
            self.reload_after_action()

    # ------------------------------------------------------------ assign, revoke

    def action_assign(self, source: str = "key") -> None:
        """``a``: grant a product (the catalogue loads first, in a worker)."""
        if self._customer() is None:
            return
        if source == "palette" and self.active_tab_id != "inventory":
            self.action_switch_tab("inventory")
        self._load_catalogue(host(self).service)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="catalogue",
        name="loading the catalogue",
    )
    def _load_catalogue(self, service: StoreService) -> None:
        products = service.list_products()
        servers = service.list_game_servers()
        if not get_current_worker().is_cancelled:
            self.post_message(self.CatalogueLoaded(products, servers))

    @on(CatalogueLoaded)
    def _catalogue_loaded(self, event: CatalogueLoaded) -> None:
        event.stop()
        customer = self._customer()
        if customer is not None:
            modal = AssignProductModal(customer, event.products, event.servers)
            self.app.push_screen(modal, self._inventory_changed)

    @on(InventoryTab.AssignRequested)
    def _assign_requested(self, event: InventoryTab.AssignRequested) -> None:
        event.stop()
        self.action_assign()

    def action_revoke(self, source: str = "key") -> None:
        """``x``: revoke the highlighted item (only offered when it is active)."""
        if source == "palette" and self.active_tab_id != "inventory":
            self.action_switch_tab("inventory")
            self.notify("Highlight an active item, then press x.", markup=False)
            return
        self.inventory.request_revoke()

    @on(InventoryTab.RevokeRequested)
    def _revoke_requested(self, event: InventoryTab.RevokeRequested) -> None:
        event.stop()
        customer = self._customer()
        if customer is not None and event.item.can_revoke:
            self.app.push_screen(RevokeModal(customer, event.item), self._inventory_changed)

    def _inventory_changed(self, item: object | None) -> None:
        if item is not None:
            self.reload_after_action("inventory")

    # ------------------------------------------------------------ metadata

    def action_add_metadata_field(self, source: str = "key") -> None:
        """``ctrl+n`` on the Metadata tab: add a row."""
        if self.active_tab_id != "metadata":
            self.action_switch_tab("metadata")
        self.metadata.form.action_add_field()

    def action_save_metadata(self, source: str = "key") -> None:
        """``ctrl+s`` on the Metadata tab: save every row."""
        if self.active_tab_id != "metadata":
            self.action_switch_tab("metadata")
        self.metadata.form.action_submit()

    @on(MetadataTab.Saved)
    def _metadata_saved(self, event: MetadataTab.Saved) -> None:
        event.stop()
        self.reload_after_action()

    # ------------------------------------------------------------ leaving

    def unsaved_changes(self) -> str | None:
        """What would be lost by quitting now (the App's Ctrl+Q asks), else None."""
        return "The metadata has unsaved changes." if self.metadata.dirty else None

    def leave(self) -> None:
        """Back to the search, asking first when metadata edits are unsaved."""
        if not self.metadata.dirty:
            self.dismiss(None)
            return
        question = Text(
            "The metadata has unsaved changes. Leave and lose them?\n"
            "(Cancel, then Update with ctrl+s, to keep them.)"
        )
        self.app.push_screen(
            ConfirmModal("Unsaved metadata", question, yes="Leave", destructive=True),
            self._leave_answered,
        )

    def _leave_answered(self, leave: bool | None) -> None:
        if leave:
            self.dismiss(None)
