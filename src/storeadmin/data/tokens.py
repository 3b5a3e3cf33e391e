"""Customer tokens: how secrets are made, hashed and looked up; listing, creating (the
secret returned once, its hash stored), revoking one and revoking all.

Audit entries name a token by id, label and display prefix; never its secret or hash.
Only ``sha256(secret)`` is stored. The secret is 256 random bits, so a fast hash is
enough (nothing to brute-force); the first characters are kept as a display prefix.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from storeadmin.core import validation
from storeadmin.core.errors import AlreadyDone, NotFound
from storeadmin.core.models import CreatedToken, CustomerToken
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.checks import checked, require_future, rowcount
from storeadmin.data.customer_rows import load_customer, require_customer
from storeadmin.data.ids import sql_id
from storeadmin.data.schema import TokenRow

TOKENS = TokenRow.__table__
TOKEN_COLUMNS = tuple(c for c in TOKENS.c if c.name != "token_hash")

SECRET_PREFIX = "sa_"
"""Marks a storeadmin token in logs and secret scanners."""
DISPLAY_PREFIX_LENGTH = 11
"""``sa_`` plus 8 characters: enough to recognise a token, useless to guess it."""


def token_from_row(row: Any) -> CustomerToken:
    """A CustomerToken from a ``customer_tokens`` row (the hash never leaves)."""
    return CustomerToken(
        id=str(row.id),
        customer_id=str(row.customer_id),
        label=row.label,
        prefix=row.prefix,
        created_at=row.created_at,
        created_by=row.created_by,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def new_secret() -> str:
    """A fresh token secret: ``sa_`` + 43 URL-safe characters (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: lowercase SHA-256 hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    """What the token list shows to tell tokens apart."""
    return secret[:DISPLAY_PREFIX_LENGTH]


def _lookup(session: Session, secret: str, now: datetime) -> str | None:
    found = session.execute(
        select(TokenRow.customer_id).where(
            TokenRow.token_hash == hash_secret(secret),
            TokenRow.revoked_at.is_(None),
            or_(TokenRow.expires_at.is_(None), TokenRow.expires_at > now),
        )
    ).scalar_one_or_none()
    return None if found is None else str(found)


def verify_token(
    session_or_service: Session | ServiceBase, secret: str, *, now: datetime | None = None
) -> str | None:
    """The customer (its ID) a raw secret belongs to, if the token is active; else None.

    Looks up by hash, so passing the stored hash itself matches nothing.
    """
    if not secret.startswith(SECRET_PREFIX):
        return None
    if isinstance(session_or_service, ServiceBase):
        when = now or session_or_service.now()
        with session_or_service.read() as session:
            return _lookup(session, secret, when)
    return _lookup(session_or_service, secret, now or datetime.now(UTC))


class Tokens(ServiceBase):
    """List, create and revoke customer tokens."""

    def list_tokens(self, customer_id: str) -> tuple[CustomerToken, ...]:
        """The customer's tokens, newest first (the hash never leaves the database)."""
        cid = sql_id(customer_id, "customer")
        with self.read() as session:
            require_customer(session, cid)
            rows = session.execute(
                select(*TOKEN_COLUMNS)
                .where(TokenRow.customer_id == cid)
                .order_by(TokenRow.created_at.desc(), TokenRow.id.desc())
            ).all()
        return tuple(token_from_row(r) for r in rows)

    def create_token(
        self, customer_id: str, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """Create a token; the secret is returned once and only its hash is stored."""
        cid = sql_id(customer_id, "customer")
        label = checked(validation.validate_label, label, "label")
        now = self.now()
        require_future(expires_at, now, "expires_at")
        secret = new_secret()
        prefix = display_prefix(secret)
        with self.write() as session:
            load_customer(session, cid)
            token_id = session.execute(
                insert(TokenRow)
                .values(
                    customer_id=cid,
                    label=label,
                    prefix=prefix,
                    token_hash=hash_secret(secret),
                    created_at=now,
                    created_by=self.actor,
                    expires_at=expires_at,
                )
                .returning(TokenRow.id)
            ).scalar_one()
            audit.record(
                session,
                self,
                action="token.create",
                target_type="token",
                target_id=token_id,
                customer_id=cid,
                after={"id": token_id, "label": label, "prefix": prefix, "expires_at": expires_at},
            )
            row = session.execute(select(TOKENS).where(TOKENS.c.id == token_id)).one()
        return CreatedToken(token=token_from_row(row), secret=secret)

    def revoke_token(self, customer_id: str, token_id: str) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        cid = sql_id(customer_id, "customer")
        tid = sql_id(token_id, "token")
        now = self.now()
        with self.write() as session:
            result = session.execute(
                update(TokenRow)
                .where(
                    TokenRow.id == tid,
                    TokenRow.customer_id == cid,
                    TokenRow.revoked_at.is_(None),
                )
                .values(revoked_at=now)
                .execution_options(synchronize_session=False)
            )
            row = session.execute(
                select(TOKENS).where(TOKENS.c.id == tid, TOKENS.c.customer_id == cid)
            ).one_or_none()
            if row is None:
                raise NotFound(f"customer {cid} has no token with ID {tid}")
            if rowcount(result) != 1:
                raise AlreadyDone("already revoked")
            audit.record(
                session,
                self,
                action="token.revoke",
                target_type="token",
                target_id=tid,
                customer_id=cid,
                before={
                    "id": tid,
                    "label": row.label,
                    "prefix": row.prefix,
                    "revoked_at": None,
                },
                after={"id": tid, "label": row.label, "prefix": row.prefix, "revoked_at": now},
            )
            return token_from_row(row)

    def revoke_all_tokens(self, customer_id: str) -> int:
        """Revoke every token not yet revoked (expired ones too); returns how many."""
        cid = sql_id(customer_id, "customer")
        now = self.now()
        with self.write() as session:
            load_customer(session, cid)
            revoked = session.execute(
                update(TokenRow)
                .where(TokenRow.customer_id == cid, TokenRow.revoked_at.is_(None))
                .values(revoked_at=now)
                .returning(TokenRow.id, TokenRow.prefix)
                .execution_options(synchronize_session=False)
            ).all()
            if not revoked:
                return 0
            revoked = sorted(revoked)
            audit.record(
                session,
                self,
                action="token.revoke_all",
                target_type="customer",
                target_id=cid,
                customer_id=cid,
                after={
                    "count": len(revoked),
                    "token_ids": [token.id for token in revoked],
                    "prefixes": [token.prefix for token in revoked],
                    "revoked_at": now,
                },
            )
            return len(revoked)
