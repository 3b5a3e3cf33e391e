"""Fixtures: the fake PayNow behind a contract-validating transport, and a store on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from paynow.contract import ValidatingTransport
from paynow.fake import API_KEY, STORE_ID, FakePayNow
from paynow.prism import Prism, PrismUnavailable, start_prism
from storeadmin.paynow import PayNowStore, open_paynow_store

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ENV = {"PAYNOW_API_KEY": API_KEY, "PAYNOW_API_URL": "https://api.paynow.gg"}


@pytest.fixture
def fake() -> FakePayNow:
    """A fresh fake store."""
    return FakePayNow()


@pytest.fixture
def transport(fake: FakePayNow) -> ValidatingTransport:
    """The fake behind contract validation of every request and response."""
    return ValidatingTransport(httpx.MockTransport(fake.handler))


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff / Retry-After waits the client asked for (nothing really sleeps)."""
    return []


@pytest.fixture
def store(
    transport: ValidatingTransport, tmp_path: Path, sleeps: list[float]
) -> Iterator[PayNowStore]:
    """A PayNow store on the fake, with its journal and mirror in ``tmp_path``."""
    service = open_paynow_store(
        f"paynow://{STORE_ID}",
        actor="alice-admin",
        clock=lambda: NOW,
        transport=transport,
        environ=ENV,
        home=tmp_path,
        sleep=sleeps.append,
    )
    yield service
    service.close()


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    """Prism serving the contract on 127.0.0.1: skipped locally when it cannot run, a
    failure under CI=true (CI must install and run it)."""
    try:
        server = start_prism(tmp_path_factory.mktemp("prism"))
    except PrismUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Prism is required in CI: {error}")
        pytest.skip(f"Prism unavailable: {error}")
    yield server
    server.stop()
