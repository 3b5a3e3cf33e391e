"""Every screen's bindings, palette entries and help rows agree with its key table.

The tables (``storeadmin.screens.key_tables``) are the one place a key is written;
these tests fail when a node's ``BINDINGS`` are edited by hand, when a key the
table documents is not bound where it says, when an action does not exist, or when
the palette or the help drifts from the table.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Input

from storeadmin.app import StoreAdminApp
from storeadmin.screens import details_commands
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.screens.customer_search import CustomerSearchScreen
from storeadmin.screens.game_servers import GameServersScreen
from storeadmin.screens.key_tables import (
    APP_KEYS,
    COMMAND_KEYS,
    DETAILS_KEYS,
    DIALOG_KEYS,
    HELP_SCREEN_KEYS,
    HELP_TABLES,
    SEARCH_KEYS,
    SERVERS_KEYS,
    STARTUP_KEYS,
    TOKENS_KEYS,
)
from storeadmin.screens.keys import KeyTable, key_display
from storeadmin.screens.modals import help as help_screen
from storeadmin.screens.modals.action import ActionModal
from storeadmin.screens.modals.command import CommandModal
from storeadmin.screens.modals.confirm import ConfirmModal
from storeadmin.screens.modals.create_token import CreateTokenModal
from storeadmin.screens.modals.detail import DetailModal
from storeadmin.screens.modals.find_order import FindOrderModal
from storeadmin.screens.modals.help import HelpScreen
from storeadmin.screens.modals.server_modals import ServerTokenModal
from storeadmin.screens.modals.tokens import TokensModal
from storeadmin.screens.search_commands import SearchCommands
from storeadmin.screens.startup import ConnectErrorScreen
from storeadmin.widgets.metadata_row import MetadataRow
from storeadmin.widgets.orders_tab import OrdersTab
from storeadmin.widgets.paged_table import PagedTable
from storeadmin.widgets.search_results import SearchInput, SearchResults

SCREENS: dict[str, type[DOMNode]] = {
    APP_KEYS.title: StoreAdminApp,
    SEARCH_KEYS.title: CustomerSearchScreen,
    DETAILS_KEYS.title: CustomerDetailsScreen,
    SERVERS_KEYS.title: GameServersScreen,
}
"""The node a table's ``where="screen"`` keys belong to."""

NODES: dict[str, type[DOMNode]] = {
    cls.__name__: cls
    for cls in (
        SearchInput,
        SearchResults,
        PagedTable,
        DataTable,
        Input,
        Screen,
        ActionModal,
        ConfirmModal,
        DetailModal,
        TokensModal,
        CreateTokenModal,
        ConnectErrorScreen,
        HelpScreen,
        CommandModal,
        ServerTokenModal,
    )
}
NODES["App"] = StoreAdminApp
NODES["MetadataRow"] = MetadataRow
NODES["OrdersTab"] = OrdersTab
NODES["FindOrderModal"] = FindOrderModal

ALL_TABLES = (
    APP_KEYS,
    COMMAND_KEYS,
    SERVERS_KEYS,
    SEARCH_KEYS,
    DETAILS_KEYS,
    DIALOG_KEYS,
    TOKENS_KEYS,
    STARTUP_KEYS,
    HELP_SCREEN_KEYS,
)


def _node(table: KeyTable, where: str) -> type[DOMNode]:
    return SCREENS[table.title] if where == "screen" else NODES[where]


def _fields(binding: Any) -> tuple[object, ...]:
    assert isinstance(binding, Binding)
    return (
        binding.key,
        binding.action,
        binding.description,
        binding.show,
        binding.priority,
        binding.tooltip,
        binding.id,
        binding.group,
    )


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.title)
def test_each_node_binds_exactly_its_tables_keys(table: KeyTable) -> None:
    for where in {key.where for key in table.keys if key.bound}:
        own = _node(table, where).__dict__["BINDINGS"]
        assert [_fields(b) for b in own] == [_fields(b) for b in table.bindings(where)], where


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.title)
def test_keys_bound_by_textual_or_a_widget_are_bound_where_the_table_says(
    table: KeyTable,
) -> None:
    for key in table.keys:
        if key.bound:
            continue
        if key.action == "command_palette":
            assert key.keys == App.COMMAND_PALETTE_BINDING
            continue
        merged = _node(table, key.where)._merged_bindings
        assert merged is not None
        for one_key in key.keys.split(","):
            actions = {b.action for b in merged.key_to_bindings.get(one_key, [])}
            assert key.action in actions, (key.name, one_key, actions)


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.title)
def test_every_action_exists(table: KeyTable) -> None:
    for key in table.keys:
        node = _node(table, key.where)
        namespace, _, action = key.action.rpartition(".")
        if namespace == "app":
            node = StoreAdminApp
        elif namespace == "screen":
            node = SCREENS[table.title]
        name = action.split("(")[0]
        assert hasattr(node, f"action_{name}"), (key.name, node, name)
        # The palette runs its entries on the active screen, whichever node binds the key.
        runs_on = node if issubclass(node, (Screen, App)) else SCREENS.get(table.title, node)
        for entry in key.palette:
            assert hasattr(runs_on, f"action_{entry.action.split('(')[0]}"), entry


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda table: table.title)
def test_help_rows_explain_every_key_and_name_it(table: KeyTable) -> None:
    names = {key.name for key in table.keys}
    explained: set[str] = set()
    for row in table.help:
        assert set(row.refs) <= names, row
        explained.update(row.refs)
        cell = row.key_text(table)
        for name in row.refs:
            shown = [key_display(k) for k in table[name].keys.split(",")]
            assert any(k in cell.split() for k in shown), (cell, name, shown)
    documented = {key.name for key in table.keys if key.in_help}
    assert documented <= explained, documented - explained


def test_the_help_screen_shows_the_tables() -> None:
    assert (
        tuple((table.title, tuple(table.help_lines())) for table in HELP_TABLES) == help_screen.KEYS
    )
    undocumented = {table for table in ALL_TABLES if all(not k.in_help for k in table.keys)}
    assert set(HELP_TABLES) == set(ALL_TABLES) - undocumented


def test_the_palette_names_the_key_it_stands_for() -> None:
    for table in ALL_TABLES:
        for key in table.keys:
            for entry in key.palette:
                [derived] = [e for e in table.palette() if e.title == entry.title]
                if entry.name_key:
                    assert derived.help.endswith(f"({key.keys})")
    assert sorted(DETAILS_KEYS.palette_order) == sorted(
        key.name for key in DETAILS_KEYS.keys if key.palette
    )


def test_details_palette_is_the_table() -> None:
    assert (
        tuple((entry.title, entry.action, entry.help) for entry in DETAILS_KEYS.palette())
        == details_commands.COMMANDS
    )


class _SearchLike:
    """Enough of the search screen for its palette provider."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def action_focus_search(self) -> None:
        self.ran.append("focus_search")

    async def run_action(self, action: str) -> None:
        self.ran.append(action)


async def test_search_palette_is_the_table() -> None:
    screen = _SearchLike()
    provider = SearchCommands(screen)  # type: ignore[arg-type]
    hits = [hit async for hit in provider.discover()]
    expected = [(e.title, e.help) for e in SEARCH_KEYS.palette()]
    assert [(str(hit.display), hit.help) for hit in hits] == expected
    await hits[0].command()  # type: ignore[misc]
    assert screen.ran == ["focus_search"]
