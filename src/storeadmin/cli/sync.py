"""``storeadmin sync --store paynow://<id>``: refresh the local mirror of a hosted store.

The mirror (customer names, platform IDs, metadata values, net spend, bans) lets search
answer instantly; the sync is resumable — an interrupted run continues from the last
page it stored. Progress is a Rich bar on a terminal, one line per 1,000 customers
otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from storeadmin.cli.common import EXIT_OK, open_store
from storeadmin.config import Settings
from storeadmin.core.errors import Invalid


def register(subcommands: Any) -> None:
    """Add the ``sync`` command."""
    from storeadmin.cli import add_common_options

    parser = subcommands.add_parser(
        "sync",
        help="refresh the local customer mirror of a hosted (PayNow) store",
        description=(
            "Copy a PayNow store's customer index (names, platform IDs, metadata values, "
            "net spend, bans) into a local SQLite mirror, so search answers instantly. "
            "Resumable: an interrupted sync continues where it stopped."
        ),
    )
    add_common_options(parser)
    parser.set_defaults(handler=_sync)


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin.paynow import PayNowStore
    from storeadmin.paynow.sync import sync_mirror

    service = open_store(settings)
    try:
        if not isinstance(service, PayNowStore):
            raise Invalid(
                {"store": "not a hosted store"},
                "sync mirrors a hosted store: use --store paynow://STORE_ID "
                "(a SQL store is searched directly)",
            )
        previous = service.mirror.count()
        started = time.perf_counter()
        print(f"Syncing {service.store_info().location} into {service.mirror.path}")
        with _progress(sys.stdout.isatty(), previous) as progress:
            result = sync_mirror(service.client, service.mirror, progress=progress)
        elapsed = time.perf_counter() - started
        how = "resumed and finished" if result.resumed else "done"
        print(
            f"{how}: {result.customers:,} customers in {elapsed:.1f} s"
            + (f", {result.removed:,} removed" if result.removed else "")
        )
    finally:
        service.close()
    return EXIT_OK


@contextmanager
def _progress(tty: bool, expected: int) -> Iterator[Callable[[int], None]]:
    """A callback taking the customers stored so far: a Rich bar, else a line per 1,000."""
    if tty:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
        ) as bar:
            task = bar.add_task("customers", total=expected or None)

            def advance(done: int) -> None:
                total = bar.tasks[0].total
                if total is not None and done > total:
                    bar.update(task, total=done)
                bar.update(task, completed=done)

            yield advance
        return
    last = [0]

    def lines(done: int) -> None:
        if done // 1000 > last[0] // 1000:
            print(f"  {done:,} customers", flush=True)
        last[0] = done

    yield lines
