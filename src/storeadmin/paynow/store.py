"""The PayNow implementation of ``StoreService`` and how to open one."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx

from storeadmin.config import ConfigError, data_dir
from storeadmin.core.audit_detail import AuditDetail
from storeadmin.core.errors import Unavailable
from storeadmin.core.models import CommandAttempt
from storeadmin.paynow.delivery import PayNowDelivery
from storeadmin.paynow.http import PayNowClient
from storeadmin.paynow.journal import Journal
from storeadmin.paynow.location import PayNowLocation, resolve_location
from storeadmin.paynow.mirror import Mirror
from storeadmin.paynow.search import PayNowSearch


class PayNowStore(PayNowDelivery, PayNowSearch):
    """``StoreService`` over a PayNow store's Management API, with a local journal and mirror."""

    def __init__(
        self,
        client: PayNowClient,
        *,
        actor: str,
        location: str,
        journal: Journal,
        mirror: Mirror,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(
            client, actor=actor, location=location, journal=journal, mirror=mirror, clock=clock
        )
        self._item_owner: dict[str, str] = {}
        self._attempts: dict[str, CommandAttempt] = {}

    def get_audit_entry(self, customer_id: str, audit_id: str) -> AuditDetail:
        """One entry of the local journal in full (its metadata entries hold whole maps)."""
        return self._journal.detail(customer_id, audit_id)

    @property
    def client(self) -> PayNowClient:
        """The HTTP client (for ``storeadmin sync``)."""
        return self._client

    @property
    def mirror(self) -> Mirror:
        """The local customer mirror (for ``storeadmin sync``)."""
        return self._mirror


def local_paths(store_id: str, base: Path | None = None) -> tuple[Path, Path]:
    """The journal and mirror files of a store in the data dir."""
    safe = re.sub(r"[^0-9A-Za-z_-]", "_", store_id)
    root = (base or data_dir()) / "paynow"
    return root / f"{safe}.journal.sqlite3", root / f"{safe}.mirror.sqlite3"


def open_paynow_store(
    location: str,
    *,
    actor: str,
    clock: Callable[[], datetime] | None = None,
    transport: httpx.BaseTransport | None = None,
    environ: dict[str, str] | None = None,
    home: Path | None = None,
    sleep: Callable[[float], None] | None = None,
) -> PayNowStore:
    """Open ``paynow://<store id>``: key and base URL from the environment or config file.

    ``transport``, ``environ``, ``home`` and ``sleep`` are for tests. Nothing is requested
    until the first read, so opening is instant; a missing key is Unavailable at once.
    """
    try:
        where: PayNowLocation = resolve_location(location, environ)
    except ConfigError as error:
        raise Unavailable(str(error)) from None
    client = PayNowClient(
        where.api_url, where.store_id, where.api_key, transport=transport, sleep=sleep or time.sleep
    )
    journal_path, mirror_path = local_paths(where.store_id, home)
    try:
        journal = Journal(journal_path, where.store_id)
        mirror = Mirror(mirror_path)
    except OSError as error:
        client.close()
        raise Unavailable(
            f"cannot open the local PayNow files in {journal_path.parent}: {error}"
        ) from None
    store = PayNowStore(
        client, actor=actor, location=where.location, journal=journal, mirror=mirror, clock=clock
    )
    return store
