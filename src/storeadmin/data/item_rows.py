"""Inventory item rows: the state an admin sees, the row mappers and the loaders of one
item, shared by the item reads and writes (``data.items``) and the overview.

An active item past its ``expires_at`` reads as expired, in Python (``item_state``) and
in SQL (``item_state_condition``), so expiry needs no background job.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Row, select

from storeadmin.core.errors import NotFound
from storeadmin.core.models import (
    CommandAttempt,
    CommandStage,
    CommandStatus,
    InventoryItem,
    ItemSource,
    ItemState,
    ProductType,
    trusted_constructor,
)
from storeadmin.data.base import Reader
from storeadmin.data.ids import out_id, out_ids
from storeadmin.data.rowmap import picker
from storeadmin.data.schema import InventoryItemRow, ProductRow

ITEMS = InventoryItemRow.__table__
ITEM_COLUMNS = (
    *ITEMS.c,
    ProductRow.name.label("product_name"),
    ProductRow.type.label("product_type"),
)


def item_state(state: str, expires_at: datetime | None, now: datetime) -> ItemState:
    """Stored state plus expiry: an active item past its end reads as expired."""
    if state == ItemState.REVOKED:
        return ItemState.REVOKED
    if state == ItemState.EXPIRED or (expires_at is not None and expires_at <= now):
        return ItemState.EXPIRED
    return ItemState.ACTIVE


def item_state_condition(
    state: ItemState, now: datetime | ColumnElement[datetime]
) -> ColumnElement[bool]:
    """SQL for an item state as the admin sees it: an active item past its end is expired
    (``now``: the moment, or a bind for it in a prepared statement)."""
    state = ItemState(state)
    if state is ItemState.ACTIVE:
        return (InventoryItemRow.state == ItemState.ACTIVE.value) & (
            InventoryItemRow.expires_at.is_(None) | (InventoryItemRow.expires_at > now)
        )
    if state is ItemState.EXPIRED:
        return (
            (InventoryItemRow.state == ItemState.ACTIVE.value)
            & (InventoryItemRow.expires_at <= now)
        ) | (InventoryItemRow.state == ItemState.EXPIRED.value)
    return InventoryItemRow.state == ItemState.REVOKED.value


_new_item = trusted_constructor(InventoryItem)
_PRODUCT_TYPES = {kind.value: kind for kind in ProductType}
_SOURCES = {source.value: source for source in ItemSource}
ITEM_FIELDS = tuple(f.name for f in fields(InventoryItem))
"""The stored values ``item_from_values`` takes, in its order: ``InventoryItem``'s fields,
named as ``ITEM_COLUMNS`` (the item's columns, the product's name and type labelled)."""
_item_values = picker(ITEM_COLUMNS, ITEM_FIELDS)


def item_from_row(row: Any, now: datetime) -> InventoryItem:
    """An InventoryItem from a row of ``ITEM_COLUMNS``."""
    return item_from_values(_item_values(row), now)


@lru_cache(maxsize=4096)
def _server_ids_from_text(text: str) -> tuple[str, ...]:
    return out_ids(json.loads(text))


def server_ids_of(stored: str | Sequence[int] | None) -> tuple[str, ...]:
    """An item's server IDs from the stored JSON: its text (SQLite, or the list pages'
    cast; parsed once per distinct text: a page's items share a few server lists) or
    the list the driver already loaded."""
    if stored is None:
        return ()
    if isinstance(stored, str):
        return _server_ids_from_text(stored)
    return out_ids(stored)


def item_from_values(values: Sequence[Any], now: datetime) -> InventoryItem:
    """An InventoryItem from its stored values in ``ITEM_FIELDS`` order (``server_ids``
    as ``server_ids_of`` takes it).

    Built by ``trusted_constructor`` (fields in declaration order); the enums are dict
    hits, and an unknown stored value still raises ValueError through the enum.
    """
    (
        item_id,
        customer_id,
        product_id,
        product_name,
        product_type,
        state,
        source,
        order_id,
        granted_by,
        granted_at,
        expires_at,
        server_ids,
        revoked_at,
        revoked_by,
        revoke_reason,
    ) = values
    return _new_item(
        str(item_id),
        str(customer_id),
        str(product_id),
        product_name,
        _PRODUCT_TYPES.get(product_type) or ProductType(product_type),
        item_state(state, expires_at, now),
        _SOURCES.get(source) or ItemSource(source),
        out_id(order_id),
        granted_by,
        granted_at,
        expires_at,
        server_ids_of(server_ids),
        revoked_at,
        revoked_by,
        revoke_reason,
    )


def attempt_from_row(row: Any, *, server_name: str) -> CommandAttempt:
    """A CommandAttempt from a ``command_attempts`` row and its server's name."""
    return CommandAttempt(
        id=str(row.id),
        item_id=str(row.item_id),
        server_id=str(row.server_id),
        server_name=server_name,
        stage=CommandStage(row.stage),
        command=row.command,
        online_only=bool(row.online_only),
        status=CommandStatus(row.status),
        queued_at=row.queued_at,
        executed_at=row.executed_at,
        error=row.error,
    )


def load_item_row(session: Reader, item_id: int) -> Row[Any]:
    """The ``inventory_items`` row, or NotFound."""
    row = session.execute(select(ITEMS).where(ITEMS.c.id == item_id)).one_or_none()
    if row is None:
        raise NotFound(f"no item with ID {item_id}")
    return row


def load_item(session: Reader, item_id: int, now: datetime) -> InventoryItem:
    """One item with its product's name and type, or NotFound."""
    row = session.execute(
        select(*ITEM_COLUMNS)
        .join(ProductRow, ProductRow.id == InventoryItemRow.product_id)
        .where(InventoryItemRow.id == item_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no item with ID {item_id}")
    return item_from_row(row, now)
