"""`storeadmin demo` subcommands (being built)."""

from __future__ import annotations

from typing import Any


def register(subcommands: Any) -> None:
    """Add the `demo` commands."""
