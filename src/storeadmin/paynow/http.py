"""The HTTP client of the Management API: one pooled httpx client, safe retries, typed errors.

Why httpx: one ``httpx.Client`` keeps TLS connections alive across the dozen requests a
details screen makes (a new TLS handshake per request would double the latency), it is
thread-safe so the detail requests can run in parallel on one pool, it has separate
connect/read timeouts, and its ``MockTransport`` lets the tests swap the network for an
in-process fake validated against the OpenAPI contract.

Retries: reads (GET) are retried with exponential backoff on a transport error or a
5xx; any request is retried on 429 (the server refused it, so nothing happened),
honouring ``Retry-After`` up to :data:`MAX_RETRY_AFTER` seconds. A write is never
retried after a timeout or a 5xx: it may have been applied.

Every failure becomes one :class:`~storeadmin.core.errors.StoreError` with one clear
line. The API key is sent by :class:`_APIKeyAuth` and redacted from every message.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from storeadmin.core.errors import Conflict, Invalid, NotFound, StoreError, Unavailable
from storeadmin.paynow.location import ApiKey

log = logging.getLogger("storeadmin.paynow")

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_ATTEMPTS = 3
"""Tries of one safe request (the first and two retries)."""
BACKOFF = 0.25
"""First backoff in seconds; doubled per retry."""
MAX_RETRY_AFTER = 10.0
"""Longest ``Retry-After`` waited for inside a call; longer ones are reported instead."""
PAGE_LIMIT = 100
"""PayNow's largest page (``limit`` 1–100)."""

Params = Mapping[str, str | int | bool | list[str]]


class KeyRejected(Unavailable):
    """PayNow answered 401/403: the API key is wrong, revoked or lacks a permission."""


class RateLimited(Unavailable):
    """PayNow answered 429 and asked for a longer wait than a call waits."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"PayNow rate limited — retry in {max(1, round(retry_after))} s")


class _APIKeyAuth(httpx.Auth):
    """Adds ``Authorization: APIKey <key>`` to each request; its repr shows no key."""

    def __init__(self, key: ApiKey) -> None:
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"APIKey {self._key.reveal()}"
        yield request

    def __repr__(self) -> str:
        return "_APIKeyAuth(***)"


def retry_after_seconds(response: httpx.Response, now: Callable[[], float] = time.time) -> float:
    """``Retry-After`` as seconds (delta or HTTP date); 1 s when absent or unreadable."""
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return 1.0
    if raw.isascii() and raw.isdigit():
        return float(raw)
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - now())
    except (TypeError, ValueError, IndexError):
        return 1.0


class PayNowClient:
    """Blocking, thread-safe client of one store's Management API."""

    def __init__(
        self,
        api_url: str,
        store_id: str,
        api_key: ApiKey,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_retry_after: float = MAX_RETRY_AFTER,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.store_id = store_id
        self._key = api_key
        self._sleep = sleep
        self._max_retry_after = max_retry_after
        self._http = httpx.Client(
            base_url=api_url,
            auth=_APIKeyAuth(api_key),
            timeout=timeout or httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            headers={"Accept": "application/json", "User-Agent": "storeadmin"},
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"PayNowClient(store_id={self.store_id!r})"

    # ------------------------------------------------------------ paths

    def store_path(self, suffix: str = "", *, version: int = 1) -> str:
        """``/v1/stores/{storeId}`` + suffix."""
        return f"/v{version}/stores/{self.store_id}{suffix}"

    # ------------------------------------------------------------ verbs

    def get(self, path: str, params: Params | None = None) -> Any:
        """GET and parse JSON (retried: a read is safe)."""
        return self.request("GET", path, params=params)

    def post(self, path: str, body: object | None = None) -> Any:
        """POST a JSON body (retried only on 429)."""
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: object) -> Any:
        """PATCH a JSON body (retried only on 429)."""
        return self.request("PATCH", path, body=body)

    def delete(self, path: str) -> Any:
        """DELETE (retried only on 429)."""
        return self.request("DELETE", path)

    def paged(
        self,
        path: str,
        params: Params | None = None,
        *,
        limit: int = PAGE_LIMIT,
        key: str = "id",
        max_pages: int | None = None,
    ) -> Iterator[Any]:
        """Every element of a keyset-paged list (``after`` = the last element's ``key``)."""
        pages = 0
        after: str | None = None
        while True:
            query: dict[str, Any] = dict(params or {})
            query["limit"] = limit
            if after is not None:
                query["after"] = after
            page = self.get(path, query)
            if not isinstance(page, list):
                raise Unavailable("PayNow answered a list request with something else")
            yield from page
            pages += 1
            if len(page) < limit or (max_pages is not None and pages >= max_pages):
                return
            after = str(page[-1][key])

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # ------------------------------------------------------------ core

    def request(
        self, method: str, path: str, *, params: Params | None = None, body: object | None = None
    ) -> Any:
        """Send one request with the retry policy of the module docstring; parsed JSON or None."""
        safe = method == "GET"
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                response = self._http.request(
                    method,
                    path,
                    params=_query(params),
                    json=body if body is not None else None,
                )
            except httpx.TimeoutException:
                log.info("%s %s timed out (attempt %d)", method, path, attempt)
                if safe and attempt < MAX_ATTEMPTS:
                    self._backoff(attempt)
                    continue
                raise Unavailable(self._timeout_message(safe)) from None
            except httpx.TransportError as error:
                log.info(
                    "%s %s failed: %s (attempt %d)", method, path, type(error).__name__, attempt
                )
                if safe and attempt < MAX_ATTEMPTS:
                    self._backoff(attempt)
                    continue
                raise Unavailable(
                    "PayNow unreachable: check the network or $PAYNOW_API_URL"
                    + ("" if safe else " (nothing was sent or the change may not be saved: reload)")
                ) from None
            elapsed = (time.perf_counter() - started) * 1000
            log.debug("%s %s → %d in %.0f ms", method, path, response.status_code, elapsed)
            status = response.status_code
            if status == 429:
                wait = retry_after_seconds(response)
                if attempt < MAX_ATTEMPTS and wait <= self._max_retry_after:
                    self._sleep(wait)
                    continue
                raise RateLimited(wait)
            if status >= 500 and safe and attempt < MAX_ATTEMPTS:
                self._backoff(attempt)
                continue
            return self._parse(response, safe=safe)

    def _backoff(self, attempt: int) -> None:
        self._sleep(BACKOFF * 2 ** (attempt - 1))

    @staticmethod
    def _timeout_message(safe: bool) -> str:
        if safe:
            return "PayNow unreachable: no answer in time (timed out); try again"
        return "PayNow did not answer in time: the change may or may not be saved — reload to check"

    def _parse(self, response: httpx.Response, *, safe: bool) -> Any:
        """JSON of a 2xx, else the typed error for the status."""
        status = response.status_code
        if 200 <= status < 300:
            if status == 204 or not response.content:
                return None
            try:
                return response.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise Unavailable("PayNow sent an answer that is not JSON") from None
        raise self._error(response, safe=safe)

    def _error(self, response: httpx.Response, *, safe: bool) -> StoreError:
        status = response.status_code
        message, fields = _error_details(response)
        message = self._key.redact(message)
        if status in (401, 403):
            detail = "" if status == 401 else " (it lacks the permission for this)"
            return KeyRejected(f"PayNow rejected the API key{detail}: check $PAYNOW_API_KEY")
        if status == 404:
            return NotFound(message or "not found in the PayNow store")
        if status == 409:
            return Conflict(message or "PayNow refused: it conflicts with the current state")
        if status in (400, 422):
            cleaned = {k: self._key.redact(v) for k, v in fields.items()}
            detail = "; ".join(f"{k}: {v}" for k, v in cleaned.items())
            line = f"PayNow refused: {message or 'invalid request'}" + (
                f" ({detail})" if detail else ""
            )
            return Invalid(cleaned or {"request": message or "refused"}, line)
        if status >= 500:
            tail = "; try again" if safe else "; the change may not be saved — reload to check"
            return Unavailable(f"PayNow error {status}{tail}")
        return Unavailable(f"PayNow refused the request ({status}): {message or 'no reason given'}")


def _query(params: Params | None) -> dict[str, Any] | None:
    """httpx query params with booleans spelled ``true``/``false`` as the API expects."""
    if not params:
        return None
    query: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, bool):
            query[key] = "true" if value else "false"
        else:
            query[key] = value
    return query


def _error_details(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """``PayNowError.message`` (one line, ≤ 200 chars) and ``errors`` as path → message."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "", {}
    if not isinstance(data, dict):
        return "", {}
    message = " ".join(str(data.get("message") or "").split())[:200]
    fields: dict[str, str] = {}
    for item in data.get("errors") or ():
        if isinstance(item, dict):
            path = str(item.get("path") or "request")
            fields[path] = " ".join(str(item.get("message") or "invalid").split())[:200]
    return message, fields
