"""``search_figures``: the same net spent and subscribers on its prepared path (a page of
up to 64 customers) and on the expanding one (more), and as each customer's header."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storeadmin.data import SqlStoreService
from storeadmin.data.stats import FIGURES_PREPARED_UP_TO, search_figures
from support import factories


def test_both_paths_agree_with_the_header(service: SqlStoreService) -> None:
    engine = service.engine
    pid = factories.product(engine)
    ids = []
    for n in range(FIGURES_PREPARED_UP_TO + 6):
        cid = factories.customer(engine, f"C{n}", external_id=str(76561198000000100 + n))
        ids.append(int(cid))
        for status in ("completed", "refunded", "chargeback", "created")[: n % 5]:
            factories.order(engine, cid, pid, status=status, total=1000 + n, fees=10, refunded=n)
        if n % 3 == 0:
            factories.subscription(engine, cid, pid)
    with Session(engine) as session:
        few = search_figures(session, ids[:5])
        many = search_figures(session, ids)
    assert len(ids) > FIGURES_PREPARED_UP_TO
    spent, subscribers = many
    assert few == ({k: v for k, v in spent.items() if k in ids[:5]}, subscribers & set(ids[:5]))
    for cid in ids:
        stats = service.get_customer(str(cid)).stats
        assert spent.get(cid, 0) == stats.total_spent_net.amount
        assert (cid in subscribers) == (stats.active_subscriptions > 0)
    with Session(engine) as session:
        assert search_figures(session, []) == ({}, set())
