"""Snapshots of a History entry opened in full (Enter on the newest History row), at
120×40 and 80×24: facts, summary, and the metadata table — changed keys first, values
literal (a markup-like value stays text).

The two metadata.replace rows are written as the service writes them (only what
changed) with fixed times; the map today is what the second one left. Accept changes
with ``--snapshot-update`` and review each SVG's text before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from test_details_snapshots import NARROW, WIDE, opening

from storeadmin.data import open_sql_store
from storeadmin.data.schema import AuditRow
from support import factories, ui

MARKUP = "[bold red]boom[/] <b>x</b>"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    """The UI store; Alice's metadata saved twice by bob (compact rows, fixed times)."""
    built = ui.build_ui_store(tmp_path / "snap-history.sqlite3")
    service = open_sql_store(built.url, actor="setup")
    try:
        factories.metadata(service.engine, built.alice, Tier="platinum", New="n", Note=MARKUP)
        with Session(service.engine) as session, session.begin():
            for days, before, after in (
                (9, {}, {"Tier": "gold", "Old": "o", "Note": MARKUP}),
                (2, {"Tier": "gold", "Old": "o"}, {"Tier": "platinum", "New": "n"}),
            ):
                session.add(
                    AuditRow(
                        at=ui.FIXED_NOW - timedelta(days=days),
                        actor="bob",
                        action="metadata.replace",
                        target_type="customer",
                        target_id=str(built.alice),
                        customer_id=built.alice,
                        before=before,
                        after=after,
                    )
                )
    finally:
        service.close()
    return built


def _shows(snap_compare: Callable[..., bool], store: Any, size: tuple[int, int]) -> bool:
    app = ui.make_app(store.url)
    run_before = opening(int(store.alice), "history", ("enter",), focus_table=False)
    return snap_compare(app, run_before=run_before, terminal_size=size)


def test_history_entry_modal(snap_compare: Callable[..., bool], store: Any) -> None:
    assert _shows(snap_compare, store, WIDE)


def test_history_entry_modal_narrow(snap_compare: Callable[..., bool], store: Any) -> None:
    assert _shows(snap_compare, store, NARROW)
