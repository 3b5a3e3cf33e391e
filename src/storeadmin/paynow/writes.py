"""Writes to the PayNow store, each journalled locally after the API call.

Stale edits: PayNow has no version counter nor ``If-Match``. An edit carries the
``updated_at`` read with the customer (its ``version``); the write first re-reads the
customer and refuses (Conflict) when ``updated_at`` moved, then PATCHes. What remains
is the window between that re-read and the PATCH (one round trip): a change landing
inside it is overwritten. storeadmin cannot close it; PayNow would need a conditional
update for that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from storeadmin.core.errors import AlreadyDone, Conflict, Invalid, NotFound, StoreError
from storeadmin.core.identifiers import canonical_external_id
from storeadmin.core.models import (
    CreatedToken,
    Customer,
    CustomerToken,
    InventoryItem,
    ItemState,
    MetadataField,
    Platform,
)
from storeadmin.core.validation import (
    validate_label,
    validate_metadata,
    validate_reason,
    validate_username,
)
from storeadmin.paynow.journal import OK
from storeadmin.paynow.mapping import (
    Dto,
    ban_identities,
    customer_metadata,
    customer_version,
    format_time,
    parse_time,
    to_customer,
    to_item,
)
from storeadmin.paynow.reads import PayNowReads

T = TypeVar("T")

_ID_FIELD = {
    Platform.STEAM: "steam_id",
    Platform.MINECRAFT: "minecraft_uuid",
    Platform.XBOX: "xbox_xuid",
}


class PayNowWrites(PayNowReads):
    """The write half of ``StoreService``."""

    def _journalled(
        self,
        call: Callable[[], T],
        *,
        action: str,
        target_type: str,
        target_id: str,
        customer_id: str | None,
        before: Mapping[str, Any] | None = None,
        after: Callable[[T], Mapping[str, Any] | None] = lambda _: None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> T:
        """Make the API call, then journal what happened (a failure as ``failed: …``)."""
        try:
            result = call()
        except StoreError as error:
            self._journal.record(
                actor=self._actor,
                action=action,
                target_type=target_type,
                target_id=target_id,
                customer_id=customer_id,
                before=before,
                reason=reason,
                outcome=f"failed: {error}",
                at=self._now(),
            )
            raise
        self._journal.record(
            actor=self._actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            customer_id=customer_id,
            before=before,
            after=after(result),
            reason=reason,
            outcome=OK,
            at=self._now(),
            request_id=request_id,
        )
        return result

    def _refuse_replay(self, request_id: str | None) -> None:
        if self._journal.seen_request(request_id):
            raise AlreadyDone("this request was already carried out")

    def _fresh(self, customer_id: str, expected_version: str | None) -> Dto:
        """The customer as PayNow has it now; Conflict when it moved past ``expected_version``."""
        dto = self._customer_dto(customer_id)
        if expected_version is not None and customer_version(dto) != expected_version:
            at = parse_time(dto.get("updated_at"))
            when = f" at {at:%Y-%m-%d %H:%M} UTC" if at else ""
            raise Conflict(f"changed in PayNow{when} since you opened it — reload", changed_at=at)
        return dto

    # ------------------------------------------------------------ customer

    def edit_customer(
        self,
        customer_id: str,
        *,
        expected_version: str,
        username: str | None = None,
        platform: Platform | None = None,
        external_id: str | None = None,
    ) -> Customer:
        """PATCH name and/or platform ID (validated, canonicalised, unique per platform)."""
        body: dict[str, Any] = {}
        try:
            if username is not None:
                body["name"] = validate_username(username)
        except ValueError as error:
            raise Invalid({"username": str(error)}) from None
        if external_id is not None or platform is not None:
            kind = Platform(platform) if platform is not None else None
            if kind is None or kind not in _ID_FIELD:
                raise Invalid({"platform": "a PayNow customer has a Steam, Minecraft or Xbox ID"})
            try:
                canonical = canonical_external_id(kind, external_id or "")
            except ValueError as error:
                raise Invalid({"external_id": str(error)}) from None
            body[_ID_FIELD[kind]] = canonical
        dto = self._fresh(customer_id, expected_version)
        for key, value in body.items():
            if key in _ID_FIELD.values() and str(dto.get(key) or "") != value:
                self._ensure_id_free(customer_id, key, value)
        before = {k: dto.get(k) for k in body}
        if not body:
            return to_customer(dto)
        updated = self._journalled(
            lambda: self._client.patch(self._client.store_path(f"/customers/{customer_id}"), body),
            action="customer.edit",
            target_type="customer",
            target_id=customer_id,
            customer_id=customer_id,
            before=before,
            after=lambda r: {k: (r or {}).get(k) for k in body},
        )
        return to_customer(updated or dto)

    def _ensure_id_free(self, customer_id: str, param: str, value: str) -> None:
        """Conflict when another customer already has that platform ID."""
        try:
            other = self._client.get(self._client.store_path("/customers/lookup"), {param: value})
        except NotFound:
            return
        if isinstance(other, dict) and str(other.get("id")) != customer_id:
            raise Conflict(
                f"that ID belongs to customer {other.get('id')} ({to_customer(other).username})"
            )

    def replace_metadata(
        self,
        customer_id: str,
        fields: Sequence[MetadataField],
        *,
        expected_version: str | None = None,
    ) -> tuple[MetadataField, ...]:
        """PATCH the whole ``metadata`` map (validated; cleared rows dropped)."""
        cleaned = validate_metadata(fields, now=self._now())
        dto = self._fresh(customer_id, expected_version)
        before = customer_metadata(dto)
        new = {f.key: f.value for f in cleaned}
        updated = self._journalled(
            lambda: self._client.patch(
                self._client.store_path(f"/customers/{customer_id}"), {"metadata": new}
            ),
            action="customer.metadata",
            target_type="customer",
            target_id=customer_id,
            customer_id=customer_id,
            before=before,
            after=lambda _: new,
        )
        result = customer_metadata(updated) if isinstance(updated, dict) else new
        return tuple(MetadataField(k, v) for k, v in sorted(result.items()))

    # ------------------------------------------------------------ bans

    def ban_customer(
        self,
        customer_id: str,
        *,
        reason: str,
        until: datetime | None = None,
        request_id: str | None = None,
    ) -> Customer:
        """``POST /bans`` on the customer's ID and SteamID (AlreadyDone if banned)."""
        try:
            cleaned = validate_reason(reason)
        except ValueError as error:
            raise Invalid({"reason": str(error)}) from None
        if until is not None and until <= self._now():
            raise Invalid({"until": "the end of the ban is in the past"})
        self._refuse_replay(request_id)
        dto = self._customer_dto(customer_id)
        if self._check_ban(ban_identities(dto)) is not None:
            raise AlreadyDone("already banned")
        body: dict[str, Any] = {"reason": cleaned, "identities": ban_identities(dto)}
        if until is not None:
            body["expires_at"] = format_time(until)
        self._journalled(
            lambda: self._client.post(self._client.store_path("/bans"), body),
            action="customer.ban",
            target_type="customer",
            target_id=customer_id,
            customer_id=customer_id,
            before={"banned": False},
            after=lambda ban: {"banned": True, "ban_id": (ban or {}).get("id"), "until": until},
            reason=cleaned,
            request_id=request_id,
        )
        return self.get_customer(customer_id).customer

    def unban_customer(self, customer_id: str, *, request_id: str | None = None) -> Customer:
        """``DELETE /bans/{id}`` of the ban in force (AlreadyDone if there is none)."""
        self._refuse_replay(request_id)
        dto = self._customer_dto(customer_id)
        ban = self._ban_dto(dto)
        if ban is None:
            raise AlreadyDone("not banned")
        self._journalled(
            lambda: self._client.delete(self._client.store_path(f"/bans/{ban['id']}")),
            action="customer.unban",
            target_type="customer",
            target_id=customer_id,
            customer_id=customer_id,
            before={"banned": True, "ban_id": ban.get("id"), "reason": ban.get("reason")},
            after=lambda _: {"banned": False},
            request_id=request_id,
        )
        return to_customer(dto)

    # ------------------------------------------------------------ tokens

    def create_token(
        self, customer_id: str, *, label: str, expires_at: datetime | None = None
    ) -> CreatedToken:
        """``POST /customers/{id}/tokens``: the secret is returned once and never stored.

        PayNow tokens have no label or expiry: an expiry is refused (it could not be
        enforced); a label is kept in the local journal only."""
        if expires_at is not None:
            raise self._unsupported("give a token an expiry")
        try:
            note = validate_label(label)
        except ValueError as error:
            raise Invalid({"label": str(error)}) from None
        self._customer_dto(customer_id)
        response = self._journalled(
            lambda: self._client.post(self._client.store_path(f"/customers/{customer_id}/tokens")),
            action="token.create",
            target_type="token",
            target_id=customer_id,
            customer_id=customer_id,
            after=lambda _: {"created": True, "label": note},
        )
        secret = str((response or {}).get("token") or "")
        now = self._now()
        token = CustomerToken(
            id=f"{customer_id}:{int(now.timestamp())}",
            customer_id=customer_id,
            label=note,
            prefix=secret[:6],
            created_at=now,
            created_by=self._actor,
        )
        return CreatedToken(token=token, secret=secret)

    def revoke_token(self, customer_id: str, token_id: str) -> CustomerToken:
        """Unsupported: PayNow invalidates all of a customer's tokens at once."""
        raise self._unsupported("revoke one token: invalidate all of the customer's tokens instead")

    def revoke_all_tokens(self, customer_id: str) -> int:
        """``DELETE /customers/{id}/tokens``; returns how many tokens storeadmin created
        since the last invalidation (PayNow does not say how many it invalidated)."""
        self._customer_dto(customer_id)
        known = self._journal.count_since(customer_id, "token.create", "token.revoke_all")
        self._journalled(
            lambda: self._client.delete(
                self._client.store_path(f"/customers/{customer_id}/tokens")
            ),
            action="token.revoke_all",
            target_type="token",
            target_id=customer_id,
            customer_id=customer_id,
            after=lambda _: {"invalidated": "all"},
        )
        return known

    # ------------------------------------------------------------ items

    def assign_product(
        self,
        customer_id: str,
        product_id: str,
        *,
        server_ids: Sequence[str] | None = None,
        expires_at: datetime | None = None,
        request_id: str | None = None,
    ) -> InventoryItem:
        """``POST /customers/{id}/delivery/items`` (refused for a banned customer)."""
        if expires_at is not None and expires_at <= self._now():
            raise Invalid({"expires": "the expiry is in the past"})
        self._refuse_replay(request_id)
        details = self.get_customer(customer_id)
        if details.customer.ban is not None:
            raise Invalid({"customer": f"banned: {details.customer.ban.reason}"})
        product = self._product(product_id)
        servers = list(server_ids or ())
        if len(servers) > 1:
            raise Invalid({"servers": "PayNow assigns an item to one game server (or to all)"})
        body: dict[str, Any] = {"product_id": product.id, "quantity": 1}
        if servers:
            body["execute_on_gameserver_id"] = servers[0]
        if expires_at is not None:
            body["override_expires_at"] = format_time(expires_at)
        rows = self._journalled(
            lambda: self._client.post(
                self._client.store_path(f"/customers/{customer_id}/delivery/items"), body
            ),
            action="item.assign",
            target_type="product",
            target_id=product.id,
            customer_id=customer_id,
            after=lambda r: {"product": product.name, "items": [x.get("id") for x in r or ()]},
            request_id=request_id,
        )
        if not rows:
            raise NotFound("PayNow assigned nothing")
        self._item_owner[str(rows[0]["id"])] = customer_id
        return to_item(rows[0], self._now())

    def revoke_item(
        self, item_id: str, *, reason: str, request_id: str | None = None
    ) -> InventoryItem:
        """``DELETE /customers/{id}/delivery/items/{item}`` (AlreadyDone unless active).

        PayNow's revoke takes no reason: the reason lives in the local journal."""
        try:
            cleaned = validate_reason(reason)
        except ValueError as error:
            raise Invalid({"reason": str(error)}) from None
        self._refuse_replay(request_id)
        dto = self._item_dto(item_id)
        item = to_item(dto, self._now())
        if item.state is not ItemState.ACTIVE:
            raise AlreadyDone(f"already {item.state.value}")
        customer_id = item.customer_id or self._item_owner[item_id]
        path = self._client.store_path(f"/customers/{customer_id}/delivery/items/{item_id}")
        self._journalled(
            lambda: self._client.delete(path),
            action="item.revoke",
            target_type="item",
            target_id=item_id,
            customer_id=customer_id,
            before={"state": item.state.value, "product": item.product_name},
            after=lambda _: {"state": ItemState.REVOKED.value},
            reason=cleaned,
            request_id=request_id,
        )
        try:
            return self.get_item(item_id)
        except NotFound:
            return item
