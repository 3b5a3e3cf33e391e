"""Tokens: the secret is returned once, only its hash is stored, nothing secret is audited."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from write_checks import audit_rows, count, one, rows

from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.core.models import TokenState
from storeadmin.data import SqlStoreService
from storeadmin.data.tokens import hash_secret, verify_token
from support import factories


def test_create_stores_only_hash_and_prefix(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    expires = datetime.now(UTC) + timedelta(days=30)
    created = service.create_token(cid, label=" Discord bot ", expires_at=expires)

    secret = created.secret
    assert secret.startswith("sa_")
    assert len(secret) == 3 + 43
    token = created.token
    assert (token.customer_id, token.label, token.created_by) == (cid, "Discord bot", "alice")
    assert token.prefix == secret[:11]
    assert token.expires_at == expires
    assert token.state(datetime.now(UTC)) is TokenState.ACTIVE

    row = one(service, "customer_tokens", id=token.id)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in row)
    assert secret not in stored
    assert secret[11:] not in stored  # not even the unshown part

    [entry] = audit_rows(service)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "token.create",
        "token",
        str(token.id),
    )
    assert entry.after == {
        "id": int(token.id),
        "label": "Discord bot",
        "prefix": secret[:11],
        "expires_at": expires.isoformat(),
    }


def test_audit_never_holds_the_secret_or_its_hash(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    created = [service.create_token(cid, label=f"t{n}") for n in range(3)]
    service.revoke_token(cid, created[0].token.id)
    service.revoke_all_tokens(cid)
    dump = json.dumps([[str(v) for v in entry] for entry in audit_rows(service)])
    for made in created:
        assert made.secret not in dump
        assert made.secret[3:] not in dump
        assert hash_secret(made.secret) not in dump


def test_lookup_by_raw_secret_works_and_by_hash_fails(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    created = service.create_token(cid, label="api")
    assert verify_token(service, created.secret) == cid
    assert verify_token(service, hash_secret(created.secret)) is None
    assert verify_token(service, "sa_" + hash_secret(created.secret)) is None
    assert verify_token(service, created.secret[:-1]) is None
    with service.read() as session:
        assert verify_token(session, created.secret) == cid
    service.revoke_token(cid, created.token.id)
    assert verify_token(service, created.secret) is None


def test_create_refusals_write_nothing(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    with pytest.raises(Invalid) as refused:
        service.create_token(cid, label="x" * 101)
    assert set(refused.value.fields) == {"label"}
    with pytest.raises(Invalid) as refused:
        service.create_token(cid, label="old", expires_at=datetime.now(UTC) - timedelta(days=1))
    assert set(refused.value.fields) == {"expires_at"}
    with pytest.raises(NotFound, match="no customer with ID 404"):
        service.create_token(404, label="x")
    assert count(service, "customer_tokens") == 0
    assert audit_rows(service) == []


def test_revoke_once_then_already_done(service: SqlStoreService) -> None:
    cid = factories.customer(service.engine)
    token = service.create_token(cid, label="api").token
    revoked = service.revoke_token(cid, token.id)
    assert revoked.revoked_at is not None
    assert revoked.state(datetime.now(UTC)) is TokenState.REVOKED
    with pytest.raises(AlreadyDone, match="already revoked"):
        service.revoke_token(cid, token.id)
    entries = audit_rows(service, "token.revoke")
    assert len(entries) == 1
    assert entries[0].before["revoked_at"] is None
    assert entries[0].after["prefix"] == token.prefix


def test_revoke_someone_elses_token_is_not_found(service: SqlStoreService) -> None:
    alice = factories.customer(service.engine, "Alice", external_id="76561198000000001")
    bob = factories.customer(service.engine, "Bob", external_id="76561198000000002")
    token = service.create_token(alice, label="api").token
    with pytest.raises(NotFound):
        service.revoke_token(bob, token.id)
    with pytest.raises(NotFound):
        service.revoke_token(alice, str(int(token.id) + 100))
    assert one(service, "customer_tokens", id=token.id).revoked_at is None
    assert audit_rows(service, "token.revoke") == []


def test_revoke_all_counts_and_audits_once(service: SqlStoreService) -> None:
    alice = factories.customer(service.engine, "Alice", external_id="76561198000000001")
    bob = factories.customer(service.engine, "Bob", external_id="76561198000000002")
    tokens = [service.create_token(alice, label=f"t{n}").token for n in range(3)]
    other = service.create_token(bob, label="bob's").token
    service.revoke_token(alice, tokens[0].id)

    assert service.revoke_all_tokens(alice) == 2
    assert all(
        row.revoked_at is not None for row in rows(service, "customer_tokens", customer_id=alice)
    )
    assert one(service, "customer_tokens", id=other.id).revoked_at is None
    [entry] = audit_rows(service, "token.revoke_all")
    assert entry.after["count"] == 2
    assert entry.after["token_ids"] == [int(tokens[1].id), int(tokens[2].id)]

    assert service.revoke_all_tokens(alice) == 0
    assert len(audit_rows(service, "token.revoke_all")) == 1
    with pytest.raises(NotFound):
        service.revoke_all_tokens(404)
