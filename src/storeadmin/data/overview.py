"""``open_customer``: the details screen's header and first tab pages in one statement.

One read transaction holds one statement (``data.overview_sql``): a UNION ALL of nine
branches (the customer row, the orders' sums by status, the sparkline's sums by month,
the MRR groups, the metadata, and the first ``limit + 1`` rows of inventory, orders,
subscriptions and history), each row tagged with its branch and laid into the same
typed slots. Each branch is answered by the index its own list read uses. On
PostgreSQL that is four round trips (pre-ping, BEGIN, the statement, COMMIT) and one
snapshot; on SQLite one statement.

The customer row is the existence check (no row: NotFound). Counts: the orders total is
the sum of the by-status counts the header needs anyway; inventory and subscriptions
are counted only when their first page is full (otherwise the page is the whole list),
by one more statement in the same transaction.

Pages equal the first pages of ``list_inventory`` / ``list_orders`` /
``list_subscriptions`` / ``list_audit`` (items, cursor and total), so each tab goes on
with its own list read. Rows are mapped by position with the trusted constructors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

from sqlalchemy.engine import Dialect

from storeadmin.core.errors import NotFound
from storeadmin.core.models import (
    AuditEntry,
    Ban,
    Customer,
    CustomerDetails,
    InventoryItem,
    MetadataField,
    Order,
    Page,
    Platform,
    Subscription,
    trusted_constructor,
)
from storeadmin.core.money import Money
from storeadmin.core.overview import CustomerOverview
from storeadmin.core.service import DEFAULT_PAGE
from storeadmin.data.base import ServiceBase
from storeadmin.data.ids import sql_id
from storeadmin.data.item_rows import item_from_values
from storeadmin.data.orders import order_from_values, subscription_from_values
from storeadmin.data.overview_sql import (
    COUNT_ITEMS,
    COUNT_SUBSCRIPTIONS,
    CUSTOMER,
    HISTORY,
    INVENTORY,
    METADATA,
    MONTHS,
    MRR,
    ORDERS,
    OVERVIEW,
    STATS,
    SUBSCRIPTIONS,
)
from storeadmin.data.paging import clamp_limit, encode_cursor, time_key
from storeadmin.data.prepared import read_json, read_utc
from storeadmin.data.stats import months_of, mrr_of, spend_start, stats_of

T = TypeVar("T")

# ------------------------------------------------------------------ mapping

_new_customer = trusted_constructor(Customer)
_new_audit = trusted_constructor(AuditEntry)
_PLATFORMS = {p.value: p for p in Platform}


def _platform(value: str) -> Platform:
    found = _PLATFORMS.get(value)
    return found if found is not None else Platform(value)


class _Mapper:
    """Maps the tagged rows of one overview read (one dialect, currency and clock)."""

    def __init__(self, dialect: Dialect, currency: str, now: datetime, customer_id: str) -> None:
        self.utc = read_utc(dialect)
        self.json = read_json(dialect)
        self.money = Money.maker(currency)
        self.currency = currency
        self.now = now
        self.customer_id = customer_id

    def customer(self, r: Sequence[Any]) -> Customer:
        _, (cid, version, *_i), (name, platform, ext, upd_by, reason, banned_by, *_s) = (
            r[0],
            r[1:9],
            r[9:16],
        )
        first_seen, updated_at, banned_at, ban_expires_at = (self.utc(v) for v in r[16:20])
        ban = None
        if reason is not None and banned_at is not None:
            ban = Ban(
                reason=reason,
                banned_at=banned_at,
                banned_by=banned_by or "",
                expires_at=ban_expires_at,
            )
            if not ban.is_active(self.now):
                ban = None
        return _new_customer(
            str(cid),
            name,
            _platform(platform),
            ext,
            first_seen,
            str(version),
            ban,
            updated_at,
            upd_by,
        )

    def item(self, r: Sequence[Any]) -> InventoryItem:
        utc = self.utc
        values = (r[1], self.customer_id, r[2], r[14], r[15], r[9], r[10], r[3], r[11])
        rest = (utc(r[16]), utc(r[17]), r[20], utc(r[18]), r[12], r[13])
        return item_from_values((*values, *rest), self.now)

    def order(self, r: Sequence[Any]) -> Order:
        utc = self.utc
        values = (r[1], self.customer_id, r[9], r[10], *r[3:9], r[11], utc(r[16]), utc(r[17]), r[2])
        return order_from_values(self.money, values)

    def subscription(self, r: Sequence[Any]) -> Subscription:
        utc = self.utc
        values = (r[1], self.customer_id, r[2], r[3], r[4], r[9], r[10])
        times = (utc(r[16]), utc(r[17]), utc(r[18]), utc(r[19]), r[11])
        return subscription_from_values(self.money, (*values, *times), r[12])

    def audit(self, r: Sequence[Any]) -> AuditEntry:
        actor, action, target_type, target_id, reason = r[9:14]
        return _new_audit(
            str(r[1]),
            self.utc(r[16]),
            actor,
            action,
            target_type,
            target_id,
            self.customer_id,
            self.json(r[20]),
            self.json(r[21]),
            reason,
        )


_BY_TIME_THEN_ID = itemgetter(16, 1)
"""A page row's (time, id) slots, as stored: the order its list read's SQL sorts by."""
_BY_ID = itemgetter(1)


def _first_page(
    rows: list[Sequence[Any]],
    limit: int,
    convert: Callable[[Sequence[Any]], T],
    cursor_of: Callable[[T], str],
    *,
    by: Callable[[Sequence[Any]], Any] = _BY_TIME_THEN_ID,
    total: int | None = None,
) -> Page[T]:
    """The first page of a list read from its ``limit + 1`` rows (the extra one only
    says "more"). UNION ALL promises no order, so the raw rows are sorted by the stored
    values the list's SQL sorts by (newest first) and only the shown ones are mapped."""
    rows.sort(key=by, reverse=True)
    items = tuple(convert(r) for r in rows[:limit])
    cursor = cursor_of(items[-1]) if len(rows) > limit and items else None
    return Page(items=items, next_cursor=cursor, total=total)


def _time_cursor(kind: str, time_of: Callable[[Any], datetime], total: int) -> Callable[[Any], str]:
    """The cursor a time-ordered list read puts after ``last`` (``data.paging``'s form)."""
    return lambda last: encode_cursor(
        kind, {"t": time_key(time_of(last)), "i": int(last.id), "n": total}
    )


def _metadata(rows: list[Sequence[Any]]) -> tuple[MetadataField, ...]:
    # Key order as get_metadata gives it: case-insensitive, then exact for ties.
    pairs = sorted(((r[9], r[10]) for r in rows), key=lambda kv: (kv[0].casefold(), kv[0]))
    return tuple(MetadataField(key, value) for key, value in pairs)


# ------------------------------------------------------------------ service


class Overview(ServiceBase):
    """The details screen's opening read."""

    def open_customer(self, customer_id: str, *, limit: int = DEFAULT_PAGE) -> CustomerOverview:
        """The header and the first ``limit`` rows of every tab, in one read transaction.

        Each page equals the first page of the tab's list read and continues with it;
        NotFound when there is no such customer.
        """
        cid = sql_id(customer_id, "customer")
        limit = clamp_limit(limit)
        now = self.now()
        if self._currency is None:
            with self.read_connection() as conn:
                self.currency(conn)  # once per service: then cached
        currency = self._currency or "USD"
        by_kind: dict[str, list[Sequence[Any]]] = {k: [] for k in "csmrkioua"}
        counts: dict[str, int] = {}
        with self._translate(), self._engine.connect() as conn, conn.begin():
            params = {"cid": cid, "lim": limit + 1, "start": spend_start(now)}
            for row in OVERVIEW.rows(conn, params):
                by_kind[row[0]].append(row)
            if not by_kind[CUSTOMER]:
                raise NotFound(f"no customer with ID {cid}")
            for kind, count in ((INVENTORY, COUNT_ITEMS), (SUBSCRIPTIONS, COUNT_SUBSCRIPTIONS)):
                if len(by_kind[kind]) > limit:
                    counts[kind] = int(count.rows(conn, {"cid": cid})[0][0])
            dialect = conn.dialect
        return _overview(by_kind, counts, _Mapper(dialect, currency, now, str(cid)), limit)


def _overview(
    by_kind: dict[str, list[Sequence[Any]]], counts: dict[str, int], mapper: _Mapper, limit: int
) -> CustomerOverview:
    stats_groups = [(r[9], r[1], r[2], r[3], r[4], r[5]) for r in by_kind[STATS]]
    mrr = mrr_of((r[1], r[9], r[2], r[3]) for r in by_kind[MRR])
    months = months_of(
        ((r[9], r[10], r[1], r[2], r[3]) for r in by_kind[MONTHS]), mapper.currency, mapper.now
    )
    details = CustomerDetails(
        customer=mapper.customer(by_kind[CUSTOMER][0]),
        stats=stats_of(stats_groups, mrr, mapper.currency),
        spend_by_month=months,
    )
    orders_total = sum(int(r[1]) for r in by_kind[STATS])
    items_total = counts.get(INVENTORY, len(by_kind[INVENTORY]))
    subscriptions_total = counts.get(SUBSCRIPTIONS, len(by_kind[SUBSCRIPTIONS]))
    granted, created = attrgetter("granted_at"), attrgetter("created_at")
    return CustomerOverview(
        details=details,
        inventory=_first_page(
            by_kind[INVENTORY],
            limit,
            mapper.item,
            _time_cursor("inventory", granted, items_total),
            total=items_total,
        ),
        orders=_first_page(
            by_kind[ORDERS],
            limit,
            mapper.order,
            _time_cursor("orders", created, orders_total),
            total=orders_total,
        ),
        subscriptions=_first_page(
            by_kind[SUBSCRIPTIONS],
            limit,
            mapper.subscription,
            _time_cursor("subscriptions", created, subscriptions_total),
            total=subscriptions_total,
        ),
        metadata=_metadata(by_kind[METADATA]),
        history=_first_page(
            by_kind[HISTORY],
            limit,
            mapper.audit,
            lambda last: encode_cursor("audit", {"i": int(last.id)}),
            by=_BY_ID,
        ),
    )
