"""``storeadmin demo``: build the deterministic demo store (into the demo file or ``--db``).

Progress is a Rich progress bar on a terminal and one plain line per step otherwise;
the end prints the time taken, the row counts and the customers worth looking at.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from storeadmin.cli.common import EXIT_OK
from storeadmin.config import Settings, demo_database

if TYPE_CHECKING:
    from storeadmin.demo import DemoSummary

Progress = Callable[[str, int, int], None]

STEP_LABELS = {
    "schema": "schema",
    "customers": "customers",
    "indexes": "indexes",
    "search index": "search index",
    "analyze": "statistics",
}


def register(subcommands: Any) -> None:
    """Add the ``demo`` command."""
    from storeadmin.cli import add_common_options

    parser = subcommands.add_parser(
        "demo",
        help="build the demo store (deterministic; default: the separate demo store file)",
        description=(
            "Build a realistic, deterministic demo store: game servers, products with "
            "commands, customers with orders, subscriptions, inventory, bans and metadata. "
            "Without --db it writes the demo store that `storeadmin --demo` opens. It never "
            "overwrites a real store; --force rebuilds an existing demo store."
        ),
    )
    add_common_options(parser)
    parser.add_argument(
        "--customers",
        type=_customers,
        default=None,
        metavar="N",
        help="number of customers (default 5000; the whale alone has 20,000 orders)",
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument(
        "--force", action="store_true", help="rebuild the target if it already holds a demo store"
    )
    parser.set_defaults(handler=_demo)


def _customers(text: str) -> int:
    from storeadmin.demo import MIN_CUSTOMERS

    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < MIN_CUSTOMERS:
        raise argparse.ArgumentTypeError(f"at least {MIN_CUSTOMERS} customers")
    return value


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from storeadmin import stores
    from storeadmin.core.errors import Invalid
    from storeadmin.demo import DEFAULT_DEMO_CUSTOMERS, build_demo_store, todays_anchor

    # Only an explicit --db (or --demo) chooses the target: $STOREADMIN_DB or the config
    # file name the admin's real store, which is never the default here.
    explicit = settings.explicit
    target = settings.location if explicit else demo_database()
    location = stores.parse_location(target)
    if location.backend is not stores.Backend.SQL:
        raise Invalid(
            {"store": "not a SQL store"},
            f"the demo store is built in a SQL store only; {location.label} is not one",
        )
    customers = args.customers or DEFAULT_DEMO_CUSTOMERS
    print(
        f"Building a demo store of {customers:,} customers (seed {args.seed}) in {location.label}"
    )
    with _progress(sys.stdout.isatty()) as progress:
        summary = build_demo_store(
            target,
            customers=customers,
            seed=args.seed,
            progress=progress,
            force=args.force,
            anchor=todays_anchor(),
        )
    _print_summary(summary, explicit)
    return EXIT_OK


@contextmanager
def _progress(tty: bool) -> Iterator[Progress]:
    """A progress callback: a Rich bar on a terminal, else one line per finished step."""
    if tty:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ) as bar:
            tasks: dict[str, Any] = {}

            def update(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(STEP_LABELS.get(step, step), total=total)
                bar.update(tasks[step], completed=done, total=total)

            yield update
        return
    started = time.perf_counter()
    state: dict[str, float] = {}

    def plain(step: str, done: int, total: int) -> None:
        if step not in state:
            state[step] = time.perf_counter()
        if done >= total and state.get(step, 0.0) >= 0:
            took = time.perf_counter() - state[step]
            label = STEP_LABELS.get(step, step)
            count = f" {total:,}" if step == "customers" else ""
            print(
                f"  {label}{count} done in {took:.1f} s "
                f"(total {time.perf_counter() - started:.1f} s)",
                flush=True,
            )
            state[step] = -1.0

    yield plain


def _print_summary(summary: DemoSummary, explicit: bool) -> None:
    print(f"Demo store built in {summary.seconds:.1f} s: {summary.url}")
    counts = [
        ("customers", summary.customers),
        ("orders", summary.orders),
        ("order lines", summary.order_lines),
        ("subscriptions", summary.subscriptions),
        ("inventory items", summary.items),
        ("command attempts", summary.command_attempts),
        ("metadata", summary.metadata),
        ("audit entries", summary.audit_entries),
    ]
    print("  " + ", ".join(f"{name} {value:,}" for name, value in counts))
    print(
        f"  whale: customer {summary.whale_id} {summary.whale_name} "
        f"({summary.whale_orders:,} orders); "
        f"{summary.bench_orders} orders: customer {summary.bench_id} {summary.bench_name}"
    )
    opener = f"storeadmin --db {summary.url}" if explicit else "storeadmin --demo"
    print(f"  open it with: {opener}")
