"""Customer writes: edit (version-checked), ban and unban (compare-and-set).

Each method is one write transaction holding the change and its audit row; a refusal
or a no-op writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from storeadmin.core import identifiers, validation
from storeadmin.core.errors import AlreadyDone, Conflict, Invalid
from storeadmin.core.models import Customer, Platform
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.mappers import customer_from_row
from storeadmin.data.schema import CustomerRow
from storeadmin.data.write_common import (
    ban_in_force,
    checked,
    load_customer,
    require_future,
    stale_conflict,
)

_NO_SYNC = {"synchronize_session": False}
"""Bulk UPDATEs here never touch ORM objects, so there is nothing to synchronise."""


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


class CustomerWrites(ServiceBase):
    """Edit, ban and unban a customer."""

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
        customer_id: int,
        *,
        expected_version: int,
        username: str | None = None,
        platform: Platform | None = None,
        external_id: str | None = None,
    ) -> Customer:
        """Change name and/or platform ID (validated, canonicalised, unique per platform).

        Raises Conflict when the customer changed since ``expected_version`` was read
        or when another customer already has that ID.
        """
        if username is not None:
            username = checked(validation.validate_username, username, "username")
        target_platform = _platform(platform) if platform is not None else None
        now = self.now()
        with self.write() as session:
            row = load_customer(session, customer_id)
            if row.version != expected_version:
                raise stale_conflict(row)
            changes = self._edit_changes(row, username, target_platform, external_id)
            if not changes:
                return customer_from_row(row, now)
            if "platform" in changes or "external_id" in changes:
                _ensure_external_id_free(
                    session,
                    customer_id,
                    Platform(changes.get("platform", row.platform)),
                    changes.get("external_id", row.external_id),
                )
            values: dict[str, Any] = dict(changes)
            if "username" in changes:
                values["name_key"] = changes["username"].casefold()  # search key; FTS syncs
            result = session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == customer_id, CustomerRow.version == expected_version)
                .values(
                    **values,
                    version=CustomerRow.version + 1,
                    updated_at=now,
                    updated_by=self.actor,
                )
                .execution_options(**_NO_SYNC)
            )
            if result.rowcount != 1:
                raise stale_conflict(load_customer(session, customer_id))
            audit.record(
                session,
                self,
                action="customer.edit",
                target_type="customer",
                target_id=customer_id,
                customer_id=customer_id,
                before={key: getattr(row, key) for key in changes},
                after=changes,
            )
            return self._customer(session, customer_id)

    def ban_customer(
        self,
        customer_id: int,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        reason = checked(validation.validate_reason, reason, "reason")
        now = self.now()
        require_future(until, now, "until")
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            load_customer(session, customer_id)
            result = session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == customer_id, ~ban_in_force(now))
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
            if result.rowcount != 1:
                raise AlreadyDone("already banned")
            # An ended ban left on the row counts as no ban: "before" says so.
            audit.record(
                session,
                self,
                action="customer.ban",
                target_type="customer",
                target_id=customer_id,
                customer_id=customer_id,
                before={"banned": False, "reason": None, "until": None},
                after={"banned": True, "reason": reason, "until": until},
                reason=reason,
                request_id=request_id,
            )
            return self._customer(session, customer_id)

    def unban_customer(self, customer_id: int, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        now = self.now()
        with self.write() as session:
            audit.ensure_new_request(session, request_id)
            # Locked, so the ban recorded in "before" is the one this UPDATE lifts.
            row = load_customer(session, customer_id, lock=True)
            result = session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == customer_id, ban_in_force(now))
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
            if result.rowcount != 1:
                raise AlreadyDone("not banned")
            audit.record(
                session,
                self,
                action="customer.unban",
                target_type="customer",
                target_id=customer_id,
                customer_id=customer_id,
                before={
                    "banned": True,
                    "reason": row.ban_reason,
                    "until": row.ban_expires_at,
                    "banned_by": row.banned_by,
                },
                after={"banned": False, "reason": None, "until": None},
                request_id=request_id,
            )
            return self._customer(session, customer_id)
