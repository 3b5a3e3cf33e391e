"""The key table of every screen: bindings, palette entries and help rows, written once.

Each table is in binding order (the footer's order). ``where`` names the node a
binding belongs to; ``bound=False`` marks a key Textual or a generic widget binds
itself, listed so that the help can explain it. The help screen shows the tables'
help rows in :data:`HELP_TABLES` order.
"""

from __future__ import annotations

from textual.binding import Binding

from storeadmin.screens.keys import HelpRow, Key, KeyTable, PaletteEntry

# fmt: off

APP_KEYS = KeyTable(
    "Everywhere",
    (
        Key("help", "f1", "help", "Help", tooltip="Every key of every screen", where="App",
            binding_id="help"),
        Key("help-question", "question_mark", "help", "Help", where="App", show=False,
            binding_id="help-question"),
        Key("quit", "ctrl+q", "quit", "Quit", tooltip="Quit storeadmin", where="App",
            priority=True, binding_id="quit"),
        Key("palette", "ctrl+p", "command_palette", where="App", bound=False),
        # Priority: Textual forwards each key to the widget focused when the key is *read*,
        # so a non-priority Tab moved the focus only after the rest of a fast-typed burst
        # (`key<Tab>value`) had already gone to the field it was leaving.
        Key("next", "tab", "focus_next", where="App", show=False, priority=True),
        Key("previous", "shift+tab", "focus_previous", where="App", show=False,
            priority=True),
    ),
    help=(
        HelpRow(("help", "help-question"), ("this help (? only when not typing in a field)",)),
        HelpRow(
            ("palette",), ("command palette: open customer by ID, focus search, help, quit",)
        ),
        HelpRow(("quit",), ("quit storeadmin",)),
        HelpRow(("next", "previous"), ("move between fields and tables",)),
    ),
)
"""The App's own keys (every screen)."""

SEARCH_KEYS = KeyTable(
    "Customer search",
    (
        Key(
            "focus-search", "slash", "focus_search", "Search", tooltip="Back to the search field",
            palette=(
                PaletteEntry(
                    "Open customer by ID…",
                    "focus_search",
                    "Type “open 123” here, or an ID in the search field and press Enter",
                    name_key=False,
                ),
                PaletteEntry("Focus search", "focus_search", "Back to the search field",
                             name_key=False),
            ),
        ),
        Key("clear", "escape", "escape", "Clear", tooltip="Clear the query / back to the search"),
        Key("game-servers", "ctrl+g", "game_servers", "Servers",
            tooltip="Game servers and stuck deliveries",
            palette=(PaletteEntry("Game servers…", "game_servers",
                                  "Game servers, their queues and stuck deliveries"),)),
        Key("query-down", "down", "screen.focus_results", "Results",
            tooltip="Move into the results", where="SearchInput"),
        Key("query-enter", "enter", "submit", "Open",
            tooltip="Open the one customer found, else the results", where="SearchInput"),
        Key("results-enter", "enter", "select_cursor", "Open", tooltip="Open the customer",
            where="SearchResults"),
        Key("results-escape", "escape", "screen.focus_search", "Search", show=False,
            where="SearchResults"),
        Key("up", "up", "cursor_up", where="DataTable", bound=False),
        Key("down", "down", "cursor_down", where="DataTable", bound=False),
        Key("page-up", "pageup", "page_up", where="DataTable", bound=False),
        Key("page-down", "pagedown", "page_down", where="DataTable", bound=False),
        Key("first-row", "home,ctrl+home", "scroll_top", where="PagedTable", bound=False),
        Key("last-row", "end,ctrl+end", "scroll_bottom", where="PagedTable", bound=False),
    ),
    help=(
        HelpRow((), ("search by name, SteamID64 / UUID / XUID, customer, order or",
                     "subscription ID (#123), or a Discord ID; empty lists the newest"),
                keys="type"),
        HelpRow(("query-enter",), ("open the one customer found (an order or",
                                   "subscription ID: with its details), else",
                                   "the results"), note="(in search)"),
        HelpRow(("query-down",), ("from the search field into the results",)),
        HelpRow(("clear",), ("clear the query",), note="(in search)"),
        HelpRow(("up", "down", "page-up", "page-down"),
                ("move in the results; more rows load as you go",), sep=" "),
        HelpRow(("first-row", "last-row"), ("first / last loaded row",), sep=" "),
        HelpRow(("results-enter",), ("open the customer",), note="(on a row)"),
        HelpRow(("focus-search", "results-escape"), ("back to the search field, query selected",),
                note="(on a row)"),
        HelpRow((), ("a new search from the letter typed (Ctrl+Q quits)",), keys="type",
                note="(on a row)"),
        HelpRow(("game-servers",), ("game servers and stuck deliveries",)),
    ),
)
"""The search screen, its search field and its results table."""

TAB_TITLES = (
    ("inventory", "Inventory"),
    ("orders", "Orders"),
    ("subscriptions", "Subscriptions"),
    ("metadata", "Metadata"),
    ("history", "History"),
)
"""Tab ids and titles, in key order (1–5)."""

_TABS_GROUP = Binding.Group("Tabs", compact=True)

_TAB_KEYS = tuple(
    Key(
        f"tab-{tab_id}", str(n), f"switch_tab('{tab_id}')", title,
        tooltip=f"Show the {title} tab", binding_id=f"details.tab.{tab_id}", group=_TABS_GROUP,
        palette=(PaletteEntry(f"Switch to {title}", f"switch_tab('{tab_id}')",
                              f"Show the {title} tab"),),
    )
    for n, (tab_id, title) in enumerate(TAB_TITLES, start=1)
)

DETAILS_KEYS = KeyTable(
    "Customer details",
    (
        # The action bar and the Inventory toolbar name e / b / t / a / x: not in the footer.
        Key("edit", "e", "edit", "Edit", tooltip="Edit name and platform ID", show=False,
            binding_id="details.edit",
            palette=(PaletteEntry("Edit customer…", "edit", "Change name and platform ID"),)),
        Key("ban", "b", "ban", "Ban/Unban", tooltip="Ban, or lift the ban", show=False,
            binding_id="details.ban",
            palette=(PaletteEntry("Ban or unban…", "ban",
                                  "Ban the customer with a reason, or lift the ban"),)),
        Key("tokens", "t", "tokens", "Tokens", tooltip="Manage tokens", show=False,
            binding_id="details.tokens",
            palette=(PaletteEntry("Manage tokens…", "tokens",
                                  "List, create and revoke access tokens"),)),
        Key("assign", "a", "assign", "Assign", tooltip="Grant a product", show=False,
            binding_id="details.assign",
            palette=(PaletteEntry("Assign a product…", "assign('palette')",
                                  "Grant a product and queue its commands"),)),
        Key("revoke", "x", "revoke", "Revoke", tooltip="Revoke the highlighted active item",
            show=False, binding_id="details.revoke",
            palette=(PaletteEntry("Revoke selected item…", "revoke('palette')",
                                  "Revoke the highlighted active item"),)),
        Key("add-field", "ctrl+n", "add_metadata_field", "Add field",
            tooltip="Add a metadata row",
            palette=(PaletteEntry("Add metadata field", "add_metadata_field('palette')",
                                  "Add a metadata row"),)),
        Key("save", "ctrl+s", "save_metadata", "Update", tooltip="Save the metadata",
            palette=(PaletteEntry("Save metadata", "save_metadata('palette')",
                                  "Update the metadata"),)),
        # Enter is a priority binding; declared before the tab keys, so the footer's order
        # stays the same whichever way Textual gathers priority and focused-chain keys.
        Key("open", "enter", "open_selected", "Open", tooltip="Open the row", priority=True,
            palette=(PaletteEntry("Open the highlighted row", "open_highlighted",
                                  "Details of the order or subscription, or the history "
                                  "entry in full, under the cursor (Enter)", name_key=False),)),
        # On History, Enter is the table's own select (the screen's Enter offers itself
        # only on the tabs it opens): HistoryTab opens the entry in full.
        Key("open-entry", "enter", "select_cursor", where="DataTable", bound=False),
        *_TAB_KEYS,
        Key("commands", "i", "show_commands", "Commands", tooltip="Commands of the item",
            binding_id="details.commands",
            palette=(PaletteEntry("Show commands of selected item", "show_commands('palette')",
                                  "Every command of the highlighted inventory item"),)),
        Key("filter", "f", "filter_status", "Filter", tooltip="Status filter",
            binding_id="details.filter",
            palette=(
                PaletteEntry("Filter orders by status…", "filter_status('orders')",
                             "Pick an order status to list", name_key=False),
                PaletteEntry("Filter subscriptions by status…", "filter_status('subscriptions')",
                             "Pick a subscription status to list", name_key=False),
            )),
        Key("reload", "r", "reload", "Reload", tooltip="Reload header and tab",
            binding_id="details.reload",
            palette=(PaletteEntry("Reload", "reload",
                                  "Reload the header and the current tab"),)),
        Key("back", "escape", "back", "Back", tooltip="Back to the search",
            binding_id="details.back",
            palette=(PaletteEntry("Back to search", "back", "Return to the customer search"),)),
        Key("into-rows", "tab", "app.focus_next", where="Screen", bound=False),
        Key("row-up", "up", "row_up", "Row up", tooltip="The same field of the row above",
            show=False, where="MetadataRow"),
        Key("row-down", "down", "row_down", "Row down",
            tooltip="The same field of the row below", show=False, where="MetadataRow"),
        Key("rows-up", "pageup", "rows_up", "10 rows up", tooltip="Ten metadata rows up",
            show=False, where="MetadataRow"),
        Key("rows-down", "pagedown", "rows_down", "10 rows down",
            tooltip="Ten metadata rows down", show=False, where="MetadataRow"),
        Key("find-order", "slash", "find", "Find", tooltip="Jump to an order ID or filter by product",
            where="OrdersTab", binding_id="details.orders.find",
            palette=(PaletteEntry("Find an order…", "find_order",
                                  "Jump to an order ID or list the orders of a product "
                                  "(/ on Orders)", name_key=False),)),
        Key("clear-product", "escape", "clear_product", "All orders",
            tooltip="Clear the product filter", where="OrdersTab"),
    ),
    help=(
        HelpRow(tuple(key.name for key in _TAB_KEYS),
                ("switch tab: inventory, orders, subscriptions, metadata, history",), sep=" "),
        HelpRow(("back",), ("back to the search, query and row kept",)),
        HelpRow(("reload",), ("reload",)),
        HelpRow(("open",), ("details of the order / subscription under the cursor",)),
        HelpRow(("open-entry",), ("the entry in full: who, when, before → after",),
                note="(on History)"),
        HelpRow(("filter",), ("focus the status filter",)),
        HelpRow(("find-order",), ("jump to an order ID or filter by product",),
                note="(on Orders)"),
        HelpRow(("clear-product",), ("clear the product filter: all orders again",),
                note="(on Orders)"),
        HelpRow(("commands",),
                ("command info of the inventory item (game server, command, status)",)),
        HelpRow(("assign",), ("assign a product",)),
        HelpRow(("revoke",), ("revoke the inventory item (asks for a reason)",)),
        HelpRow(("edit",), ("edit name and platform ID",)),
        HelpRow(("ban",), ("ban / unban",)),
        HelpRow(("tokens",), ("manage tokens",)),
        HelpRow(("add-field",), ("add a metadata field",)),
        HelpRow(("save",), ("save the metadata (Update)",)),
        HelpRow(("into-rows",), ("into the metadata rows (digits switch tabs outside a field)",)),
        HelpRow(("row-up", "row-down"), ("the same field of the metadata row above / below",),
                sep=" "),
        HelpRow(("rows-up", "rows-down"), ("ten metadata rows up / down (a long form shows",
                                           "its rows a page at a time: pages turn as you go)"),
                sep=" "),
    ),
    palette_order=(
        *(key.name for key in _TAB_KEYS), "open", "find-order", "filter", "reload", "commands",
        "edit", "ban",
        "tokens", "assign", "revoke", "add-field", "save", "back",
    ),
)
"""The details screen (its actions live in ``DetailsActions``, its base class)."""

DIALOG_KEYS = KeyTable(
    "Dialogs",
    (
        Key("cancel", "escape", "cancel", "Cancel", tooltip="Close without changing anything",
            where="ActionModal"),
        Key("confirm", "ctrl+s", "confirm", "Confirm", tooltip="Confirm the dialog",
            where="ActionModal"),
        Key("submit", "enter", "submit", where="Input", bound=False),
        Key("no", "escape,n", "answer(False)", "No", tooltip="Do nothing", where="ConfirmModal"),
        Key("yes", "y", "answer(True)", "Yes", show=False, where="ConfirmModal"),
        Key("close", "escape", "close", "Close", tooltip="Close this dialog",
            where="DetailModal"),
        Key("find-cancel", "escape", "cancel", "Cancel", tooltip="Close, nothing chosen",
            where="FindOrderModal"),
    ),
    help=(
        HelpRow(("submit", "confirm"), ("confirm / save (Enter: in a field; in Assign's product",
                                        "field it moves on to the expiry; on a button it presses",
                                        "that button — a risky dialog starts on Cancel)")),
        HelpRow(("cancel", "close", "find-cancel"), ("cancel and close, nothing changed",),
                keys="Esc"),
        HelpRow(("yes", "no"), ("answer a yes / no question",), keys="y  n"),
    ),
)
"""Every action dialog, the yes / no question and the read-only detail views."""

TOKENS_KEYS = KeyTable(
    "Tokens dialog",
    (
        Key("close", "escape", "close", "Close", tooltip="Close the tokens dialog",
            where="TokensModal", in_help=False),
        Key("create", "n", "create", "New token", tooltip="Create a token (secret shown once)",
            where="TokensModal"),
        Key("revoke", "x", "revoke", "Revoke", tooltip="Revoke the highlighted token",
            where="TokensModal"),
        Key("revoke-all", "X", "revoke_all", "Revoke all",
            tooltip="Revoke every token (asks first)", where="TokensModal"),
        Key("copy", "c", "copy_secret", "Copy", tooltip="Copy the secret", show=False,
            where="CreateTokenModal"),
    ),
    help=(
        HelpRow(("create",), ("new token (the secret is shown once)",)),
        HelpRow(("copy",), ("copy the new secret",)),
        HelpRow(("revoke",), ("revoke the highlighted token",)),
        HelpRow(("revoke-all",), ("revoke every token (asks first)",)),
    ),
)
"""The tokens dialog and the new-token dialog it opens."""

COMMAND_KEYS = KeyTable(
    "Command dialog",
    (
        Key("resend", "r", "resend", "Resend", tooltip="Queue the command again (asks first)",
            where="CommandModal",
            palette=(PaletteEntry("Resend command…", "resend",
                                  "Queue the highlighted command again, on its server or another"),)),
        Key("cancel-attempt", "x", "cancel_attempt", "Cancel command",
            tooltip="Unqueue the highlighted command (asks first)", where="CommandModal",
            palette=(PaletteEntry("Cancel command…", "cancel_attempt",
                                  "Unqueue the highlighted pending, delivered or failed command"),)),
    ),
    help=(
        HelpRow(("resend",), ("resend the highlighted command (a new attempt, marked rerun;",
                              "optionally on another enabled server)")),
        HelpRow(("cancel-attempt",), ("cancel (unqueue) a pending, delivered or failed command",)),
        HelpRow((), ("the dialog refreshes itself every 2 s while it is open",), keys=""),
    ),
)
"""The Command dialog (``i`` on an inventory item); Esc is the dialogs' Close."""

SERVERS_KEYS = KeyTable(
    "Game servers",
    (
        Key("tab-servers", "1", "switch_tab('servers')", "Servers", tooltip="The game servers",
            group=_TABS_GROUP,
            palette=(PaletteEntry("Show game servers", "switch_tab('servers')",
                                  "The game servers and their queues"),)),
        Key("tab-stuck", "2", "switch_tab('stuck')", "Stuck", tooltip="Stuck deliveries",
            group=_TABS_GROUP,
            palette=(PaletteEntry("Show stuck deliveries", "switch_tab('stuck')",
                                  "Commands waiting too long, players not seen, silent servers"),)),
        Key("add-server", "a", "add_server", "Add", tooltip="Add a game server",
            palette=(PaletteEntry("Add game server…", "add_server", "A new server: name and game"),)),
        Key("server-token", "n", "new_token", "Token",
            tooltip="A new token for the server (shown once)",
            palette=(PaletteEntry("New server token…", "new_token",
                                  "Replace the highlighted server's token; the secret is shown once"),)),
        Key("disable-server", "d", "disable_server", "Disable",
            tooltip="Refuse the server's polls (asks first)",
            palette=(PaletteEntry("Disable game server…", "disable_server",
                                  "Refuse the highlighted server's polls from now on"),)),
        Key("reload-servers", "r", "reload", "Reload", tooltip="Reload the servers and stuck lists",
            palette=(PaletteEntry("Reload", "reload", "Reload the servers and stuck lists"),)),
        Key("back-servers", "escape", "back", "Back", tooltip="Back to the search",
            palette=(PaletteEntry("Back to search", "back", "Return to the customer search"),)),
        Key("open-attempt", "enter", "select_cursor", where="DataTable", bound=False),
        Key("copy-server-token", "c", "copy_secret", "Copy", tooltip="Copy the secret",
            show=False, where="ServerTokenModal"),
    ),
    help=(
        HelpRow(("tab-servers", "tab-stuck"), ("switch tab: servers, stuck deliveries",), sep=" "),
        HelpRow(("add-server",), ("add a game server (name and game)",)),
        HelpRow(("server-token",), ("new token for the highlighted server (shown once;",
                                    "the old one stops working at once)")),
        HelpRow(("copy-server-token",), ("copy the new server token",)),
        HelpRow(("disable-server",), ("disable the highlighted server (asks first)",)),
        HelpRow(("reload-servers",), ("reload (both tabs also refresh every 5 s)",)),
        HelpRow(("open-attempt",), ("open the customer of a stuck command",),
                note="(on Stuck)"),
        HelpRow(("back-servers",), ("back to the search",)),
    ),
)
"""The Game servers screen and its Stuck deliveries tab."""

STARTUP_KEYS = KeyTable(
    "Store unavailable",
    (
        Key("retry", "r", "retry", "Retry", tooltip="Try to open the store again",
            where="ConnectErrorScreen", in_help=False),
        Key("quit", "q,escape", "app.quit_unavailable", "Quit", tooltip="Quit storeadmin",
            where="ConnectErrorScreen", in_help=False),
    ),
)
"""The screen shown when the store cannot be opened (its footer names both keys)."""

HELP_SCREEN_KEYS = KeyTable(
    "Help",
    (
        Key("close", "escape,q,f1,question_mark", "close", "Close", tooltip="Close the help",
            where="HelpScreen", in_help=False),
    ),
)
"""The help screen itself (its border says "Esc to close")."""

# fmt: on

HELP_TABLES = (
    APP_KEYS,
    SEARCH_KEYS,
    DETAILS_KEYS,
    DIALOG_KEYS,
    TOKENS_KEYS,
    COMMAND_KEYS,
    SERVERS_KEYS,
)
"""The help screen's sections, in order (every table but the two above)."""
