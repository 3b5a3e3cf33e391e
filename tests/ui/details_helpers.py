"""Helpers shared by the details screen's Pilot and snapshot tests."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Select, Static

from storeadmin.app import StoreAdminApp
from storeadmin.screens.customer_details import CustomerDetailsScreen
from storeadmin.widgets.paged_table import PagedTable
from support.ui import wait_ready

SIZE = (120, 40)


async def open_details(pilot: Pilot[None], customer_id: int, tab: str = "inventory") -> None:
    """Open a customer from the (ready) app and wait for the header and first tab."""
    await wait_ready(pilot)
    app: StoreAdminApp = pilot.app  # type: ignore[assignment]
    app.open_customer(customer_id, tab)
    await pilot.pause()
    await wait_ready(pilot)


def screen(pilot: Pilot[None]) -> CustomerDetailsScreen:
    """The details screen on top of the stack."""
    current = pilot.app.screen
    assert isinstance(current, CustomerDetailsScreen)
    return current


def text_of(pilot: Pilot[None], selector: str) -> str:
    """The plain text a Static on the current screen shows (Rich tables rendered too)."""
    content = pilot.app.screen.query_one(selector, Static).content
    if isinstance(content, str | Text):
        return str(content)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    # Grid layouts pad with spaces that depend on widths: compare words, not columns.
    return " ".join(console.export_text().split())


def rows(table: PagedTable) -> list[list[str]]:
    """Every row's cells as plain strings."""
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def table_of(pilot: Pilot[None], tab_id: str) -> PagedTable:
    """The table of a tab."""
    return screen(pilot).tab(tab_id).table


def move_to(table: PagedTable, key: int) -> None:
    """Put the cursor on the row with ``key``."""
    table.move_cursor(row=table.get_row_index(str(key)))


def svg(pilot: Pilot[None]) -> str:
    """The current screen as an SVG document (what the terminal would show)."""
    return pilot.app.export_screenshot()


async def choose_status(pilot: Pilot[None], label: str) -> None:
    """``f``, open the status list, pick ``label`` with the keyboard, wait for the reload."""
    await pilot.press("f")
    focused = pilot.app.focused
    assert isinstance(focused, Select)
    await pilot.press("enter")
    # The open list highlights the current choice; move from there to ``label``.
    values = [value for _, value in focused._options]
    labels = ["All statuses", *(str(prompt) for prompt, _ in focused._options[1:])]
    steps = labels.index(label) - values.index(focused.value)
    for _ in range(abs(steps)):
        await pilot.press("down" if steps > 0 else "up")
    await pilot.press("enter")
    await wait_ready(pilot)
