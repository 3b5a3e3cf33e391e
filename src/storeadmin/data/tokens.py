"""Customer token secrets: how they are made, hashed and looked up.

Only ``sha256(secret)`` is stored. The secret is 256 random bits, so a fast hash is
enough (nothing to brute-force); the first characters are kept as a display prefix.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storeadmin.data.base import ServiceBase
from storeadmin.data.schema import TokenRow

SECRET_PREFIX = "sa_"
"""Marks a storeadmin token in logs and secret scanners."""
DISPLAY_PREFIX_LENGTH = 11
"""``sa_`` plus 8 characters: enough to recognise a token, useless to guess it."""


def new_secret() -> str:
    """A fresh token secret: ``sa_`` + 43 URL-safe characters (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: lowercase SHA-256 hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    """What the token list shows to tell tokens apart."""
    return secret[:DISPLAY_PREFIX_LENGTH]


def _lookup(session: Session, secret: str, now: datetime) -> int | None:
    return session.execute(
        select(TokenRow.customer_id).where(
            TokenRow.token_hash == hash_secret(secret),
            TokenRow.revoked_at.is_(None),
            or_(TokenRow.expires_at.is_(None), TokenRow.expires_at > now),
        )
    ).scalar_one_or_none()


def verify_token(
    session_or_service: Session | ServiceBase, secret: str, *, now: datetime | None = None
) -> int | None:
    """The customer a raw secret belongs to, if the token is active; else None.

    Looks up by hash, so passing the stored hash itself matches nothing.
    """
    if not secret.startswith(SECRET_PREFIX):
        return None
    if isinstance(session_or_service, ServiceBase):
        when = now or session_or_service.now()
        with session_or_service.read() as session:
            return _lookup(session, secret, when)
    return _lookup(session_or_service, secret, now or datetime.now(UTC))
