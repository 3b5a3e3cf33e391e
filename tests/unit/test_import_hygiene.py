"""Every core module imports without textual, rich or sqlalchemy (the TUI paints first)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import storeadmin.core


def test_every_core_module_is_framework_free() -> None:
    modules = sorted(
        f"storeadmin.core.{info.name}" for info in pkgutil.iter_modules(storeadmin.core.__path__)
    )
    assert {"storeadmin.core.identifiers", "storeadmin.core.validation"} <= set(modules)
    assert {"storeadmin.core.text", "storeadmin.core.commands", "storeadmin.core.timefmt"} <= set(
        modules
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'sqlalchemy'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_layer_contracts_hold() -> None:
    """The import contracts in pyproject.toml (import-linter): core is framework-free, the
    UI knows only the protocol, backends never import the UI, the CLI or the config."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports; raise SystemExit(lint_imports())",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
