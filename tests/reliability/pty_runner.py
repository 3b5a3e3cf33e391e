"""Run a Python snippet on a real pseudo-terminal and keep every byte it writes there.

What the admin's terminal would receive is exactly what we assert on: Textual's
driver output, the crash screen, anything printed to stdout or stderr.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class TerminalRun:
    """What a run on the pseudo-terminal produced."""

    output: bytes
    returncode: int | None
    """None when the process had to be killed after the timeout."""

    @property
    def text(self) -> str:
        """The output decoded as the terminal would (UTF-8, bad bytes replaced)."""
        return self.output.decode("utf-8", "replace")


def run_on_terminal(
    code: str,
    *,
    env: dict[str, str] | None = None,
    size: tuple[int, int] = (80, 24),
    keys: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    timeout: float = 60,
) -> TerminalRun:
    """Run ``python -c code`` with stdin, stdout and stderr on a fresh pty.

    ``keys`` are (marker, bytes) pairs: once ``marker`` has appeared in the output,
    ``bytes`` are typed. The process is killed after ``timeout`` seconds.
    """
    master, slave = pty.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(env or {})},
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    output = bytearray()
    pending = list(keys)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0].encode() in output:
                os.write(master, pending.pop(0)[1])
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    break
                output.extend(chunk)
            elif process.poll() is not None:
                break
        try:
            # The terminal can close a moment before the exit status is ready.
            returncode: int | None = process.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            returncode = None
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    finally:
        os.close(master)
    return TerminalRun(bytes(output), returncode)
