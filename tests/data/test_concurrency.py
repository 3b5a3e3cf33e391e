"""Several admins at once: racing revokes change, queue and audit once; SQLite writers in
separate processes never see "database is locked"."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from write_checks import audit_rows, count, rows

from storeadmin.core.errors import AlreadyDone
from storeadmin.data import SqlStoreService, open_sql_store
from support import factories

THREADS = 8
ITEMS = 60


def test_threads_racing_revoke_change_everything_once(
    service: SqlStoreService, store_url: str
) -> None:
    """8 admins (each its own service and pool) revoke the same items at the same moment.

    On PostgreSQL this is READ COMMITTED plus a conditional UPDATE: a blocked UPDATE
    re-checks ``state='active'`` once the winner commits, so losers see AlreadyDone
    and nothing else (no serialization failures to retry).
    """
    servers = [factories.game_server(service.engine, f"Rust #{n}") for n in (1, 2)]
    pid = factories.product(service.engine, server_ids=servers)
    cid = factories.customer(service.engine)
    item_ids = [factories.item(service.engine, cid, pid) for _ in range(ITEMS)]

    admins = [open_sql_store(store_url, actor=f"admin{n}") for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[list[str]] = [[] for _ in range(THREADS)]

    def run(index: int) -> None:
        admin = admins[index]
        # Half walk forwards, half backwards, so the races happen on every item.
        order = item_ids if index % 2 == 0 else list(reversed(item_ids))
        barrier.wait()
        for item_id in order:
            try:
                admin.revoke_item(item_id, reason=f"race {index}")
                outcomes[index].append("ok")
            except AlreadyDone:
                outcomes[index].append("already")
            except Exception as error:  # any other outcome is the bug this test hunts
                outcomes[index].append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for admin in admins:
            admin.close()

    flat = [outcome for per_thread in outcomes for outcome in per_thread]
    errors = [outcome for outcome in flat if outcome not in ("ok", "already")]
    assert errors == []
    assert flat.count("ok") == ITEMS
    assert flat.count("already") == ITEMS * (THREADS - 1)
    assert {r.state for r in rows(service, "inventory_items")} == {"revoked"}
    assert count(service, "command_attempts") == ITEMS * len(servers)
    revokes = audit_rows(service, "item.revoke")
    assert sorted(int(entry.target_id) for entry in revokes) == sorted(int(i) for i in item_ids)
    assert {entry.actor for entry in revokes} <= {f"admin{n}" for n in range(THREADS)}


WORKER = """
import json, sys, time
from pathlib import Path
from storeadmin.core.errors import AlreadyDone, StoreError
from storeadmin.data import open_sql_store

url, customer_id, writes, ready, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
service = open_sql_store(url, actor=f"proc{customer_id}")
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.01)
ok, errors = 0, []
for n in range(writes):
    try:
        if n % 2 == 0:
            service.ban_customer(customer_id, reason=f"ban {n}")
        else:
            service.unban_customer(customer_id)
        ok += 1
    except AlreadyDone as error:
        errors.append(f"AlreadyDone: {error}")
    except StoreError as error:
        errors.append(f"{type(error).__name__}: {error}")
service.close()
print(json.dumps({"ok": ok, "errors": errors}))
"""


@pytest.mark.slow
def test_sqlite_processes_writing_at_once_never_hit_locked(sqlite_url: str, tmp_path: Path) -> None:
    """4 processes x 100 ban/unban writes on one file: BEGIN IMMEDIATE queues them."""
    processes, writes = 4, 100
    setup = open_sql_store(sqlite_url, actor="setup")
    try:
        customers = [
            factories.customer(setup.engine, f"P{n}", external_id=f"7656119800000000{n}")
            for n in range(processes)
        ]
    finally:
        setup.close()
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{n}" for n in range(processes)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, sqlite_url, str(cid), str(writes), str(flag), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cid, flag in zip(customers, ready, strict=True)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(flag.exists() for flag in ready):
            assert time.monotonic() < deadline, "workers did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.02)
        go.touch()  # all four start writing at the same moment
        results = [w.communicate(timeout=120) for w in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    reports = []
    for (stdout, stderr), worker in zip(results, workers, strict=True):
        assert worker.returncode == 0, stderr
        reports.append(json.loads(stdout.strip().splitlines()[-1]))
    assert [report["errors"] for report in reports] == [[]] * processes
    assert sum(report["ok"] for report in reports) == processes * writes

    check = open_sql_store(sqlite_url, actor="check")
    try:
        assert len(audit_rows(check)) == processes * writes
        assert len(audit_rows(check, "customer.ban")) == processes * writes // 2
        for cid in customers:
            assert rows(check, "customers", id=cid)[0].version == 1 + writes
    finally:
        check.close()
