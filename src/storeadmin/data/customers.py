"""Customers: their search, details and search row, and the writes on them — edit
(version-checked), ban and unban (compare-and-set). Loading and mapping a customer row
is ``data.customer_rows`` (re-exported here for the other modules).

Each write is one transaction holding the change and its audit row; a refusal or a
no-op writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from storeadmin.core import identifiers, validation
from storeadmin.core.errors import AlreadyDone, Conflict, Invalid
from storeadmin.core.models import (
    Customer,
    CustomerDetails,
    CustomerSummary,
    MatchKind,
    Page,
    Platform,
)
from storeadmin.core.search_text import search_key
from storeadmin.core.validation import NOT_UTF8, has_undecodable
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.checks import NO_SYNC as _NO_SYNC
from storeadmin.data.checks import checked, require_future, rowcount
from storeadmin.data.customer_rows import CUSTOMERS as CUSTOMERS
from storeadmin.data.customer_rows import ban_from_row as ban_from_row
from storeadmin.data.customer_rows import ban_in_force as ban_in_force
from storeadmin.data.customer_rows import customer_from_row as customer_from_row
from storeadmin.data.customer_rows import load_customer as load_customer
from storeadmin.data.customer_rows import require_customer as require_customer
from storeadmin.data.customer_rows import stale_conflict as stale_conflict
from storeadmin.data.ids import sql_id, sql_version
from storeadmin.data.paging import clamp_limit
from storeadmin.data.schema import CustomerRow
from storeadmin.data.search import MetadataKeys, id_input, id_page, summaries
from storeadmin.data.search import search_customers as run_search
from storeadmin.data.stats import customer_stats, spend_by_month

EDIT_ACTIONS = ("customer.edit",)
"""The audit actions of what the edit dialog changes (named in its conflicts)."""


def _platform(value: Platform | str) -> Platform:
    try:
        return Platform(value)
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise Invalid({"platform": f"unknown platform {value!r} (one of {choices})"}) from None


def _ensure_external_id_free(
    session: Session, customer_id: int, platform: Platform, external_id: str
) -> None:
    """Refuse an external ID another customer of that platform already has."""
    other = session.execute(
        select(CustomerRow.id, CustomerRow.username).where(
            CustomerRow.platform == platform.value,
            CustomerRow.external_id == external_id,
            CustomerRow.id != customer_id,
        )
    ).first()
    if other is not None:
        raise Conflict(
            f"that {platform.value} ID belongs to customer {other.id} ({other.username})"
        )


class Customers(ServiceBase):
    """Search, one customer's details and summary row; edit, ban and unban."""

    @property
    def metadata_keys(self) -> MetadataKeys:
        """The distinct metadata keys search looks values up under, cached for 60 s.

        Created on first use; a metadata write drops it (``data.metadata``).
        """
        keys: MetadataKeys | None = self.__dict__.get("_metadata_keys")
        if keys is None:
            keys = self.__dict__.setdefault("_metadata_keys", MetadataKeys())
        return keys

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Find customers by name (prefix, then substring), any form of external ID,
        customer / order / subscription ID, or metadata value (a Discord ID).

        Exact matches come first; an empty query lists the newest customers. A query
        holding bytes that are not UTF-8 (lone surrogates) is refused: no backend can
        compare them.
        """
        if has_undecodable(query):
            raise Invalid({"query": f"the search {NOT_UTF8}"})
        currency, limit = self.known_currency, clamp_limit(limit)
        if currency is not None and (wanted := id_input(query, cursor, self.metadata_keys)):
            # An ID's page is one prepared statement: on the driver connection, half of
            # what it costs through SQLAlchemy (``data.driver_read``).
            with self.driver_read() as read:
                found = id_page(read, wanted, limit=limit, now=self.now(), currency=currency)
            if found is not None:
                return found
        with self.read_connection() as connection:
            return run_search(
                connection,
                query,
                limit=limit,
                cursor=cursor,
                now=self.now(),
                currency=self.currency(connection),
                keys_cache=self.metadata_keys,
            )

    def get_customer(self, customer_id: str) -> CustomerDetails:
        """The customer with the stats header figures (defined in ``data.stats``)."""
        key = sql_id(customer_id, "customer")
        now = self.now()
        with self.read_connection() as session:
            row = load_customer(session, key)
            currency = self.currency(session)
            stats = customer_stats(session, key, currency)
            months = spend_by_month(session, key, currency, now)
        return CustomerDetails(
            customer=customer_from_row(row, now), stats=stats, spend_by_month=months
        )

    def get_customer_summary(self, customer_id: str) -> CustomerSummary:
        """The customer's search-result row (``matched_by`` is CUSTOMER_ID)."""
        key = sql_id(customer_id, "customer")
        now = self.now()
        with self.read() as session:
            row = load_customer(session, key)
            found = summaries(session, [(row, MatchKind.CUSTOMER_ID)], now, self.currency(session))
        return found[0]

    def _customer(self, session: Session, customer_id: int) -> Customer:
        return customer_from_row(load_customer(session, customer_id), self.now())

    def _edit_changes(
        self,
        row: Row[Any],
        username: str | None,
        platform: Platform | None,
        external_id: str | None,
    ) -> dict[str, str]:
        """The columns that really change, validated and canonical."""
        changes: dict[str, str] = {}
        if username is not None and username != row.username:
            changes["username"] = username
        target = platform if platform is not None else Platform(row.platform)
        if target.value != row.platform:
            changes["platform"] = target.value
        if external_id is not None or "platform" in changes:
            # A new platform needs an ID that is valid there: the given one or the old one.
            raw = external_id if external_id is not None else row.external_id
            canonical = checked(
                partial(identifiers.canonical_external_id, target), raw, "external_id"
            )
            if canonical != row.external_id:
                changes["external_id"] = canonical
        return changes

    def edit_customer(
        self,
        customer_id: str,
        *,
        expected_version: str,
        username: str | None = None,
        platform: Platform | None = None,
        external_id: str | None = None,
    ) -> Customer:
        """Change name and/or platform ID (validated, canonicalised, unique per platform).

        Raises Conflict when the customer changed since ``expected_version`` was read
        or when another customer already has that ID.
        """
        cid = sql_id(customer_id, "customer")
        if username is not None:
            username = checked(validation.validate_username, username, "username")
        target_platform = _platform(platform) if platform is not None else None
        expected = sql_version(expected_version)
        now = self.now()
        with self.write() as session:
            row = load_customer(session, cid)
            if row.version != expected:
                raise stale_conflict(row, session, EDIT_ACTIONS)
            changes = self._edit_changes(row, username, target_platform, external_id)
            if not changes:
                return customer_from_row(row, now)
            if "platform" in changes or "external_id" in changes:
                _ensure_external_id_free(
                    session,
                    cid,
                    Platform(changes.get("platform", row.platform)),
                    changes.get("external_id", row.external_id),
                )
            values: dict[str, Any] = dict(changes)
            if "username" in changes:
                values["name_key"] = changes["username"].casefold()  # online-name key
                values["search_key"] = search_key(changes["username"])  # FTS syncs
            result = session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == cid, CustomerRow.version == expected)
                .values(
                    **values,
                    version=CustomerRow.version + 1,
                    updated_at=now,
                    updated_by=self.actor,
                )
                .execution_options(**_NO_SYNC)
            )
            if rowcount(result) != 1:
                raise stale_conflict(load_customer(session, cid), session, EDIT_ACTIONS)
            audit.record(
                session,
                self,
                action="customer.edit",
                target_type="customer",
                target_id=cid,
                customer_id=cid,
                before={key: getattr(row, key) for key in changes},
                after=changes,
            )
            return self._customer(session, cid)

    def ban_customer(
        self,
        customer_id: str,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        cid = sql_id(customer_id, "customer")
        reason = checked(validation.validate_reason, reason, "reason")
        now = self.now()
        require_future(until, now, "until")
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            load_customer(session, cid)
            result = session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == cid, ~ban_in_force(now))
                .values(
                    ban_reason=reason,
                    banned_at=now,
                    banned_by=self.actor,
                    ban_expires_at=until,
                    version=CustomerRow.version + 1,
                    updated_at=now,
                    updated_by=self.actor,
                )
                .execution_options(**_NO_SYNC)
            )
            if rowcount(result) != 1:
                raise AlreadyDone("already banned")
            # An ended ban left on the row counts as no ban: "before" says so.
            audit.record(
                session,
                self,
                action="customer.ban",
                target_type="customer",
                target_id=cid,
                customer_id=cid,
                before={"banned": False, "reason": None, "until": None},
                after={"banned": True, "reason": reason, "until": until},
                reason=reason,
                request_id=request_id,
            )
            return self._customer(session, cid)

    def unban_customer(self, customer_id: str, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        cid = sql_id(customer_id, "customer")
        now = self.now()
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            # Locked, so the ban recorded in "before" is the one this UPDATE lifts.
            row = load_customer(session, cid, lock=True)
            result = session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == cid, ban_in_force(now))
                .values(
                    ban_reason=None,
                    banned_at=None,
                    banned_by=None,
                    ban_expires_at=None,
                    version=CustomerRow.version + 1,
                    updated_at=now,
                    updated_by=self.actor,
                )
                .execution_options(**_NO_SYNC)
            )
            if rowcount(result) != 1:
                raise AlreadyDone("not banned")
            audit.record(
                session,
                self,
                action="customer.unban",
                target_type="customer",
                target_id=cid,
                customer_id=cid,
                before={
                    "banned": True,
                    "reason": row.ban_reason,
                    "until": row.ban_expires_at,
                    "banned_by": row.banned_by,
                },
                after={"banned": False, "reason": None, "until": None},
                request_id=request_id,
            )
            return self._customer(session, cid)
