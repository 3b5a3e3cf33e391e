"""Helpers for driving the action modals on a running app (imported by the modal tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rich.text import Text
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from storeadmin.app import StoreAdminApp
from storeadmin.core.models import Customer
from storeadmin.core.service import StoreService
from support.ui import UiStore, make_app, open_test_service, wait_ready

SIZE = (100, 32)


@asynccontextmanager
async def running(store: UiStore) -> AsyncIterator[tuple[StoreAdminApp, Pilot[None]]]:
    """The app, connected and idle."""
    app = make_app(store.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        yield app, pilot


async def push(pilot: Pilot[None], modal: Screen[Any]) -> list[Any]:
    """Push ``modal``; the returned list receives its dismiss result."""
    results: list[Any] = []
    pilot.app.push_screen(modal, results.append)
    await wait_ready(pilot)
    return results


def audit_actions(service: StoreService, customer_id: int) -> list[str]:
    """The customer's audit actions, newest first."""
    return [entry.action for entry in service.list_audit(customer_id).items]


def customer(service: StoreService, customer_id: int) -> Customer:
    return service.get_customer(customer_id).customer


def text_of(widget: Static) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def error_line(app: StoreAdminApp) -> str:
    line = app.screen.query_one("#dialog-error", Static)
    return text_of(line) if line.has_class("-shown") else ""


def hint(app: StoreAdminApp, field_id: str) -> str:
    return text_of(app.screen.query_one(f"#{field_id}-hint", Static))


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    """Replace the Input's text by typing ``text`` into it."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def confirm(pilot: Pilot[None]) -> None:
    """Press the dialog's confirm button and wait for the write."""
    await pilot.click("#dialog-confirm")
    await wait_ready(pilot)


def second_service(store: UiStore, actor: str = "bob") -> StoreService:
    """Another admin on the same store."""
    return open_test_service(store.url, actor=actor)
