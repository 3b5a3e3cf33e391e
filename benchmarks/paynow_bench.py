"""PayNow backend figures (no assertions): ``.venv/bin/python -m benchmarks.paynow_bench``.

A local HTTP server (the test suite's fake PayNow behind ``http.server``) adds
``--latency`` ms to every request, like a far-away API. Measured through the real
``PayNowStore`` and a real TCP connection pool:

1. customer open → header (``get_customer``: customer, stats and ban check in parallel);
2. customer open → first tab (header, then the first inventory page), as the details
   screen loads them;
3. search from the local mirror of ``--mirror`` customers (name prefix, substring,
   SteamID, Minecraft UUID, Discord ID in metadata, newest), no request sent.

Targets from issue 11: header ≤ 150 ms, first tab ≤ 250 ms at 50 ms latency; mirror
search as fast as search on SQLite.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from paynow.fake import API_KEY, STORE_ID, FakePayNow
from storeadmin.core.models import Platform
from storeadmin.paynow import open_paynow_store
from storeadmin.paynow.mirror import MirrorRow
from storeadmin.paynow.sync import sync_mirror


def serve(fake: FakePayNow, latency: float) -> ThreadingHTTPServer:
    """The fake on 127.0.0.1 (a free port), ``latency`` seconds added per request."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # http.server writes headers and body separately: without this, Nagle's
            # algorithm and delayed ACKs add ~40 ms to some responses (not PayNow's).
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(
                self.command,
                f"http://127.0.0.1{self.path}",
                headers=dict(self.headers),
                content=body,
            )
            time.sleep(latency)
            response = fake.handler(request)
            data = response.read()
            self.send_response(response.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _any

        def log_message(self, fmt: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and max wall time of ``runs`` calls, in ms."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def fill_mirror(mirror: object, count: int) -> None:
    """``count`` synthetic customers, in batches (a sync's writes without the HTTP)."""
    created = datetime(2024, 1, 1, tzinfo=UTC)
    batch: list[MirrorRow] = []
    for i in range(count):
        batch.append(
            MirrorRow(
                id=str(400000000000000000 + i),
                name=f"player_{i:07d}",
                platform=Platform.STEAM,
                external_id=str(76561197960265729 + i),
                steam_id=str(76561197960265729 + i),
                minecraft_uuid=None,
                xbox_xuid=None,
                created_at=created,
                metadata={"DiscordID": str(80351110224678912 + i)},
            )
        )
        if len(batch) == 5000:
            mirror.upsert(batch, 1)  # type: ignore[attr-defined]
            batch = []
    if batch:
        mirror.upsert(batch, 1)  # type: ignore[attr-defined]
    mirror.set_meta(completed_at=datetime.now(UTC).isoformat())  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.paynow_bench")
    parser.add_argument("--latency", type=float, default=50.0, help="ms per request (50)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--mirror", type=int, default=200_000, help="mirror size (200,000)")
    args = parser.parse_args(argv)

    fake = FakePayNow()
    customer = fake.add_customer("Whale")
    for _ in range(30):
        fake.add_item(customer["id"])
        fake.add_order(customer["id"])
    server = serve(fake, args.latency / 1000)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as home:
        store = open_paynow_store(
            f"paynow://{STORE_ID}",
            actor="bench",
            environ={"PAYNOW_API_KEY": API_KEY, "PAYNOW_API_URL": url},
            home=Path(home),
        )
        store.store_info()  # the app reads it at start; it is cached from then on
        cid = customer["id"]
        print(f"latency per request: {args.latency:.0f} ms, {args.runs} runs, median / max")
        cold = timed(lambda: store.get_customer(cid), args.runs)
        print(f"  header, customer not in the mirror {cold[0]:7.1f} / {cold[1]:7.1f} ms")
        sync_mirror(store.client, store.mirror)
        header = timed(lambda: store.get_customer(cid), args.runs)
        first_tab = timed(
            lambda: (store.get_customer(cid), store.list_inventory(cid, limit=100)), args.runs
        )
        print(
            f"  customer open → header     {header[0]:7.1f} / {header[1]:7.1f} ms  (target ≤ 150)"
        )
        print(
            f"  customer open → first tab  {first_tab[0]:7.1f} / {first_tab[1]:7.1f} ms  (target ≤ 250)"
        )

        started = time.perf_counter()
        fill_mirror(store.mirror, args.mirror)
        print(
            f"mirror of {args.mirror:,} customers filled in {time.perf_counter() - started:.1f} s"
        )
        before = len(fake.requests)
        queries = {
            "name prefix": "player_00123",
            "name substring (rare)": "99999",
            "name substring (every row)": "layer_",
            "SteamID64": str(76561197960265729 + args.mirror // 2),
            "Steam2": "STEAM_0:1:12345",
            "Discord ID (metadata)": str(80351110224678912 + args.mirror - 1),
            "newest (empty)": "",
        }
        for label, query in queries.items():
            median, worst = timed(lambda q=query: store.search_customers(q, limit=50), args.runs)
            print(f"  mirror search {label:22s} {median:7.2f} / {worst:7.2f} ms")
        print(f"  requests sent by mirror searches: {len(fake.requests) - before}")
        store.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
