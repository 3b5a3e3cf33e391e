"""The ASGI app of ``storeadmin serve``: PayNow's game-server API over a DeliveryService.

Every route of ``gameserver-api.json``, each with and without a trailing slash (the
Java, Rust and FiveM plugins send ``/command-queue/``). A request is: rate-limited by
its token → authenticated (``Authorization: Gameserver <token>``) → parsed strictly →
served by the service in a worker thread. Errors are PayNowError JSON. The service is
blocking and thread-safe; the app holds no other state than the rate limiter.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storeadmin.core.delivery import AuthenticatedServer, DeliveryService, Unauthenticated
from storeadmin.core.errors import StoreError
from storeadmin.delivery import wire
from storeadmin.delivery.access_log import AccessLog
from storeadmin.delivery.errors import (
    ApiError,
    error_response,
    from_store_error,
    new_trace_id,
    validation_error,
)
from storeadmin.delivery.limits import MAX_BODY, RateLimiter, decode_json, read_body, too_many

log = logging.getLogger("storeadmin.delivery")

Handler = Callable[[Request, AuthenticatedServer, bytes], Response]
"""A request's work once authenticated; runs in a worker thread."""
PREFIX = "/v1/delivery"


def _token(request: Request) -> str:
    """The token of ``Authorization: Gameserver <token>``; 401 without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "gameserver" or not token.strip():
        raise ApiError(401, "missing game server token (Authorization: Gameserver <token>)")
    return token.strip()


class DeliveryApi:
    """The endpoints, bound to one service, limiter and body limit."""

    def __init__(
        self,
        service: DeliveryService,
        *,
        limiter: RateLimiter,
        failures: RateLimiter | None = None,
        max_body: int = MAX_BODY,
        poll_limit: int = 500,
    ) -> None:
        self.service = service
        self.limiter = limiter
        self.failures = failures or RateLimiter(rate=1.0, burst=30)
        """Failed authentications per client address: a token-guessing flood is 429'd."""
        self.max_body = max_body
        self.poll_limit = poll_limit

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a handler with rate limiting, authentication and error mapping.

        The bounded body is read first; then one worker thread authenticates, parses
        and calls the service, so a request costs one thread hop.
        """

        async def run(request: Request) -> Response:
            trace_id = new_trace_id()
            request.state.trace_id = trace_id
            client = "ip:" + (request.client.host if request.client is not None else "-")
            try:
                wait = self.failures.blocked(client)
                if wait is not None:
                    raise too_many(wait)
                token = _token(request)
                key = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
                wait = self.limiter.check(key)
                if wait is not None:
                    raise too_many(wait)
                raw = await read_body(request, limit=self.max_body)

                def work() -> Response:
                    try:
                        server = self.service.authenticate(token)
                    except Unauthenticated:
                        self.failures.check(client)
                        raise
                    request.state.server_id = server.id
                    return handler(request, server, raw)

                return await run_in_threadpool(work)
            except ApiError as error:
                if error.status == 401:
                    self.failures.check(client)
                return error_response(error, trace_id)
            except wire.WireError as error:
                return error_response(validation_error(error.message, error.path), trace_id)
            except StoreError as error:
                return error_response(from_store_error(error), trace_id)
            except Exception:
                log.exception("unexpected error (trace %s)", trace_id)
                return error_response(ApiError(500, "internal error"), trace_id)

        return run

    # ------------------------------------------------------------ handlers (worker thread)

    def link(self, request: Request, server: AuthenticatedServer, raw: bytes) -> Response:
        """POST /gameserver/link → LinkGameServerResponseDto."""
        link = wire.parse_link(decode_json(raw, empty=wire.NO_BODY))
        return JSONResponse(wire.link_json(self.service.link(server.id, link)))

    def queue(self, request: Request, server: AuthenticatedServer, raw: bytes) -> Response:
        """GET/POST = poll, DELETE = bulk acknowledge."""
        if request.method == "DELETE":
            return self.ack_bulk(request, server, raw)
        online = None
        if request.method == "POST":
            online = wire.parse_online(decode_json(raw, empty=wire.NO_BODY))
        commands = self.service.poll(server.id, online, limit=self.poll_limit)
        return JSONResponse(wire.queued_json(commands))

    def ack_bulk(self, request: Request, server: AuthenticatedServer, raw: bytes) -> Response:
        """DELETE /command-queue and POST /command-queue/acknowledge → 204."""
        ids = wire.parse_acks(decode_json(raw, empty=wire.NO_BODY))
        return self._ack(request, server, ids)

    def ack_one(self, request: Request, server: AuthenticatedServer, raw: bytes) -> Response:
        """DELETE /command-queue/{attemptId} → 204."""
        return self._ack(request, server, [str(request.path_params["attempt_id"])[:64]])

    def _ack(self, request: Request, server: AuthenticatedServer, ids: list[str]) -> Response:
        peer = request.client.host if request.client is not None else None
        result = self.service.acknowledge(server.id, ids, peer_ip=peer)
        if result.unknown:
            raise ApiError(404, f"{len(result.unknown)} unknown command attempt(s)")
        return Response(status_code=204)

    def events(self, request: Request, server: AuthenticatedServer, raw: bytes) -> Response:
        """POST /events → 204."""
        joins = wire.parse_events(decode_json(raw, empty=wire.NO_BODY))
        self.service.record_events(server.id, joins)
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        """Every route, with and without a trailing slash."""
        table: list[tuple[str, Handler, list[str]]] = [
            ("/gameserver/link", self.link, ["POST"]),
            ("/command-queue", self.queue, ["GET", "POST", "DELETE"]),
            ("/command-queue/acknowledge", self.ack_bulk, ["POST"]),
            ("/command-queue/{attempt_id}", self.ack_one, ["DELETE"]),
            ("/events", self.events, ["POST"]),
        ]
        routes: list[Route] = []
        for path, handler, methods in table:
            wrapped = self.endpoint(handler)
            for variant in (path, path + "/"):
                routes.append(Route(PREFIX + variant, wrapped, methods=methods))
        return routes


async def _http_error(request: Request, error: Exception) -> Response:
    status = error.status_code if isinstance(error, HTTPException) else 500
    headers = dict(error.headers or {}) if isinstance(error, HTTPException) else {}
    message = {404: "no such route", 405: "method not allowed"}.get(status, "error")
    return error_response(ApiError(status, message, headers=headers), new_trace_id())


def create_app(
    service: DeliveryService,
    *,
    limiter: RateLimiter | None = None,
    max_body: int = MAX_BODY,
    poll_limit: int = 500,
    sweep_interval: float | None = 60.0,
    access_log: bool = True,
) -> Any:
    """The ASGI app; runs the expiry sweep every ``sweep_interval`` seconds (None: never)."""
    api = DeliveryApi(
        service, limiter=limiter or RateLimiter(), max_body=max_body, poll_limit=poll_limit
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = None
        if sweep_interval is not None:
            task = asyncio.create_task(_sweep_forever(service, sweep_interval))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = Starlette(
        routes=api.routes(),
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    return AccessLog(app) if access_log else app


async def _sweep_forever(service: DeliveryService, interval: float) -> None:
    """Sweep expired items now and then every ``interval`` seconds; errors are logged."""
    while True:
        try:
            result = await run_in_threadpool(service.sweep_expired)
            if result.items:
                log.info(
                    "expiry sweep: %d items, %d commands queued", result.items, result.commands
                )
        except StoreError as error:
            log.warning("expiry sweep skipped: %s", error)
        await asyncio.sleep(interval)
