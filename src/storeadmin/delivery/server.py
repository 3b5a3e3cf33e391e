"""Run the delivery API with uvicorn.

Loopback unless a host is given explicitly (TLS belongs in a reverse proxy in front);
uvicorn's own access log is off (ours never holds a token); SIGINT/SIGTERM stop
accepting, let in-flight requests finish (up to ``GRACE`` seconds) and close the
database pool. A request cut off by ``kill -9`` loses nothing: an attempt handed out
but not acknowledged is simply handed out again.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from typing import Any

LOOPBACK = "127.0.0.1"
GRACE = 10
"""Seconds in-flight requests get to finish on shutdown."""


class HostRefused(ValueError):
    """A bind address beyond loopback that was not asked for explicitly."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_host(host: str | None, *, explicit: bool) -> str:
    """The address to bind: loopback by default; anything else only when explicit."""
    if host is None:
        return LOOPBACK
    if not is_loopback(host) and not explicit:
        raise HostRefused(
            f"refusing to listen on {host}: beyond loopback needs --host given explicitly "
            "(and TLS from a reverse proxy in front)"
        )
    return host


def configure_logging(level: int = logging.INFO) -> None:
    """Our access and error lines on stderr; uvicorn's access log stays off."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("storeadmin.delivery", "storeadmin.delivery.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def serve(app: Any, *, host: str, port: int, log_level: str = "info") -> None:
    """Run ``app`` until SIGINT/SIGTERM (blocking)."""
    import uvicorn

    configure_logging()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level=log_level,
        timeout_graceful_shutdown=GRACE,
        server_header=False,
        lifespan="on",
    )
    uvicorn.Server(config).run()
