"""Shared CLI plumbing: opening the store, error → exit code, output helpers."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storeadmin.config import Settings
from storeadmin.core.errors import (
    AlreadyDone,
    Conflict,
    Invalid,
    NotFound,
    StoreError,
    Unavailable,
    Unsupported,
)
from storeadmin.core.text import display_safe, redact_credentials

if TYPE_CHECKING:
    from storeadmin.core.service import StoreService

Handler = Callable[[argparse.Namespace, Settings], int]

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_CONFLICT = 3
EXIT_UNAVAILABLE = 4


def fail(message: str, code: int) -> int:
    """Print one line on stderr (credentials redacted) and return the exit code."""
    shown = display_safe(redact_credentials(message), max_length=500)
    print(f"storeadmin: {shown}", file=sys.stderr)
    return code


READ_PREFIXES = ("get_", "list_", "search_", "preview_", "store_info", "close", "now", "actor")
"""StoreService methods that change nothing; every other one is a write."""

_saved: list[str] = []
"""Writes of this command that returned (committed), by method name."""


class _WriteGuard:
    """Defers Ctrl+C while a write runs, so it lands before the call or after it.

    A write is one transaction: interrupting it half-way saves nothing anyway, and one
    landing after the commit used to report "interrupted" (exit 130) for a saved change.
    """

    def __init__(self) -> None:
        self.interrupted = False
        self._previous: Any = None

    def __enter__(self) -> _WriteGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, _signum: int, _frame: object) -> None:
        self.interrupted = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _recording(service: StoreService) -> StoreService:
    """``service`` with each write method wrapped: Ctrl+C deferred while it runs, and the
    write recorded once it returned (see ``run_handler``). The object itself is kept, so
    ``isinstance`` checks on it still hold."""
    from storeadmin.core.service import StoreService as Protocol

    for name in dir(Protocol):  # the protocol's writes only, not a backend's helpers
        if name.startswith("_") or name.startswith(READ_PREFIXES):
            continue
        method = getattr(service, name, None)
        if not callable(method) or isinstance(getattr(type(service), name, None), property):
            continue
        setattr(service, name, _guarded(name, method))
    return service


def _guarded(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def write(*args: Any, **kwargs: Any) -> Any:
        with _WriteGuard() as guard:
            result = method(*args, **kwargs)
            _saved.append(name)
        if guard.interrupted:
            raise KeyboardInterrupt
        return result

    return write


def open_store(settings: Settings) -> StoreService:
    """Open the configured store (raises a StoreError with one clear line). Writes made
    through it are recorded, so an interrupt after one is not reported as a failure."""
    from storeadmin import stores

    location = stores.parse_location(settings.location)
    stores.check_exists(location, created_on_first_use=settings.created_on_first_use)
    ensure_demo(settings)
    service = stores.open_store(location, actor=settings.admin)
    return _recording(service)


def ensure_demo(settings: Settings) -> None:
    """With ``--demo``, build the demo store on first use, as the TUI does (else every
    command would open an empty store there, and ``db current`` leave an empty file)."""
    if not settings.demo:
        return
    from storeadmin.demo import ensure_demo_store

    path = Path(settings.location).expanduser()
    if not path.exists() or path.stat().st_size == 0:
        print(f"storeadmin: building the demo store at {path} (first use)…", file=sys.stderr)
    ensure_demo_store(str(path))


def run_handler(handler: Handler, args: argparse.Namespace, settings: Settings) -> int:
    """Run a subcommand, mapping every StoreError to one stderr line and an exit code."""
    _saved.clear()
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        if _saved:
            print(
                "storeadmin: interrupted after the change was saved (output may be cut short)",
                file=sys.stderr,
            )
            return EXIT_OK
        return fail("interrupted: nothing was saved", 130)
    except AlreadyDone as error:
        print(
            f"storeadmin: {display_safe(redact_credentials(str(error)), max_length=500)}"
            " (nothing changed)",
            file=sys.stderr,
        )
        return EXIT_OK
    except (Invalid, NotFound, Unsupported) as error:
        return fail(str(error), EXIT_INVALID)
    except Conflict as error:
        return fail(str(error), EXIT_CONFLICT)
    except Unavailable as error:
        return fail(str(error), EXIT_UNAVAILABLE)
    except StoreError as error:
        return fail(str(error), EXIT_INVALID)
    except BrokenPipeError:
        # The reader went away (``| head``): what it wanted was written. Point stdout at
        # /dev/null so the interpreter's last flush does not fail (and exit 120) either.
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests capture it)
        pass


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (datetimes as ISO 8601, Money as minor units, IDs as strings)."""
    from storeadmin.cli.jsonable import to_jsonable

    # ASCII escapes keep C1 controls and bidi overrides from data off the terminal.
    json.dump(to_jsonable(data), sys.stdout, ensure_ascii=True, indent=2)
    sys.stdout.write("\n")
