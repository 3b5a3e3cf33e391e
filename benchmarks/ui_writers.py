"""Writer processes for the UI benchmark: ``python -m benchmarks.ui_writers CONFIG_JSON``.

Each writer is a separate process running a bounded loop of real service writes
through ``SqlStoreService``: read a random customer's metadata and version, set one
key (``bench_writer``), save the map guarded by that version, as ``storeadmin
customers metadata ID set`` does. The loop ends at ``max_writes`` writes, after
``max_seconds``, or when its stdin closes (the parent is done), whichever comes
first, and prints one JSON line: writes done, conflicts / busy errors, seconds.

``pause_s`` spaces the writes (0: as fast as the store takes them), so the load is a
store under write traffic rather than only four busy CPUs.
"""

from __future__ import annotations

import json
import os
import random
import selectors
import subprocess
import sys
from dataclasses import dataclass
from time import perf_counter
from typing import IO, Any

WRITE_KEY = "bench_writer"


def _stdin_closed(selector: selectors.BaseSelector, timeout: float) -> bool:
    """Wait up to ``timeout`` s; True once the parent closed our stdin."""
    for key, _ in selector.select(timeout):
        stream: IO[bytes] = key.fileobj  # type: ignore[assignment]  # registered as a binary stream
        if not os.read(stream.fileno(), 4096):
            return True
    return False


def run_writer(config: dict[str, Any]) -> dict[str, float]:
    """One writer's bounded loop of metadata writes on random customers."""
    from storeadmin.core.errors import StoreError
    from storeadmin.core.models import MetadataField
    from storeadmin.data import open_sql_store

    service = open_sql_store(config["db"], actor=f"bench-writer-{config['seed']}")
    rng = random.Random(config["seed"])
    selector = selectors.DefaultSelector()
    selector.register(sys.stdin.buffer, selectors.EVENT_READ)
    pause = float(config.get("pause_s", 0.02))
    writes = errors = 0
    started = perf_counter()
    try:
        while writes + errors < int(config.get("max_writes", 5000)):
            if perf_counter() - started > float(config.get("max_seconds", 120)):
                break
            customer_id = str(rng.randint(100, int(config["max_customer"])))
            try:
                version = service.get_customer(customer_id).customer.version
                fields = {f.key: f.value for f in service.get_metadata(customer_id)}
                fields[WRITE_KEY] = f"{config['seed']}-{writes}"
                service.replace_metadata(
                    customer_id,
                    [MetadataField(k, v) for k, v in fields.items()],
                    expected_version=version,
                )
                writes += 1
            except StoreError:  # a conflict with another writer, or the store busy
                errors += 1
            if _stdin_closed(selector, pause):
                break
    finally:
        service.close()
    return {"writes": writes, "errors": errors, "seconds": perf_counter() - started}


@dataclass
class Writers:
    """Running writer processes; ``stop()`` ends them and sums what they did."""

    processes: list[subprocess.Popen[bytes]]
    started: float

    def stop(self, timeout: float = 30.0) -> dict[str, float]:
        """Close each writer's stdin (its signal to stop) and collect its figures."""
        writes = errors = 0.0
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.close()
        for process in self.processes:
            assert process.stdout is not None
            out = process.stdout.read().decode()  # ends when the writer exits
            process.wait(timeout=timeout)
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if process.returncode != 0 or not lines:
                raise RuntimeError(f"a writer failed (exit {process.returncode})")
            record = json.loads(lines[-1])
            writes += record["writes"]
            errors += record["errors"]
        seconds = perf_counter() - self.started
        return {
            "writer_writes": writes,
            "writer_errors": errors,
            "writer_writes_per_s": round(writes / seconds, 1) if seconds else 0.0,
        }


def start_writers(config: dict[str, Any], count: int) -> Writers:
    """Start ``count`` writer processes on ``config['db']`` (seeds 1..count)."""
    processes = []
    for seed in range(1, count + 1):
        writer_config = {
            "db": config["db"],
            "seed": seed,
            "max_customer": config["max_customer"],
            "pause_s": config.get("writer_pause_s", 0.02),
            "max_writes": config.get("writer_max_writes", 5000),
            "max_seconds": config.get("writer_max_seconds", 120),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks.ui_writers", json.dumps(writer_config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        )
    return Writers(processes, perf_counter())


if __name__ == "__main__":
    result = run_writer(json.loads(sys.argv[1]))
    sys.stdout.write(json.dumps(result) + "\n")
