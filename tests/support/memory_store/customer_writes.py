"""Customer writes in memory: edit, ban, tokens and metadata, each validated under one lock and audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from storeadmin.core import identifiers, validation
from storeadmin.core.errors import AlreadyDone, Conflict, Invalid, NotFound
from storeadmin.core.models import (
    Ban,
    CreatedToken,
    Customer,
    CustomerToken,
    MetadataField,
    Platform,
)
from support.memory_store.base import MemoryBase
from support.memory_store.state import _checked


class CustomerWrites(MemoryBase):
    """Customer writes in memory: edit, ban, tokens and metadata, each validated under one lock and audited."""

    def edit_customer(
        self,
        customer_id: str,
        *,
        expected_version: str,
        username: str | None = None,
        platform: Platform | None = None,
        external_id: str | None = None,
    ) -> Customer:
        """Change name and/or platform ID (validated, canonicalised, unique per platform)."""
        with self._state.lock:
            customer = self._customer(customer_id)
            if str(expected_version) != customer.version:
                raise self._stale(customer)
            changes: dict[str, object] = {}
            if username is not None:
                username = _checked(validation.validate_username, username, "username")
                if username != customer.username:
                    changes["username"] = username
            target = Platform(platform) if platform is not None else customer.platform
            if target is not customer.platform:
                changes["platform"] = target
            if external_id is not None or "platform" in changes:
                raw = external_id if external_id is not None else customer.external_id
                canonical = _checked(
                    partial(identifiers.canonical_external_id, target), raw, "external_id"
                )
                if canonical != customer.external_id:
                    changes["external_id"] = canonical
                for other in self._state.details.values():
                    c = other.customer
                    if c.id != customer.id and c.platform is target and c.external_id == canonical:
                        raise Conflict(
                            f"that {target.value} ID belongs to customer {c.id} ({c.username})"
                        )
            if not changes:
                return customer
            before = {key: getattr(customer, key) for key in changes}
            saved = self._save(replace(customer, **changes))  # type: ignore[arg-type]
            self._audit("customer.edit", "customer", customer.id, customer.id, before, changes)
            return saved

    def ban_customer(
        self,
        customer_id: str,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """Ban the customer (AlreadyDone if a ban is already in force)."""
        reason = _checked(validation.validate_reason, reason, "reason")
        with self._state.lock:
            customer = self._customer(customer_id)
            if until is not None and until <= self._clock():
                raise Invalid({"until": "must be in the future"})
            self._new_request(request_id)
            if customer.ban is not None:
                raise AlreadyDone("already banned")
            saved = self._save(
                replace(customer, ban=Ban(reason, self._clock(), self._actor, until))
            )
            self._audit(
                "customer.ban",
                "customer",
                customer.id,
                customer.id,
                {"banned": False, "reason": None, "until": None},
                {"banned": True, "reason": reason, "until": until},
                reason,
            )
            return saved

    def unban_customer(self, customer_id: str, *, request_id: str | None = None) -> Customer:
        """Lift the ban in force (AlreadyDone if there is none)."""
        with self._state.lock:
            customer = self._customer(customer_id)
            self._new_request(request_id)
            if customer.ban is None:
                raise AlreadyDone("not banned")
            saved = self._save(replace(customer, ban=None))
            self._audit(
                "customer.unban",
                "customer",
                customer.id,
                customer.id,
                {"banned": True, "reason": customer.ban.reason},
                {"banned": False, "reason": None, "until": None},
            )
            return saved

    def create_token(
        self, customer_id: str, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """A new token; the secret is returned once, only its hash would be kept."""
        label = _checked(validation.validate_label, label, "label")
        with self._state.lock:
            self._customer(customer_id)
            secret = "sat_" + secrets.token_urlsafe(24)
            hashlib.sha256(secret.encode()).hexdigest()  # what a real store keeps
            token = CustomerToken(
                self._state.new_id(),
                customer_id,
                label,
                secret[:8],
                self._clock(),
                self._actor,
                expires_at=expires_at,
            )
            self._state.tokens[token.id] = token
            self._audit(
                "token.create",
                "token",
                token.id,
                customer_id,
                None,
                {"label": label, "expires_at": expires_at},
            )
            return CreatedToken(token, secret)

    def revoke_token(self, customer_id: str, token_id: str) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        with self._state.lock:
            token = self._state.tokens.get(str(token_id))
            if token is None or token.customer_id != customer_id:
                raise NotFound(f"customer {customer_id} has no token {token_id}")
            if token.revoked_at is not None:
                raise AlreadyDone("already revoked")
            revoked = replace(token, revoked_at=self._clock())
            self._state.tokens[token.id] = revoked
            self._audit(
                "token.revoke",
                "token",
                token.id,
                customer_id,
                {"revoked": False},
                {"revoked": True},
            )
            return revoked

    def revoke_all_tokens(self, customer_id: str) -> int:
        """Revoke every active token; returns how many were revoked."""
        with self._state.lock:
            now = self._clock()
            active = [
                t
                for t in self.list_tokens(customer_id)
                if t.revoked_at is None and (t.expires_at is None or t.expires_at > now)
            ]
            for token in active:
                self._state.tokens[token.id] = replace(token, revoked_at=now)
            if active:
                self._audit(
                    "token.revoke_all",
                    "customer",
                    customer_id,
                    customer_id,
                    None,
                    {"revoked": len(active)},
                )
            return len(active)

    def replace_metadata(
        self,
        customer_id: str,
        fields: Sequence[MetadataField],
        *,
        expected_version: str | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole map; rows with empty key and value are dropped."""
        kept = validation.validate_metadata(fields, now=self._clock())
        with self._state.lock:
            customer = self._customer(customer_id)
            if expected_version is not None and str(expected_version) != customer.version:
                raise self._stale(customer)
            before = dict(self._state.metadata.get(customer_id, {}))
            after = {f.key: f.value for f in kept}
            if after != before:
                self._state.metadata[customer_id] = after
                self._save(customer)
                self._audit("metadata.replace", "customer", customer_id, customer_id, before, after)
            return self.get_metadata(customer_id)
