"""Where a PayNow store is and how storeadmin authenticates to it.

A PayNow store is named ``paynow://<store id>`` like any other location. The API's
base URL is ``https://api.paynow.gg``, overridable with ``$PAYNOW_API_URL`` (tests,
proxies). The API key comes from ``$PAYNOW_API_KEY`` or ``paynow_api_key`` in the
config file (which ``read_config_file`` refuses when others can read it) — never
from the command line. It lives in an :class:`ApiKey`, whose repr and str never
show it, so a crash screen that prints locals or a log line cannot leak it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from storeadmin.config import ConfigError, read_config_file
from storeadmin.core.errors import Invalid

SCHEME = "paynow://"
DEFAULT_API_URL = "https://api.paynow.gg"
API_URL_ENV = "PAYNOW_API_URL"
API_KEY_ENV = "PAYNOW_API_KEY"
API_KEY_CONFIG = "paynow_api_key"

_STORE_ID = re.compile(r"[0-9]{1,20}")
"""A PayNow flake ID: ASCII digits (``int()`` would accept fullwidth digits and ``_``)."""


class ApiKey:
    """A PayNow API key that never shows itself: repr/str are ``ApiKey(***)``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        cleaned = value.strip()
        if not cleaned or not cleaned.isascii() or not cleaned.isprintable():
            raise ConfigError(
                f"the PayNow API key in ${API_KEY_ENV} or `{API_KEY_CONFIG}` is empty or "
                "holds a line break or non-ASCII character"
            )
        self._value = cleaned

    def reveal(self) -> str:
        """The key itself, for the Authorization header only."""
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the key replaced by ``***``."""
        return text.replace(self._value, "***") if self._value in text else text

    def __repr__(self) -> str:
        return "ApiKey(***)"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("an API key is not pickled")


@dataclass(frozen=True, slots=True)
class PayNowLocation:
    """A parsed ``paynow://<store id>`` location with its base URL and key."""

    store_id: str
    api_url: str
    api_key: ApiKey = field(repr=False)

    @property
    def location(self) -> str:
        """The location as the user names it (no secret in it)."""
        return f"{SCHEME}{self.store_id}"


def is_paynow_location(location: str) -> bool:
    """True for ``paynow://…`` locations."""
    return location.strip().lower().startswith(SCHEME)


def parse_store_id(location: str) -> str:
    """The store ID of ``paynow://<store id>``, or Invalid with the expected form."""
    text = location.strip()
    if not text.lower().startswith(SCHEME):
        raise Invalid({"store": "expected paynow://<store id>"})
    store_id = text[len(SCHEME) :].strip("/")
    if not _STORE_ID.fullmatch(store_id):
        raise Invalid(
            {"store": "a PayNow store ID is a number (e.g. paynow://411486491630370816)"},
        )
    return store_id


def resolve_api_url(environ: dict[str, str] | None = None) -> str:
    """``$PAYNOW_API_URL`` or the public API, without a trailing slash."""
    env = os.environ if environ is None else environ
    url = (env.get(API_URL_ENV) or DEFAULT_API_URL).strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise ConfigError(f"${API_URL_ENV} must start with https:// (got {url[:40]!r})")
    return url


def resolve_api_key(environ: dict[str, str] | None = None) -> ApiKey:
    """The API key from ``$PAYNOW_API_KEY``, else the config file; ConfigError if none."""
    env = os.environ if environ is None else environ
    value = env.get(API_KEY_ENV)
    if value:
        return ApiKey(value)
    configured = read_config_file().get(API_KEY_CONFIG)
    if isinstance(configured, str) and configured.strip():
        return ApiKey(configured)
    raise ConfigError(
        f'no PayNow API key: set ${API_KEY_ENV} or `{API_KEY_CONFIG} = "…"` in the '
        "config file (chmod 600); it is never taken from the command line"
    )


def resolve_location(location: str, environ: dict[str, str] | None = None) -> PayNowLocation:
    """Parse the location and find the base URL and key for it."""
    return PayNowLocation(
        store_id=parse_store_id(location),
        api_url=resolve_api_url(environ),
        api_key=resolve_api_key(environ),
    )


HINT = (
    "check the store ID, $PAYNOW_API_KEY (or paynow_api_key in the config file) and "
    "the network; $PAYNOW_API_URL overrides https://api.paynow.gg"
)
"""What to check when a PayNow store cannot be opened."""


def label(location: str) -> str:
    """The location for headers and errors: ``paynow://<id>`` (it holds no secret)."""
    text = location.strip()
    return SCHEME + text[len(SCHEME) :].strip("/") if is_paynow_location(text) else text
