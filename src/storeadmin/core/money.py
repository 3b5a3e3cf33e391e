"""Money as integer minor units plus an ISO 4217 currency code; never floats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "BRL": "R$"}
_ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "HUF"}
_CHECKED: dict[str, str] = {}
"""Currency codes ``Money.trusted`` has validated → their normalised (upper-case) form."""
_MAKERS: dict[str, Callable[[int], Money]] = {}
"""``Money.maker`` of each currency asked for."""
MAKER_CACHE_SIZE = 4096
"""Distinct amounts a ``Money.maker`` keeps per currency (then it stops adding)."""


def minor_digits(currency: str) -> int:
    """How many minor-unit digits the currency has (2 for USD, 0 for JPY)."""
    return 0 if currency.upper() in _ZERO_DECIMAL else 2


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount of money: ``amount`` in minor units (cents) of ``currency``."""

    amount: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"Money amount must be an int of minor units, got {self.amount!r}")
        if len(self.currency) != 3 or not self.currency.isascii() or not self.currency.isalpha():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")
        if self.currency != self.currency.upper():
            object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def trusted(cls, amount: int, currency: str) -> Money:
        """Money for hot paths (mapping thousands of database rows): same invariants,
        fewer checks. A currency is validated once per distinct code; anything but a
        plain ``int`` amount goes through the full constructor (and its errors)."""
        code = _CHECKED.get(currency)
        if code is None or type(amount) is not int:
            checked = cls(amount, currency)
            _CHECKED[currency] = checked.currency
            return checked
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", code)
        return money

    @classmethod
    def maker(cls, currency: str) -> Callable[[int], Money]:
        """``amount → Money(amount, currency)`` for mapping database rows.

        Money is immutable, so equal amounts share one instance: the maker keeps the
        first ``MAKER_CACHE_SIZE`` distinct amounts it sees (prices, 0 for no discount
        or refund), and a hit costs a dict lookup. The currency is validated once;
        an amount that is not a plain ``int`` goes through the full constructor.
        """
        found = _MAKERS.get(currency)
        if found is not None:
            return found
        code = cls(0, currency).currency
        cache: dict[int, Money] = {}

        def make(amount: int) -> Money:
            if type(amount) is not int:  # bool, Decimal, …: checked (and refused) as usual
                return cls(amount, code)
            money = cache.get(amount)
            if money is None:
                money = cls.trusted(amount, code)
                if len(cache) < MAKER_CACHE_SIZE:
                    cache[amount] = money
            return money

        _MAKERS[currency] = make
        return make

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        """No money in ``currency``."""
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, factor: int) -> Money:
        """This amount multiplied by a whole number."""
        return Money(self.amount * factor, self.currency)

    def format(self, *, symbol: bool = True) -> str:
        """Human form: ``$1,234.50``, ``-€3.00``, ``¥1,200`` or ``12.00 SEK``."""
        digits = minor_digits(self.currency)
        sign = "-" if self.amount < 0 else ""
        whole, minor = divmod(abs(self.amount), 10**digits)
        number = f"{whole:,}" + (f".{minor:0{digits}d}" if digits else "")
        prefix = _SYMBOLS.get(self.currency) if symbol else None
        if self.currency == "JPY" and symbol:
            prefix = "¥"
        if prefix:
            return f"{sign}{prefix}{number}"
        return f"{sign}{number} {self.currency}"

    def plain(self) -> str:
        """Machine-friendly decimal string without grouping: ``-1234.50``."""
        digits = minor_digits(self.currency)
        sign = "-" if self.amount < 0 else ""
        whole, minor = divmod(abs(self.amount), 10**digits)
        return f"{sign}{whole}" + (f".{minor:0{digits}d}" if digits else "")

    def __str__(self) -> str:
        return self.format()


def parse_money(text: str, currency: str = "USD") -> Money:
    """Parse ``"12.50"`` / ``"12"`` / ``"-3.5"`` into Money without going through float."""
    cleaned = text.strip().replace(",", "")
    for symbol in (*_SYMBOLS.values(), "¥"):
        cleaned = cleaned.replace(symbol, "")
    negative = cleaned.startswith("-")
    if cleaned[:1] in ("+", "-"):
        cleaned = cleaned[1:]
    digits = minor_digits(currency)
    whole, _, fraction = cleaned.partition(".")
    if not whole.isascii() or not (whole.isdigit() or (whole == "" and fraction)):
        raise ValueError(f"not an amount: {text!r}")
    if fraction and (not fraction.isascii() or not fraction.isdigit() or len(fraction) > digits):
        raise ValueError(f"{currency} amounts have at most {digits} decimals: {text!r}")
    amount = int(whole or "0") * 10**digits + int((fraction or "").ljust(digits, "0") or "0")
    return Money(-amount if negative else amount, currency)
