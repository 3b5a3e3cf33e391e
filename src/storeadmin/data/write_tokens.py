"""Token writes: create (secret returned once, hash stored), revoke one, revoke all.

Audit entries name the token by id, label and display prefix; never its secret or hash.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from storeadmin.core import validation
from storeadmin.core.errors import AlreadyDone, NotFound
from storeadmin.core.models import CreatedToken, CustomerToken
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.mappers import token_from_row
from storeadmin.data.schema import TokenRow
from storeadmin.data.tokens import display_prefix, hash_secret, new_secret
from storeadmin.data.write_common import checked, load_customer, require_future

TOKENS = TokenRow.__table__


class TokenWrites(ServiceBase):
    """Create and revoke customer tokens."""

    def create_token(
        self, customer_id: int, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """Create a token; the secret is returned once and only its hash is stored."""
        label = checked(validation.validate_label, label, "label")
        now = self.now()
        require_future(expires_at, now, "expires_at")
        secret = new_secret()
        prefix = display_prefix(secret)
        with self.write() as session:
            load_customer(session, customer_id)
            token_id = session.execute(
                insert(TokenRow)
                .values(
                    customer_id=customer_id,
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
                customer_id=customer_id,
                after={"id": token_id, "label": label, "prefix": prefix, "expires_at": expires_at},
            )
            row = session.execute(select(TOKENS).where(TOKENS.c.id == token_id)).one()
        return CreatedToken(token=token_from_row(row), secret=secret)

    def revoke_token(self, customer_id: int, token_id: int) -> CustomerToken:
        """Revoke one token (AlreadyDone if it was revoked)."""
        now = self.now()
        with self.write() as session:
            result = session.execute(
                update(TokenRow)
                .where(
                    TokenRow.id == token_id,
                    TokenRow.customer_id == customer_id,
                    TokenRow.revoked_at.is_(None),
                )
                .values(revoked_at=now)
                .execution_options(synchronize_session=False)
            )
            row = session.execute(
                select(TOKENS).where(TOKENS.c.id == token_id, TOKENS.c.customer_id == customer_id)
            ).one_or_none()
            if row is None:
                raise NotFound(f"customer {customer_id} has no token with ID {token_id}")
            if result.rowcount != 1:
                raise AlreadyDone("already revoked")
            audit.record(
                session,
                self,
                action="token.revoke",
                target_type="token",
                target_id=token_id,
                customer_id=customer_id,
                before={
                    "id": token_id,
                    "label": row.label,
                    "prefix": row.prefix,
                    "revoked_at": None,
                },
                after={"id": token_id, "label": row.label, "prefix": row.prefix, "revoked_at": now},
            )
            return token_from_row(row)

    def revoke_all_tokens(self, customer_id: int) -> int:
        """Revoke every token not yet revoked (expired ones too); returns how many."""
        now = self.now()
        with self.write() as session:
            load_customer(session, customer_id)
            revoked = session.execute(
                update(TokenRow)
                .where(TokenRow.customer_id == customer_id, TokenRow.revoked_at.is_(None))
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
                target_id=customer_id,
                customer_id=customer_id,
                after={
                    "count": len(revoked),
                    "token_ids": [token.id for token in revoked],
                    "prefixes": [token.prefix for token in revoked],
                    "revoked_at": now,
                },
            )
            return len(revoked)
