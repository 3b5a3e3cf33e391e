"""Per-token rate limiting and bounded request bodies.

The limiter is a token bucket per presented credential (keyed by the token's hash,
so no secret is held), checked before the database is touched, so a flood from one
token costs neither the database nor the other servers. It is per process: several
``serve`` processes each allow the rate.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from storeadmin.delivery.errors import ApiError, validation_error

MAX_BODY = 256 * 1024
"""Largest request body accepted (5,000 SteamIDs are ~110 KB)."""


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second, bursts of ``burst``."""

    def __init__(
        self,
        *,
        rate: float = 5.0,
        burst: int = 30,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, key: str) -> float | None:
        """Without taking anything: None if a request would pass, else the wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return None
            tokens = min(self._burst, bucket.tokens + (now - bucket.stamp) * self._rate)
            return None if tokens >= 1.0 else (1.0 - tokens) / self._rate

    def check(self, key: str) -> float | None:
        """Take one request; None if allowed, else seconds until the next is."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                bucket = _Bucket(tokens=self._burst, stamp=now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.stamp) * self._rate)
            bucket.stamp = now
            self._buckets[key] = bucket
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self._rate


def too_many(wait: float) -> ApiError:
    """The 429 for a limited token, with ``Retry-After`` in whole seconds."""
    return ApiError(
        429,
        "too many requests from this game server; slow down",
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


async def read_body(request: Request, *, limit: int = MAX_BODY) -> bytes:
    """The raw request body, at most ``limit`` bytes (413 beyond, also when chunked)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad Content-Length")
        if int(declared) > limit:
            raise ApiError(413, f"request body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json(raw: bytes, *, empty: Any = ...) -> Any:
    """``raw`` as JSON (400 if malformed); ``empty`` is what an empty body means (by
    default an empty body is malformed)."""
    if not raw.strip():
        if empty is ...:
            raise validation_error("a JSON body is required", "$")
        return empty
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "the request body is not valid JSON") from None
