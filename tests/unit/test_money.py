"""Money: integer minor units, formatting and parsing without floats."""

from __future__ import annotations

import pytest

from storeadmin.core.money import Money, minor_digits, parse_money


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        (Money(123450), "$1,234.50"),
        (Money(0), "$0.00"),
        (Money(5), "$0.05"),
        (Money(-5), "-$0.05"),
        (Money(-300, "EUR"), "-€3.00"),
        (Money(999, "GBP"), "£9.99"),
        (Money(1200, "JPY"), "¥1,200"),
        (Money(1200, "KRW"), "1,200 KRW"),
        (Money(1200, "SEK"), "12.00 SEK"),
        (Money(123456789012, "USD"), "$1,234,567,890.12"),
        (Money(100, "BRL"), "R$1.00"),
    ],
)
def test_format(money: Money, expected: str) -> None:
    assert money.format() == expected
    assert str(money) == expected


def test_format_without_symbol_and_plain() -> None:
    assert Money(123450).format(symbol=False) == "1,234.50 USD"
    assert Money(1200, "JPY").format(symbol=False) == "1,200 JPY"
    assert Money(-123450).plain() == "-1234.50"
    assert Money(1200, "JPY").plain() == "1200"
    assert Money(7).plain() == "0.07"


def test_construction() -> None:
    assert Money(1, "usd").currency == "USD"
    assert Money.zero("eur") == Money(0, "EUR")
    assert minor_digits("jpy") == 0
    assert minor_digits("USD") == 2
    for amount in (1.5, True, "100", None):
        with pytest.raises(TypeError):
            Money(amount)  # type: ignore[arg-type]
    for currency in ("US", "USDX", "U5D", "ＵＳＤ", ""):
        with pytest.raises(ValueError, match="ISO 4217"):
            Money(1, currency)


def test_arithmetic() -> None:
    assert Money(150) + Money(50) == Money(200)
    assert Money(150) - Money(200) == Money(-50)
    assert -Money(5) == Money(-5)
    assert Money(333).times(3) == Money(999)
    assert Money(1) < Money(2)
    with pytest.raises(ValueError, match="cannot combine"):
        Money(1) + Money(1, "EUR")
    with pytest.raises(ValueError, match="cannot combine"):
        Money(1) - Money(1, "EUR")


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("12.50", "USD", 1250),
        ("12", "USD", 1200),
        ("12.5", "USD", 1250),
        ("-3.5", "USD", -350),
        (".5", "USD", 50),
        ("0", "USD", 0),
        ("0.01", "USD", 1),
        (" 7.00 ", "USD", 700),
        ("$1,234.50", "USD", 123450),
        ("-$5", "USD", -500),
        ("€3", "EUR", 300),
        ("1200", "JPY", 1200),
        ("¥1,200", "JPY", 1200),
        ("+4", "USD", 400),
        ("0.10", "USD", 10),  # exact: 0.1 + 0.2 style float errors cannot happen
        ("99999999999999999.99", "USD", 9999999999999999999),
    ],
)
def test_parse_money(text: str, currency: str, amount: int) -> None:
    assert parse_money(text, currency) == Money(amount, currency)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("", "USD"),
        (".", "USD"),
        ("abc", "USD"),
        ("1.234", "USD"),  # too many decimals
        ("12.5", "JPY"),  # JPY has none
        ("１２", "USD"),  # fullwidth digits
        ("1_000", "USD"),  # int() would accept underscores
        ("1 000", "USD"),
        ("1e3", "USD"),
        ("12.-5", "USD"),
        ("5-", "USD"),
        ("1.2.3", "USD"),
        ("nan", "USD"),
        ("inf", "USD"),
        ("0x10", "USD"),
        ("12.٥", "USD"),  # Arabic-Indic digit in the fraction
    ],
)
def test_parse_money_refused(text: str, currency: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        parse_money(text, currency)


@pytest.mark.parametrize("text", ["+-5", "--5", "-+5"])
def test_parse_money_refuses_repeated_signs(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        parse_money(text)
