"""Shared CLI plumbing: opening the store, error → exit code, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
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


def open_store(settings: Settings) -> StoreService:
    """Open the configured store (raises a StoreError with one clear line)."""
    from storeadmin import stores

    location = stores.parse_location(settings.location)
    stores.check_exists(location, created_on_first_use=settings.created_on_first_use)
    return stores.open_store(location, actor=settings.admin)


def run_handler(handler: Handler, args: argparse.Namespace, settings: Settings) -> int:
    """Run a subcommand, mapping every StoreError to one stderr line and an exit code."""
    try:
        return handler(args, settings)
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
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return EXIT_OK


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (datetimes as ISO 8601, Money as minor units, IDs as strings)."""
    from storeadmin.cli.jsonable import to_jsonable

    # ASCII escapes keep C1 controls and bidi overrides from data off the terminal.
    json.dump(to_jsonable(data), sys.stdout, ensure_ascii=True, indent=2)
    sys.stdout.write("\n")
