"""Prism (``@stoplight/prism-cli`` 5.12.0, Node 20) serving the contract as a mock.

``start_prism`` installs Prism into a cache dir with npm when it is not there yet
(``$STOREADMIN_PRISM_DIR``, default ``~/.cache/storeadmin-prism``), starts it on a free
127.0.0.1 port and waits until it listens. Without npm, or when the install fails, it
raises ``PrismUnavailable`` with one reason; the fixture skips on that locally and fails
under ``CI=true``.

Prism validates every request against the spec and answers a violation with 422; its
log names each one (``Violation: request…``), which ``violations`` returns.

One example is changed in the copy Prism serves: a boolean's static mock value is
``true``, so every ``POST /bans/check`` would say "banned" and every assign would be
refused. The copy sets ``is_banned``'s example to ``false``; no schema changes.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from paynow.contract import spec

PRISM_VERSION = "5.12.0"
START_TIMEOUT = 90.0


class PrismUnavailable(Exception):
    """Prism cannot be installed or started here; the message says why."""


@dataclass
class Prism:
    """A running Prism mock."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def violations(self) -> list[str]:
        """Every request Prism found breaking the contract (it answered those 422)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [line.strip() for line in text.splitlines() if "Violation: request" in line]

    def stop(self) -> None:
        """Stop the process."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def prism_dir() -> Path:
    """Where Prism is installed."""
    override = os.environ.get("STOREADMIN_PRISM_DIR")
    return Path(override) if override else Path.home() / ".cache" / "storeadmin-prism"


def ensure_prism() -> Path:
    """The prism executable, installed with npm on first use."""
    root = prism_dir()
    binary = root / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise PrismUnavailable("Prism needs Node.js and npm, and npm is not on PATH")
    root.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(root),
                f"@stoplight/prism-cli@{PRISM_VERSION}",
            ],
            capture_output=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PrismUnavailable("npm install @stoplight/prism-cli timed out after 600 s") from None
    if done.returncode != 0 or not binary.exists():
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise PrismUnavailable(
            f"npm install @stoplight/prism-cli@{PRISM_VERSION} failed: {tail[0]}"
        )
    return binary


def served_spec(directory: Path) -> Path:
    """The contract with ``is_banned``'s example set to false (module docstring)."""
    copy = json.loads(json.dumps(spec()))
    props = copy["components"]["schemas"]["CheckForBanIDByIdentitiesResponseDto"]["properties"]
    props["is_banned"]["example"] = False
    path = directory / "management-api.json"
    path.write_text(json.dumps(copy), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_prism(directory: Path) -> Prism:
    """Install if needed, start on 127.0.0.1 and wait until it listens."""
    binary = ensure_prism()
    document = served_spec(directory)
    port = _free_port()
    log = directory / "prism.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(document)],
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PrismUnavailable(f"Prism exited with {process.returncode}: see {log}")
        if "Prism is listening" in log.read_text(encoding="utf-8", errors="replace"):
            return Prism(url=f"http://127.0.0.1:{port}", process=process, log=log)
        time.sleep(0.25)
    process.kill()
    raise PrismUnavailable(f"Prism did not start within {START_TIMEOUT:.0f} s")
