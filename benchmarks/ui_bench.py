"""UI measurements, each in fresh subprocesses: cold start (app vs bare) and the Pilot run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.timing import median, ratio

CHILD_TIMEOUT_S = 600
REPO_ROOT = Path(__file__).resolve().parents[1]
"""Children run from here so ``benchmarks`` is importable as a package."""


def _child(args: list[str], timeout: float) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO_ROOT,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        tail = (result.stderr or result.stdout)[-3000:]
        raise RuntimeError(f"{' '.join(args[:2])} failed (exit {result.returncode}):\n{tail}")
    return json.loads(lines[-1])


def cold_start(database: str, runs: int = 10) -> dict[str, float]:
    """Process start → first painted frame, storeadmin vs a bare app, interleaved runs."""
    times: dict[str, list[float]] = {"app": [], "bare": []}
    sqlalchemy_seen = False
    for _ in range(runs):
        for kind in ("app", "bare"):
            started = time.time()  # wall clock: compared with the child's time.time()
            record = _child(["-m", "benchmarks.cold_child", kind, database], 120)
            times[kind].append(record["t"] - started)
            if kind == "app":
                sqlalchemy_seen = sqlalchemy_seen or bool(record["sqlalchemy"])
                if record["screen"] != "CustomerSearchScreen":
                    raise RuntimeError(f"first screen was {record['screen']}")
    app_s, bare_s = median(times["app"]), median(times["bare"])
    return {
        "cold_start_s": round(app_s, 3),
        "cold_start_bare_s": round(bare_s, 3),
        "cold_start_vs_bare": ratio(app_s, bare_s),
        "cold_start_max_s": round(max(times["app"]), 3),
        "cold_start_sqlalchemy": 1.0 if sqlalchemy_seen else 0.0,
    }


def pilot_run(config: dict[str, Any]) -> dict[str, float]:
    """Keystroke, open, paging, table size and RSS figures from one headless app run."""
    return _child(["-m", "benchmarks.ui_child", json.dumps(config)], CHILD_TIMEOUT_S)
