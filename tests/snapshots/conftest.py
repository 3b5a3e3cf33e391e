"""Snapshot fixtures: the same deterministic terminal as the UI tests (``support.ui``)."""

from __future__ import annotations

from support.ui import deterministic_terminal

__all__ = ["deterministic_terminal"]
