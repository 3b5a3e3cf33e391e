"""Conformance with PayNow's official ``gameserver-api.json``: schemathesis against a
real uvicorn on 127.0.0.1 with a valid token — response schemas, status codes, content
types, and no 5xx for any generated input. Bounded: a few examples per operation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, settings
from tests.delivery.conftest import open_store

from storeadmin.data import open_sql_store
from storeadmin.delivery.app import create_app
from storeadmin.delivery.limits import RateLimiter

SPEC = Path(__file__).resolve().parent / "spec" / "gameserver-api.json"
"""PayNow's official spec, vendored unchanged (MIT, see spec/LICENSE) so CI needs nothing
beside the repository; ``shared/reference/paynow-openapi`` holds the same file."""

schema = schemathesis.openapi.from_path(SPEC)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, token) of a uvicorn serving a small store on 127.0.0.1."""
    path = tmp_path_factory.mktemp("conformance") / "store.sqlite3"
    open_sql_store(str(path), actor="setup").close()
    store = open_store(f"sqlite:///{path}")
    item = store.item(
        store.customer(), store.product(), expires_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    for index in range(3):
        store.attempt(item, f"say {index}")
    app = create_app(
        store.delivery, limiter=RateLimiter(rate=10_000, burst=10_000), sweep_interval=None
    )
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", store.token
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        store.engine.dispose()


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_api_conforms_to_the_official_spec(
    case: schemathesis.Case, running: tuple[str, str]
) -> None:
    base_url, token = running
    case.call_and_validate(base_url=base_url, headers={"Authorization": f"Gameserver {token}"})
