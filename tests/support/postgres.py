"""The PostgreSQL half of the suite: which server the tests use, and a throwaway one.

``STOREADMIN_TEST_PG_URL`` names a server where the tests may create databases
(``bash .ci/run`` starts one and sets it). Without it, the root conftest starts a
throwaway server from the PostgreSQL binaries on this machine — ``pg_ctl`` / ``initdb``
on PATH or under ``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package) —
with pytest-postgresql's ``PostgreSQLExecutor``: once per run, in the controller
process before any xdist worker starts, so that the workers inherit its URL. It
listens on 127.0.0.1 only, lives in a temporary directory, and is stopped and removed
when the run ends. ``initdb`` refuses to run as root, so as root the server runs as the
``postgres`` (or ``nobody``) user through ``runuser``, as ``.ci/run`` does.

Without a URL and without binaries every PostgreSQL test skips with one reason line
(``no PostgreSQL: …``); with ``CI=true`` the run fails instead.
``STOREADMIN_TEST_PG_AUTOSTART=0`` turns the throwaway server off.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_postgresql.executor import PostgreSQLExecutor

URL_ENV = "STOREADMIN_TEST_PG_URL"
REASON_ENV = "STOREADMIN_TEST_PG_NO_SERVER"
"""Why there is no server, as the controller found it (workers inherit it)."""
AUTOSTART_ENV = "STOREADMIN_TEST_PG_AUTOSTART"

NO_SERVER = (
    "set STOREADMIN_TEST_PG_URL, or install the PostgreSQL server "
    "(Debian: apt install postgresql) and the suite starts a throwaway one"
)


class NoPostgres(Exception):
    """No throwaway server could be started; the message says why, in one line."""


def pg_url() -> str:
    """The test server's URL, or ``""`` (read when asked: the controller may set it late)."""
    return os.environ.get(URL_ENV, "")


def no_server_reason() -> str:
    """The one line every PostgreSQL test skips with when there is no server."""
    return "no PostgreSQL: " + os.environ.get(REASON_ENV, NO_SERVER)


def require_postgres() -> str:
    """The test server's URL; skips the test (one shared reason line) when there is none."""
    url = pg_url()
    if not url:
        pytest.skip(no_server_reason())
    return url


def autostart_enabled() -> bool:
    return os.environ.get(AUTOSTART_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def _major(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name)) or (0,)


def find_pg_bin() -> Path | None:
    """The directory of the server's binaries (``pg_ctl``, ``initdb``, ``postgres``), if any."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_major, reverse=True)
    for bin_dir in candidates:
        if all((bin_dir / name).is_file() for name in ("pg_ctl", "initdb", "postgres")):
            return bin_dir
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@dataclass
class ThrowawayPostgres:
    """A running throwaway server and what the tests need to know about it."""

    executor: PostgreSQLExecutor
    root: Path
    pgbin: Path
    runas: tuple[str, ...]
    port: int
    version: str

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def environment(self) -> dict[str, str]:
        """The variable the tests read (the one ``.ci/run`` exports)."""
        return {URL_ENV: self.url}

    def describe(self) -> str:
        who = f" as {self.runas[2]}" if self.runas else ""
        return (
            f"throwaway PostgreSQL {self.version} on 127.0.0.1:{self.port}{who} "
            f"(pytest-postgresql, {self.pgbin})"
        )

    def stop(self) -> None:
        with contextlib.suppress(Exception):  # already gone; the directory goes either way
            self.executor.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _run_as_user() -> tuple[str, ...]:
    """``runuser -u USER --`` when root (initdb refuses root), else nothing."""
    if os.geteuid() != 0:
        return ()
    runuser = shutil.which("runuser")
    users = [name for name in ("postgres", "nobody") if _has_user(name)]
    if not runuser or not users:
        raise NoPostgres(
            "running as root (initdb refuses root) and there is no runuser or no "
            "postgres/nobody user to run the server as; set STOREADMIN_TEST_PG_URL"
        )
    return (runuser, "-u", users[0], "--")


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


PREFIX = "storeadmin-pg-"
OWNER_FILE = "owner.json"
"""In each throwaway's directory: the pid of the run that owns it and its pg_ctl."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans() -> None:
    """Stop and remove the throwaways of runs that died without cleaning up (kill -9)."""
    for base in {Path("/tmp"), Path(tempfile.gettempdir())}:
        for root in base.glob(f"{PREFIX}*"):
            try:
                owner = json.loads((root / OWNER_FILE).read_text())
                pid, pg_ctl = int(owner["pid"]), [str(part) for part in owner["pg_ctl"]]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not ours, or still being set up
            if _alive(pid):
                continue
            subprocess.run(
                [*pg_ctl, "stop", "-D", str(root / "data"), "-m", "immediate"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=60,
                check=False,
            )
            shutil.rmtree(root, ignore_errors=True)


def start_throwaway() -> ThrowawayPostgres:
    """Start a throwaway server from this machine's binaries; raises NoPostgres."""
    pgbin = find_pg_bin()
    if pgbin is None:
        raise NoPostgres(NO_SERVER)
    runas = _run_as_user()
    reap_orphans()
    try:
        from pytest_postgresql.executor import PostgreSQLExecutor
    except ImportError as exc:
        raise NoPostgres(
            f"pytest-postgresql is not installed ({exc}): pip install -e '.[test]'"
        ) from exc

    # /tmp, not $TMPDIR: as root the server's user must be able to reach the directory.
    root = Path(tempfile.mkdtemp(prefix=PREFIX, dir="/tmp" if runas else None))
    (root / OWNER_FILE).write_text(
        json.dumps({"pid": os.getpid(), "pg_ctl": [*runas, str(pgbin / "pg_ctl")]})
    )
    pg_ctl = pgbin / "pg_ctl"
    if runas:
        account = pwd.getpwnam(runas[2])
        os.chown(root, account.pw_uid, account.pw_gid)
        # The executor runs one pg_ctl for initdb, start, status and stop: make that one
        # run as the server's user.
        pg_ctl = root / "pg_ctl-as-user"
        pg_ctl.write_text(
            f'#!/bin/sh\nexec {shlex.join(runas)} {shlex.quote(str(pgbin / "pg_ctl"))} "$@"\n'
        )
        pg_ctl.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    port = _free_port()
    executor = PostgreSQLExecutor(
        executable=str(pg_ctl),
        host="127.0.0.1",
        port=port,
        datadir=str(root / "data"),
        unixsocketdir=str(root),
        logfile=str(root / "server.log"),
        startparams="-w -t 60",
        dbname="postgres",
        user="postgres",
        timeout=90,
        postgres_options=(
            "-c listen_addresses=127.0.0.1 -c synchronous_commit=off -c full_page_writes=off"
        ),
    )
    server = ThrowawayPostgres(executor, root, pgbin, runas, port, version="?")
    try:
        server.version = str(executor.version)
        executor.start()
    except Exception as exc:
        detail = _first_line(getattr(exc, "output", b"").decode(errors="replace")) or _first_line(
            str(exc)
        )
        log = root / "server.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        if lines:
            detail += " | " + lines[-1].strip()
        server.stop()
        raise NoPostgres(f"could not start a throwaway server from {pgbin}: {detail}") from exc
    return server
