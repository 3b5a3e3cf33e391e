"""``data.prepared``: a bind of a decorated type goes through the dialect's own bind
processing, so a UTC datetime compares with stored values as SQLAlchemy would (SQLite
keeps them as text: the driver's own datetime format did not match it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, func, select

from storeadmin.data import SqlStoreService
from storeadmin.data.prepared import Prepared
from storeadmin.data.schema import OrderRow
from support import factories

T0 = factories.T0

AT_OR_BEFORE = Prepared(
    lambda _dialect: select(func.count()).where(
        OrderRow.created_at <= bindparam("at", type_=OrderRow.created_at.type)
    )
)


def test_a_datetime_bind_matches_the_stored_value(service: SqlStoreService) -> None:
    engine = service.engine
    cid = factories.customer(engine)
    pid = factories.product(engine)
    factories.order(engine, cid, pid, created_at=T0)
    factories.order(engine, cid, pid, created_at=T0 + timedelta(microseconds=1))
    with engine.connect() as conn:
        assert AT_OR_BEFORE.rows(conn, {"at": T0})[0][0] == 1
        assert AT_OR_BEFORE.rows(conn, {"at": T0 + timedelta(microseconds=1)})[0][0] == 2
        assert AT_OR_BEFORE.rows(conn, {"at": T0 - timedelta(microseconds=1)})[0][0] == 0
