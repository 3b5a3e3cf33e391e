"""An access log that cannot leak a token: it never reads headers or the query string.

One line per request: client address, method, path, status, duration, the
authenticated server's id (when there is one) and the trace id of an error body.
Paths are cut short and made printable (a game server chooses them).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from storeadmin.delivery.wire import clean

access = logging.getLogger("storeadmin.delivery.access")

Scope = dict[str, Any]
Message = dict[str, Any]


class AccessLog:
    """Pure ASGI middleware around an app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            state = scope.get("state") or {}
            client = scope.get("client")
            access.info(
                "%s %s %s %d %.1fms server=%s trace=%s",
                client[0] if client else "-",
                scope.get("method", "-"),
                clean(str(scope.get("path", "")), 200),
                status,
                (time.perf_counter() - started) * 1000,
                state.get("server_id", "-"),
                state.get("trace_id", "-"),
            )
