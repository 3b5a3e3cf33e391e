"""CLI test fixtures: a wide terminal (``support.cli``)."""

from __future__ import annotations

from support.cli import wide_terminal

__all__ = ["wide_terminal"]
