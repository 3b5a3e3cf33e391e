"""Fill the customer mirror from the Management API: resumable, page by page.

A run walks ``GET /customers`` oldest first (``asc=true``) with keyset ``after``; after
every page it commits the rows and the last ID in ``meta.cursor``, so an interrupted
run resumes from there. Then it reads the stats leaderboard
(``GET /v2/stores/{id}/stats/customers``) for net spend and active subscriptions and
the ban list (``GET /bans``), forgets customers the run did not see, and stamps
``completed_at``. The next run starts a new pass over everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storeadmin.paynow.http import PAGE_LIMIT, PayNowClient
from storeadmin.paynow.mapping import (
    EPOCH,
    customer_identity,
    customer_metadata,
    customer_name,
    parse_time,
)
from storeadmin.paynow.mirror import Mirror, MirrorRow

Progress = Callable[[int], None]
"""Called with the number of customers stored so far in this run."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one run did."""

    customers: int
    """Customers stored by this run (including those of a resumed earlier attempt)."""
    resumed: bool
    removed: int
    completed_at: datetime


def mirror_row(dto: dict[str, Any]) -> MirrorRow:
    """A ``CustomerDto`` as a mirror row."""
    platform, external = customer_identity(dto)
    return MirrorRow(
        id=str(dto["id"]),
        name=customer_name(dto),
        platform=platform,
        external_id=external,
        steam_id=_canonical(dto.get("steam_id")),
        minecraft_uuid=_canonical(dto.get("minecraft_uuid"), lower=True),
        xbox_xuid=_canonical(dto.get("xbox_xuid")),
        created_at=parse_time(dto.get("created_at")) or EPOCH,
        metadata=customer_metadata(dto),
    )


def _canonical(value: object, *, lower: bool = False) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if lower:
        text = text.lower()
        if len(text) == 32 and "-" not in text:
            text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def sync_mirror(
    client: PayNowClient,
    mirror: Mirror,
    *,
    progress: Progress | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    page_limit: int = PAGE_LIMIT,
) -> SyncResult:
    """Run (or resume) one full sync of ``mirror`` from ``client``'s store."""
    cursor = mirror.get_meta("cursor")
    run_text = mirror.get_meta("run")
    resumed = cursor is not None and run_text is not None
    if resumed:
        run = int(run_text or "1")
        stored = int(mirror.get_meta("stored") or "0")
    else:
        run = int(run_text or "0") + 1
        stored = 0
        mirror.set_meta(run=str(run), stored="0", cursor="")
        cursor = ""
    customers_path = client.store_path("/customers")
    while True:
        params: dict[str, Any] = {"limit": page_limit, "asc": True}
        if cursor:
            params["after"] = cursor
        page = client.get(customers_path, params)
        rows = [mirror_row(dto) for dto in page or ()]
        if rows:
            mirror.upsert(rows, run)
            stored += len(rows)
            cursor = rows[-1].id
            mirror.set_meta(cursor=cursor, stored=str(stored))
            if progress is not None:
                progress(stored)
        if len(rows) < page_limit:
            break
    _sync_stats(client, mirror)
    _sync_bans(client, mirror)
    removed = mirror.drop_older_runs(run)
    finished = now()
    mirror.set_meta(cursor=None, completed_at=finished.isoformat())
    return SyncResult(customers=stored, resumed=resumed, removed=removed, completed_at=finished)


def _sync_stats(client: PayNowClient, mirror: Mirror) -> None:
    """Net spend and active subscriptions of every customer from the leaderboard."""
    path = client.store_path("/stats/customers", version=2)
    rows: list[tuple[str, int, int]] = []
    for dto in client.paged(path, {"sort_field": "total_spend_net"}, key="customer_id"):
        net = (dto.get("total_spend_net") or {}).get("amount_minor_units") or 0
        rows.append(
            (str(dto["customer_id"]), int(net), int(dto.get("total_active_subscriptions") or 0))
        )
        if len(rows) >= 1000:
            mirror.set_stats(rows)
            rows = []
    mirror.set_stats(rows)


def _sync_bans(client: PayNowClient, mirror: Mirror) -> None:
    """Enabled bans on a customer ID or SteamID (the identities search can show)."""
    found: list[tuple[str, str | None]] = []
    for dto in client.paged(client.store_path("/bans")):
        if not dto.get("enabled", True):
            continue
        for identity in dto.get("identities") or ():
            if identity.get("ban_type") in ("customer", "steam"):
                found.append((str(identity.get("ban_type_value")), dto.get("expires_at")))
    mirror.replace_bans(found)
