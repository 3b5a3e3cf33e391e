"""The distinct metadata keys search looks an input up under, cached by the service."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from storeadmin.data.base import Reader
from storeadmin.data.search.sql import metadata_keys

METADATA_KEYS_TTL_S = 60.0
"""How long the distinct metadata keys are reused (other processes may add keys)."""


class MetadataKeys:
    """The distinct metadata keys, read at most once per ``ttl`` seconds (thread-safe).

    The service clears it after it replaces metadata; keys added by another process
    show up within ``ttl``. A stale list only misses values under a brand-new key.
    """

    def __init__(
        self, ttl: float = METADATA_KEYS_TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl, self._clock = ttl, clock
        self._lock = threading.Lock()
        self._keys: list[str] | None = None
        self._read_at = 0.0

    def get(self, session: Reader) -> list[str]:
        """The cached keys, or the keys read through ``session`` when stale."""
        fresh = self.peek()
        if fresh is not None:
            return fresh
        keys = metadata_keys(session)
        with self._lock:
            self._keys, self._read_at = keys, self._clock()
        return keys

    def peek(self) -> list[str] | None:
        """The cached keys while fresh, else None (nothing is read)."""
        with self._lock:
            if self._keys is not None and self._clock() - self._read_at < self._ttl:
                return self._keys
        return None

    def clear(self) -> None:
        """Forget the keys (after a metadata write)."""
        with self._lock:
            self._keys = None
