"""Cold-start probe, run as ``python -m benchmarks.cold_child {app|bare} DB``.

Prints one JSON line at the first refresh after mount (the first painted frame):
the wall clock (``time.time()``, compared with the parent's clock taken before it
started Python) and whether SQLAlchemy had been imported by then. Only what the
real start-up imports is imported before that point.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _painted(app: object, kind: str) -> None:
    """Record the first frame, then quit."""
    now = time.time()
    screen = type(app.screen).__name__  # type: ignore[attr-defined]
    record = {
        "t": now,
        "kind": kind,
        "screen": screen,
        "sqlalchemy": any(
            name == "sqlalchemy" or name.startswith("sqlalchemy.") for name in sys.modules
        ),
    }
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()
    app.exit()  # type: ignore[attr-defined]


def run_app(database: str) -> None:
    """storeadmin's app with the real service factory (it runs only after the first paint)."""
    from pathlib import Path

    import storeadmin.app as app_module
    from storeadmin.app import StoreAdminApp

    def open_store():  # the StoreService type annotation would import more
        from storeadmin.data import open_sql_store

        return open_sql_store(database, actor="bench")

    class ProbeApp(StoreAdminApp):
        # An absolute path: a relative CSS_PATH resolves against the subclass's file.
        CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

        def on_mount(self) -> None:
            # Registered before StoreAdminApp.on_mount schedules the connect worker.
            self.call_after_refresh(_painted, self, "app")

    ProbeApp(open_store, location_label=database).run(headless=True, size=(120, 40))


def run_bare() -> None:
    """A bare Textual app with the same widgets as the search screen."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(placeholder="Search")
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(_painted, self, "bare")

    Bare().run(headless=True, size=(120, 40))


if __name__ == "__main__":
    if sys.argv[1] == "app":
        run_app(sys.argv[2])
    else:
        run_bare()
    sys.stdout.flush()
    # Do not wait for a connect thread still importing SQLAlchemy: the probe is done.
    os._exit(0)
