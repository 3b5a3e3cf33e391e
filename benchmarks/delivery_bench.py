"""Delivery benchmark: prints figures, asserts nothing.

1. In the service: poll and ack latency with ~10k pending attempts over 50 servers
   (each poll hands a server its open attempts and counts the hand-outs; each ack
   marks one attempt executed, and a new attempt is queued so the depth stays put).
2. Through ``serve``: 50 simulated servers POSTing their online players every 2 s for
   a bounded time against a uvicorn subprocess on 127.0.0.1, acking what they get;
   errors and p50/p95/p99.

    .venv/bin/python -m benchmarks.delivery_bench [--customers N] [--seconds 60]
        [--store PATH_OR_URL]   # an existing store (servers and attempts are added to it)
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from storeadmin.core.delivery import OnlinePlayers
from storeadmin.data import open_sql_store
from storeadmin.data.base import ServiceBase
from storeadmin.data.delivery import Delivery
from storeadmin.data.delivery_schema import ATTEMPTS, ITEMS
from storeadmin.data.delivery_server import SqlDeliveryService
from storeadmin.data.schema import CustomerRow, ProductRow

SERVERS = 50
PENDING = 10_000
STEAM_BASE = 76561201000000000
"""Far above the demo generator's SteamIDs, so the benchmark can add customers to a demo store."""


class _Admin(Delivery, ServiceBase):
    """The admin mixin on its own."""


def pct(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile in milliseconds of durations in seconds."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1] * 1000


def line(name: str, values: Sequence[float]) -> str:
    """``name: n=…, p50/p95/p99 ms``."""
    return (
        f"{name}: n={len(values)} p50={pct(values, 0.5):.2f} ms "
        f"p95={pct(values, 0.95):.2f} ms p99={pct(values, 0.99):.2f} ms"
    )


def build(url: str, customers: int) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Add 50 servers with tokens, customers and ~10k pending attempts.

    Returns (server ids, tokens, steam ids of each server's customers).
    """
    service = open_sql_store(url, actor="bench")
    admin = _Admin(service.engine, actor="bench")
    stamp = int(time.time())
    servers = [admin.add_game_server(f"bench-{stamp}-{i}", game="rust") for i in range(SERVERS)]
    tokens = [admin.issue_server_token(s.id).secret for s in servers]
    now = datetime.now(UTC)
    engine = service.engine
    with engine.begin() as connection:
        existing = connection.execute(select(CustomerRow.__table__.c.id).limit(1)).first()
        first_id = int(
            connection.execute(
                insert(CustomerRow.__table__)
                .values(
                    username=f"bench{stamp}_0",
                    name_key=f"bench{stamp}_0",
                    platform="steam",
                    external_id=str(STEAM_BASE + stamp % 100_000 * 10_000),
                    first_seen=now,
                    version=1,
                )
                .returning(CustomerRow.__table__.c.id)
            ).scalar_one()
        )
        del existing
        rows = [
            {
                "username": f"bench{stamp}_{i}",
                "name_key": f"bench{stamp}_{i}",
                "platform": "steam",
                "external_id": str(STEAM_BASE + stamp % 100_000 * 10_000 + i),
                "first_seen": now,
                "version": 1,
            }
            for i in range(1, customers)
        ]
        for start in range(0, len(rows), 5000):
            connection.execute(insert(CustomerRow.__table__), rows[start : start + 5000])
        product = connection.execute(
            insert(ProductRow.__table__)
            .values(name="Bench", slug=f"bench-{stamp}", type="one_time", price=1,
                    duration_days=None, server_ids=[int(s.id) for s in servers])
            .returning(ProductRow.__table__.c.id)
        ).scalar_one()  # fmt: skip
        customer_ids = list(range(first_id, first_id + customers))
        items = [
            {
                "customer_id": cid,
                "product_id": product,
                "state": "active",
                "source": "manual",
                "granted_at": now,
                "server_ids": [],
            }
            for cid in customer_ids
        ]
        connection.execute(insert(ITEMS), items)
        item_ids = list(
            connection.execute(
                select(ITEMS.c.id, ITEMS.c.customer_id).where(ITEMS.c.product_id == product)
            ).all()
        )
        attempts = []
        by_server: dict[str, list[str]] = {s.id: [] for s in servers}
        rng = random.Random(7)
        for n in range(PENDING):
            item_id, customer_id = item_ids[n % len(item_ids)]
            server = servers[n % SERVERS]
            attempts.append(
                {
                    "item_id": item_id,
                    "server_id": int(server.id),
                    "stage": "on_purchase",
                    "command": f"oxide.usergroup add {customer_id} vip",
                    "online_only": rng.random() < 0.3,
                    "status": "pending",
                    "queued_at": now - timedelta(seconds=n),
                }
            )
            steam = str(STEAM_BASE + stamp % 100_000 * 10_000 + (customer_id - first_id))
            by_server[server.id].append(steam)
        for start in range(0, len(attempts), 5000):
            connection.execute(insert(ATTEMPTS), attempts[start : start + 5000])
    service.close()
    return [s.id for s in servers], tokens, by_server


def bench_service(url: str, server_ids: list[str], online: dict[str, list[str]]) -> None:
    """Poll and ack latency in the service, queue depth kept at ~10k."""
    service = open_sql_store(url, actor="bench")
    delivery = SqlDeliveryService(service.engine, actor="bench")
    rng = random.Random(11)
    polls: list[float] = []
    acks: list[float] = []
    sizes: list[int] = []
    for _ in range(300):
        server = rng.choice(server_ids)
        players = OnlinePlayers(steam_ids=frozenset(online[server][:100]))
        started = time.perf_counter()
        handed = delivery.poll(server, players)
        polls.append(time.perf_counter() - started)
        sizes.append(len(handed))
        if handed:
            victim = handed[0]
            started = time.perf_counter()
            delivery.acknowledge(server, [victim.attempt_id], peer_ip="127.0.0.1")
            acks.append(time.perf_counter() - started)
            with service.engine.begin() as connection:  # keep the depth at ~10k
                row = connection.execute(
                    select(ATTEMPTS).where(ATTEMPTS.c.id == int(victim.attempt_id))
                ).one()
                connection.execute(
                    insert(ATTEMPTS).values(
                        item_id=row.item_id, server_id=row.server_id, stage=row.stage,
                        command=row.command, online_only=row.online_only, status="pending",
                        queued_at=datetime.now(UTC),
                    )
                )  # fmt: skip
    idle = _Admin(service.engine, actor="bench").add_game_server(
        f"bench-idle-{time.time_ns()}", game="rust"
    )
    idle_polls: list[float] = []
    for _ in range(200):
        started = time.perf_counter()
        delivery.poll(idle.id, OnlinePlayers(steam_ids=frozenset(online[server_ids[0]][:100])))
        idle_polls.append(time.perf_counter() - started)
    print(f"service ({service.engine.dialect.name}), {PENDING} pending over {SERVERS} servers:")
    print(f"  attempts handed out per poll: median {sorted(sizes)[len(sizes) // 2]}")
    print("  " + line("poll (a server with ~200 open attempts)", polls))
    print("  " + line("poll (a server with an empty queue)", idle_polls))
    print("  " + line("ack (one attempt)", acks))
    service.close()


async def _simulate(
    bases: list[str], tokens: list[str], online: list[list[str]], seconds: float
) -> None:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    async def one(index: int, token: str, players: list[str], offset: float) -> None:
        client = clients[index % len(clients)]
        headers = {"Authorization": f"Gameserver {token}"}
        await asyncio.sleep(offset)
        while time.monotonic() < deadline:
            tick = time.monotonic()
            try:
                started = time.perf_counter()
                response = await client.post(
                    "/v1/delivery/command-queue/", json={"steam_ids": players}, headers=headers
                )
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                else:
                    done = [{"attempt_id": c["attempt_id"]} for c in response.json()[:5]]
                    if done:
                        started = time.perf_counter()
                        ack = await client.request(
                            "DELETE", "/v1/delivery/command-queue/", json=done, headers=headers
                        )
                        latencies.append(time.perf_counter() - started)
                        if ack.status_code != 204:
                            errors[str(ack.status_code)] = errors.get(str(ack.status_code), 0) + 1
            except httpx.HTTPError as error:
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            await asyncio.sleep(max(0.0, 2.0 - (time.monotonic() - tick)))

    limits = httpx.Limits(max_connections=SERVERS)
    clients = [httpx.AsyncClient(base_url=b, timeout=10, limits=limits) for b in bases]
    try:
        await asyncio.gather(
            *(one(i, t, p[:100], i * 2.0 / len(tokens)) for i, (t, p) in enumerate(zip(tokens, online, strict=True)))
        )  # fmt: skip
    finally:
        for client in clients:
            await client.aclose()
    print(f"serve x{len(bases)}, {len(tokens)} servers polling every 2 s for {seconds:.0f} s:")
    print(f"  requests {len(latencies)}, errors {sum(errors.values())} {errors or ''}")
    print("  " + line("request", latencies))


def _start_serve(url: str) -> tuple[subprocess.Popen[bytes], int]:
    """A ``serve`` subprocess on a free 127.0.0.1 port (sweep off), once it accepts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "import argparse, sys; from storeadmin.config import Settings; "
        "from storeadmin.cli.serve import _serve; "
        f"sys.exit(_serve(argparse.Namespace(host=None, port={port}, sweep_every=0), "
        f"Settings(location={url!r}, admin='bench', explicit=True)))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    return process, port


def bench_serve(
    url: str, tokens: list[str], online: list[list[str]], seconds: float, serves: int
) -> None:
    """Run ``serves`` serve processes and simulate the servers against them (round robin)."""
    started = [_start_serve(url) for _ in range(serves)]
    try:
        bases = [f"http://127.0.0.1:{port}" for _, port in started]
        asyncio.run(_simulate(bases, tokens, online, seconds))
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=20)


def main() -> None:
    """Build (or extend) a store, then run both parts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--store", help="an existing store to add the servers and attempts to")
    parser.add_argument("--serves", type=int, default=1, help="serve processes (PostgreSQL: 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or str(Path(tmp) / "delivery-bench.sqlite3")
        started = time.perf_counter()
        server_ids, tokens, online = build(url, args.customers)
        print(f"built: {args.customers} customers, {PENDING} attempts in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        bench_service(url, server_ids, online)
        bench_serve(url, tokens, [online[s] for s in server_ids], args.seconds, args.serves)


if __name__ == "__main__":
    main()
