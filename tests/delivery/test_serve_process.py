"""``serve`` as a real process on 127.0.0.1: killed with -9 between delivery and ack,
the attempt is delivered again after a restart; SIGTERM shuts it down gracefully; it
refuses to listen beyond loopback unless the host was given explicitly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.delivery.conftest import Store

from storeadmin.delivery.server import HostRefused, resolve_host

QUEUE = "/v1/delivery/command-queue/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(url: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``storeadmin serve`` on a free loopback port; yields (process, base URL)."""
    port = _free_port()
    command = [sys.executable, "-m", "storeadmin", "serve", "--db", url, "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and process.poll() is None:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        assert process.poll() is None, log.read_text()
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=20)


def test_kill_9_between_delivery_and_ack_delivers_again(
    sqlite_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    attempt = sqlite_store.attempt(
        sqlite_store.item(sqlite_store.customer(), sqlite_store.product())
    )
    headers = {"Authorization": f"Gameserver {sqlite_store.token}"}
    log = tmp_path / "serve.log"
    with serve(sqlite_url, log) as (process, base):
        [first] = httpx.post(base + QUEUE, json={"steam_ids": []}, headers=headers).json()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with serve(sqlite_url, log) as (_process, base):
        [again] = httpx.post(base + QUEUE, json={"steam_ids": []}, headers=headers).json()
        assert first["attempt_id"] == again["attempt_id"] == attempt
        ack = httpx.request("DELETE", base + QUEUE, json=[{"attempt_id": attempt}], headers=headers)
        assert ack.status_code == 204
    read = sqlite_store.admin.get_command_attempt(attempt)
    assert (read.delivered_count, read.status.value) == (2, "executed")
    assert sqlite_store.token not in log.read_text()


def test_sigterm_shuts_down_gracefully(
    sqlite_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with serve(sqlite_url, log) as (process, base):
        headers = {"Authorization": f"Gameserver {sqlite_store.token}"}
        assert httpx.get(base + QUEUE, headers=headers).status_code == 200
        process.send_signal(signal.SIGTERM)
        # uvicorn finishes in-flight requests and the lifespan, then re-raises the signal.
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in log.read_text()


def test_beyond_loopback_needs_an_explicit_host() -> None:
    assert resolve_host(None, explicit=False) == "127.0.0.1"
    assert resolve_host("::1", explicit=False) == "::1"
    with pytest.raises(HostRefused):
        resolve_host("0.0.0.0", explicit=False)
    assert resolve_host("0.0.0.0", explicit=True) == "0.0.0.0"
