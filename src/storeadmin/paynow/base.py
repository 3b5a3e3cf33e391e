"""State shared by the read, write and delivery halves of the PayNow store.

One :class:`PayNowClient` (pooled connections), a small thread pool for the requests
a screen needs at once, the journal, the mirror, and caches of what rarely changes
(the store itself, its game servers and products, for 60 s).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from storeadmin.core.errors import NotFound, StoreError, Unavailable, Unsupported
from storeadmin.core.models import ALL_FEATURES, Feature, GameServer, Product
from storeadmin.paynow.http import PayNowClient
from storeadmin.paynow.journal import Journal
from storeadmin.paynow.mapping import Dto, currency_code
from storeadmin.paynow.mapping_orders import to_game_server, to_product
from storeadmin.paynow.mirror import Mirror

T = TypeVar("T")

FEATURES: frozenset[Feature] = ALL_FEATURES - {
    Feature.LIST_TOKENS,
    Feature.REVOKE_ONE_TOKEN,
    Feature.TOKEN_LABELS,
    Feature.AUDIT_LOG,
    Feature.SPEND_HISTORY,
}
"""What a PayNow store can do here: no token list, single-token revoke, token labels or
expiry, own audit log (a local journal stands in) or spend history per month."""

CACHE_SECONDS = 60.0
POOL_SIZE = 6


class PayNowBase:
    """Fields and helpers of :class:`storeadmin.paynow.store.PayNowStore`."""

    def __init__(
        self,
        client: PayNowClient,
        *,
        actor: str,
        location: str,
        journal: Journal,
        mirror: Mirror,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._client = client
        self._actor = actor
        self._location = location
        self._journal = journal
        self._mirror = mirror
        self._clock = clock or (lambda: datetime.now(UTC))
        self._pool = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="paynow")
        self._cache: dict[str, tuple[float, Any]] = {}
        self._cache_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PayNowStore({self._location!r})"

    @property
    def actor(self) -> str:
        """The admin name written to journal entries."""
        return self._actor

    def _now(self) -> datetime:
        return self._clock()

    # ------------------------------------------------------------ parallel

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn`` on the pool (the requests of one screen go out together)."""
        return self._pool.submit(fn, *args)

    @staticmethod
    def _result(future: Future[T]) -> T:
        """A future's value; its StoreError is raised as is."""
        return future.result()

    # ------------------------------------------------------------ caches

    def _cached(self, key: str, load: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and now - hit[0] < CACHE_SECONDS:
                return hit[1]  # type: ignore[no-any-return]  # the cache holds any loader's value; key names the loader, so T
        value = load()
        with self._cache_lock:
            self._cache[key] = (now, value)
        return value

    def _forget(self, key: str) -> None:
        with self._cache_lock:
            self._cache.pop(key, None)

    def _store_dto(self) -> Dto:
        return self._cached("store", lambda: self._client.get(self._client.store_path()))

    def _currency(self) -> str:
        return currency_code(self._store_dto().get("currency"))

    def _game(self) -> str:
        dto = self._store_dto()
        return str(dto.get("game") or dto.get("platform") or "other")

    def _servers(self) -> tuple[GameServer, ...]:
        def load() -> tuple[GameServer, ...]:
            game = self._game()
            rows = self._client.get(self._client.store_path("/gameservers")) or []
            return tuple(
                sorted((to_game_server(d, game) for d in rows), key=lambda s: s.name.casefold())
            )

        return self._cached("servers", load)

    def _server_names(self) -> dict[str, str]:
        try:
            return {s.id: s.name for s in self._servers()}
        except StoreError:
            return {}

    def _products(self) -> tuple[Product, ...]:
        def load() -> tuple[Product, ...]:
            currency = self._currency()
            rows = self._client.get(self._client.store_path("/products")) or []
            return tuple(
                sorted((to_product(d, currency) for d in rows), key=lambda p: p.name.casefold())
            )

        return self._cached("products", load)

    def _product(self, product_id: str) -> Product:
        for product in self._products():
            if product.id == product_id:
                return product
        raise NotFound(f"no product {product_id} in the PayNow store")

    def _customer_dto(self, customer_id: str) -> Dto:
        _check_id(customer_id, "customer")
        dto = self._client.get(self._client.store_path(f"/customers/{customer_id}"))
        if not isinstance(dto, dict):
            raise Unavailable("PayNow sent no customer")
        return dto

    @staticmethod
    def _unsupported(what: str) -> Unsupported:
        return Unsupported(f"PayNow cannot {what}")

    def close(self) -> None:
        """Release the connection pool, the worker threads and the local files."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()
        self._journal.close()
        self._mirror.close()


def _check_id(value: str, what: str) -> str:
    """A PayNow flake ID (ASCII digits), else NotFound: it cannot name anything."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 20):
        raise NotFound(f"no {what} {display_id(text)} in the PayNow store (IDs are numbers)")
    return text


def display_id(value: str) -> str:
    """An ID for a message: printable, at most 40 characters."""
    cleaned = "".join(ch for ch in str(value) if ch.isprintable())
    return cleaned[:40]


check_id = _check_id
