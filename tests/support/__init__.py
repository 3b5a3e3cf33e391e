"""Helpers shared by every test package, imported by name (``from support import …``)."""
