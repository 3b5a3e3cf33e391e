"""The constructor paths the row mappers use: same objects, same refusals."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import pytest

from storeadmin.core.models import (
    AuditEntry,
    Customer,
    InventoryItem,
    ItemSource,
    ItemState,
    Order,
    OrderStatus,
    ProductType,
    Subscription,
    trusted_constructor,
)
from storeadmin.core.money import Money

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_money_maker_is_money() -> None:
    make = Money.maker("eur")
    assert make(1250) == Money(1250, "EUR")
    assert make(1250).currency == "EUR"
    assert make(1250) is make(1250)  # equal amounts share one immutable Money
    assert make(-3) == Money(-3, "EUR")
    assert Money.maker("eur") is make


def test_money_maker_refuses_what_money_refuses() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money.maker("euro")
    make = Money.maker("USD")
    with pytest.raises(TypeError):
        make(True)  # a bool is not an amount, even though True == 1
    with pytest.raises(TypeError):
        make(1.5)  # type: ignore[arg-type]


def test_trusted_constructor_equals_the_dataclass() -> None:
    m = Money(100, "USD")
    values = ("1", "2", OrderStatus.COMPLETED, "VIP", m, m, m, m, m, m, "stripe", AT, None, None)
    made = trusted_constructor(Order)(*values)
    assert made == Order(*values)
    assert hash(made) == hash(Order(*values))
    assert trusted_constructor(Order) is trusted_constructor(Order)
    with pytest.raises(AttributeError):
        made.id = "3"  # type: ignore[misc]  # still frozen
    with pytest.raises(TypeError):
        trusted_constructor(Order)(*values[:-1])  # every field is given, no defaults


@pytest.mark.parametrize("cls", [Customer, InventoryItem, Subscription, AuditEntry])
def test_every_mapped_class_has_one(cls: type) -> None:
    maker = trusted_constructor(cls)
    assert maker.__code__.co_argcount == len(fields(cls))


def test_classes_that_check_their_values_are_refused() -> None:
    with pytest.raises(TypeError, match="__post_init__"):
        trusted_constructor(Money)


def test_item_by_trusted_constructor() -> None:
    values = (
        "1", "2", "3", "VIP", ProductType.ONE_TIME, ItemState.ACTIVE, ItemSource.MANUAL,
        None, "alice", AT, None, ("7",), None, None, None,
    )  # fmt: skip
    assert trusted_constructor(InventoryItem)(*values) == InventoryItem(*values)
