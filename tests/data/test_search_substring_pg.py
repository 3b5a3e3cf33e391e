"""PostgreSQL substring search (``search.substring_pg``): once the id walk hands over to
the trigram index, the index read starts past the walked ids, and the page is the same."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from storeadmin.core.models import MatchKind
from storeadmin.data import SqlStoreService
from storeadmin.data.dialect import is_sqlite
from storeadmin.data.search import customers as search_module
from storeadmin.data.search import substring_pg
from support import factories


@pytest.mark.parametrize("limit", [2, 50])
def test_the_trigram_read_starts_past_the_walk(
    service: SqlStoreService, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    if is_sqlite(service.engine):
        pytest.skip("the id walk and the trigram index are PostgreSQL's substring paths")
    engine = service.engine
    made = [
        factories.customer(
            engine, f"p{n:02d}" + ("zork" if n % 4 == 0 else "ab"), external_id=f"e{n}"
        )
        for n in range(40)
    ]
    wanted = [(cid, MatchKind.NAME_SUBSTRING) for n, cid in enumerate(made) if n % 4 == 0]
    monkeypatch.setattr(search_module, "SUBSTRING_WINDOW", 6)  # ids 1-6 hold 2 matches
    monkeypatch.setattr(substring_pg, "TRIGRAM_ROW_COST", 1e-6)  # then the index is cheaper
    starts: list[int] = []

    def record(*args: Any) -> None:
        statement, params = str(args[2]), args[3]
        if "customers.id + " in statement and isinstance(params, dict):
            starts.append(int(params["after_id"]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = service.search_customers("zork", limit=limit)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [(r.id, r.matched_by) for r in page.items] == wanted[:limit]
    assert starts == [6], starts  # past the walked ids 1-6, not from 0 again
