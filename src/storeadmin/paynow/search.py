"""Customer search on a PayNow store: the local mirror first, the API for what it lacks.

The input is canonicalised as the SQL store does (``core.identifiers``,
``core.search_text.canonical_query``): a SteamID in any form, a Minecraft UUID with or
without dashes or as a NameMC link, an XUID, a Discord mention. With a mirror (``storeadmin
sync``), every phase — exact IDs, metadata values, name prefix, name substring —
runs locally. When the mirror has nothing (or was never synced), the API answers:
``GET /customers/lookup`` for platform IDs, ``GET /customers/{id}``, ``/orders/{id}``
and ``/subscriptions/{id}`` for flake IDs (in parallel), then ``GET /customers?search=``
for names. Rows from the API carry no net spend nor badges (the mirror's rows do).

Names match as on the SQL store (``core.search_text.search_key``: no case, accents or
separators), and a name that neither the mirror nor the API knows gets the mirror's near
matches (``rank_near``, as every store ranks them).

Cursors: ``m:<offset>`` continues in the mirror, ``n:<offset>`` in its near matches,
``a:<after id>`` in the API.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from storeadmin.core.errors import NotFound, StoreError
from storeadmin.core.identifiers import identifier_candidates
from storeadmin.core.models import CustomerSummary, MatchKind, Page, Platform
from storeadmin.core.money import Money
from storeadmin.core.search_text import canonical_query
from storeadmin.paynow.base import PayNowBase
from storeadmin.paynow.http import PAGE_LIMIT
from storeadmin.paynow.mapping import EPOCH, Dto, customer_identity, customer_name, parse_time

_LOOKUP_PARAM = {
    Platform.STEAM: "steam_id",
    Platform.MINECRAFT: "minecraft_uuid",
    Platform.XBOX: "xbox_xuid",
}


class PayNowSearch(PayNowBase):
    """``search_customers`` of the PayNow store."""

    def search_customers(
        self, query: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerSummary]:
        """Exact matches first; an empty query lists the newest customers."""
        limit = max(1, min(limit, 500))
        text = canonical_query(query.strip())  # a NameMC link, a Discord mention
        if cursor is not None and cursor.startswith("a:"):
            return self._api_names(text, limit, cursor[2:] or None)
        offset = int(cursor[2:]) if cursor and cursor[2:].isdigit() else 0
        if cursor is not None and cursor.startswith("n:"):
            return self._near(text, limit, offset)
        mirrored = self._mirror.count() > 0
        if (cursor is not None and cursor.startswith("m:")) or mirrored:
            rows, more = self._mirror.search(text, limit=limit, offset=offset, now=self._now())
            if rows or offset:
                return Page(tuple(rows), next_cursor=f"m:{offset + len(rows)}" if more else None)
        page = self._api_search(text, limit)
        if not page.items and mirrored:  # nothing anywhere: a typo's near matches
            return self._near(text, limit, 0)
        return page

    def _near(self, text: str, limit: int, offset: int) -> Page[CustomerSummary]:
        rows, more = self._mirror.near(text, limit=limit, offset=offset, now=self._now())
        return Page(tuple(rows), next_cursor=f"n:{offset + len(rows)}" if more else None)

    # ------------------------------------------------------------ API

    def _summary(self, dto: Dto, kind: MatchKind) -> CustomerSummary:
        platform, external = customer_identity(dto)
        return CustomerSummary(
            id=str(dto["id"]),
            username=customer_name(dto),
            platform=platform,
            external_id=external,
            first_seen=parse_time(dto.get("created_at")) or EPOCH,
            net_spent=Money.zero(self._currency()),
            banned=False,
            active_subscriber=False,
            matched_by=kind,
        )

    def _api_search(self, text: str, limit: int) -> Page[CustomerSummary]:
        if not text:
            return self._api_names("", limit, None)
        exact = self._api_exact(text)
        if exact:
            return Page(tuple(exact[:limit]), next_cursor=None)
        return self._api_names(text, limit, None)

    def _api_exact(self, text: str) -> list[CustomerSummary]:
        """Platform-ID lookups and flake-ID reads, all in parallel; 404s are no match."""
        jobs: list[tuple[MatchKind, Future[Any]]] = []
        lookup = self._client.store_path("/customers/lookup")
        for platform, canonical in identifier_candidates(text):
            param = _LOOKUP_PARAM[platform]
            jobs.append(
                (MatchKind.EXTERNAL_ID, self._submit(self._client.get, lookup, {param: canonical}))
            )
        if text.isascii() and text.isdigit() and len(text) <= 20:
            for kind, suffix in (
                (MatchKind.CUSTOMER_ID, f"/customers/{text}"),
                (MatchKind.ORDER_ID, f"/orders/{text}"),
                (MatchKind.SUBSCRIPTION_ID, f"/subscriptions/{text}"),
            ):
                jobs.append((kind, self._submit(self._client.get, self._client.store_path(suffix))))
        found: list[CustomerSummary] = []
        seen: set[str] = set()
        for kind, job in jobs:
            try:
                dto = job.result()
            except (NotFound, StoreError) as error:
                if isinstance(error, NotFound):
                    continue
                raise
            if not isinstance(dto, dict):
                continue
            customer = (
                dto
                if kind in (MatchKind.CUSTOMER_ID, MatchKind.EXTERNAL_ID)
                else dto.get("customer")
            )
            if (
                isinstance(customer, dict)
                and customer.get("id")
                and str(customer["id"]) not in seen
            ):
                seen.add(str(customer["id"]))
                found.append(self._summary(customer, kind))
        return found

    def _api_names(self, text: str, limit: int, after: str | None) -> Page[CustomerSummary]:
        """``GET /customers?search=`` (or the newest), keyset-paged with ``after``."""
        fetch = min(PAGE_LIMIT, limit)
        params: dict[str, Any] = {"limit": fetch, "asc": False}
        if text:
            params["search"] = text
        if after:
            params["after"] = after
        rows = list(self._client.get(self._client.store_path("/customers"), params) or [])
        folded = text.casefold()

        def kind_of(dto: Dto) -> MatchKind:
            if not text:
                return MatchKind.NEWEST
            if customer_name(dto).casefold().startswith(folded):
                return MatchKind.NAME_PREFIX
            return MatchKind.NAME_SUBSTRING

        items = tuple(self._summary(d, kind_of(d)) for d in rows)
        more = len(rows) == fetch and rows
        return Page(items, next_cursor=f"a:{rows[-1]['id']}" if more else None)
