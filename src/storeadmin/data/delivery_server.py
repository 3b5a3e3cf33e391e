"""The SQL implementation of ``DeliveryService``: what ``storeadmin serve`` calls.

Every call is one short transaction. A poll hands out the server's open attempts and
counts each hand-out in the same transaction (a duplicate delivery stays visible); an
ack is a conditional UPDATE, so acks are idempotent and the first ack's time and IP
stay. Several ``serve`` processes on one PostgreSQL are safe: nothing is read, then
written on the strength of that read, except under a row-level condition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storeadmin.core.delivery import (
    AckResult,
    AuthenticatedServer,
    LinkRequest,
    LinkResult,
    OnlinePlayers,
    PlayerJoin,
    PreviousLink,
    QueuedCommand,
    ServerDisabled,
    Unauthenticated,
    hash_token,
    hashes_match,
)
from storeadmin.core.errors import NotFound
from storeadmin.core.models import CommandStatus, Platform
from storeadmin.data.checks import rowcount
from storeadmin.data.delivery_rows import CUSTOMERS, server_from_row
from storeadmin.data.delivery_schema import ATTEMPTS, GAME_SERVERS, ITEMS, PRESENCE
from storeadmin.data.delivery_sweep import ExpirySweep
from storeadmin.data.ids import parse_int, sql_id
from storeadmin.data.schema import UtcDateTime

MAX_TOKEN_LENGTH = 256


class SqlDeliveryService(ExpirySweep):
    """``DeliveryService`` over SQLite or PostgreSQL (see the module docstring)."""

    def __init__(
        self, engine: Engine, *, actor: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(engine, actor=actor, clock=clock)

    # ------------------------------------------------------------ auth and link

    def authenticate(self, token: str) -> AuthenticatedServer:
        """The server holding ``token``; Unauthenticated or ServerDisabled otherwise."""
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise Unauthenticated("missing or malformed game server token")
        presented = hash_token(token)
        with self.read() as session:
            row = session.execute(
                select(
                    GAME_SERVERS.c.id,
                    GAME_SERVERS.c.name,
                    GAME_SERVERS.c.enabled,
                    GAME_SERVERS.c.token_hash,
                ).where(GAME_SERVERS.c.token_hash == presented)
            ).one_or_none()
        if row is None or row.token_hash is None or not hashes_match(row.token_hash, presented):
            raise Unauthenticated("unknown game server token")
        if not row.enabled:
            raise ServerDisabled("this game server has been disabled by an admin")
        return AuthenticatedServer(id=str(row.id), name=row.name)

    def link(self, server_id: str, request: LinkRequest) -> LinkResult:
        """Record the plugin's link info; the previous link comes back when it was made
        from another address or host name (the token moved, or is used twice)."""
        key = sql_id(server_id, "game server")
        now = self.now()
        with self.write() as session:
            before = session.execute(
                select(GAME_SERVERS).where(GAME_SERVERS.c.id == key)
            ).one_or_none()
            if before is None:
                raise NotFound(f"no game server with ID {server_id}")
            session.execute(
                update(GAME_SERVERS)
                .where(GAME_SERVERS.c.id == key)
                .values(
                    linked_hostname=request.hostname or before.linked_hostname,
                    linked_platform=request.platform or before.linked_platform,
                    linked_version=request.version or before.linked_version,
                    linked_ip=request.ip or before.linked_ip,
                    linked_at=now,
                    last_poll_at=now,
                )
            )
            after = session.execute(select(GAME_SERVERS).where(GAME_SERVERS.c.id == key)).one()
        previous = None
        # A restart of the same server is no "previously linked" (the plugins warn on it).
        moved = (request.ip or before.linked_ip, request.hostname or before.linked_hostname) != (
            before.linked_ip,
            before.linked_hostname,
        )
        if before.linked_at is not None and moved:
            previous = PreviousLink(
                ip=before.linked_ip or "",
                host_name=before.linked_hostname or "",
                last_linked_at=before.linked_at,
            )
        return LinkResult(server=server_from_row(after), previously_linked=previous)

    # ------------------------------------------------------------ poll and ack

    def poll(
        self, server_id: str, online: OnlinePlayers | None, *, limit: int = 500
    ) -> tuple[QueuedCommand, ...]:
        """Open attempts of the server, oldest first; each hand-out is counted."""
        key = sql_id(server_id, "game server")
        now = self.now()
        params: dict[str, object] = {"server": key, "limit": limit}
        if online is not None:
            params.update(
                steam=sorted(online.steam_ids),
                uuids=sorted(online.minecraft_uuids),
                names=sorted(online.customer_names),
            )
        query = _poll_query(
            online is not None,
            bool(online and online.steam_ids),
            bool(online and online.minecraft_uuids),
            bool(online and online.customer_names),
        )
        with self.write() as session:
            rows = session.execute(query, params).all()
            if rows:
                session.execute(_MARK_DELIVERED, {"ids": [row.id for row in rows], "now": now})
            session.execute(
                _MARK_POLLED, {"server": key, "now": now, "stale": now - POLL_RESOLUTION}
            )
        return tuple(_queued(row) for row in rows)

    def acknowledge(
        self, server_id: str, attempt_ids: Sequence[str], *, peer_ip: str | None
    ) -> AckResult:
        """Mark this server's attempts executed; repeats change nothing."""
        key = sql_id(server_id, "game server")
        now = self.now()
        wanted: dict[int, str] = {}
        unknown: list[str] = []
        for raw in attempt_ids:
            number = parse_int(raw)
            if number is None:
                unknown.append(raw)
            else:
                wanted.setdefault(number, raw)
        if not wanted:
            return AckResult(executed=0, already=0, unknown=tuple(unknown))
        with self.write() as session:
            known = set(
                session.execute(
                    select(ATTEMPTS.c.id).where(
                        ATTEMPTS.c.id.in_(list(wanted)), ATTEMPTS.c.server_id == key
                    )
                ).scalars()
            )
            executed = 0
            if known:
                result = session.execute(
                    update(ATTEMPTS)
                    .where(ATTEMPTS.c.id.in_(sorted(known)), ATTEMPTS.c.executed_at.is_(None))
                    .values(
                        executed_at=now,
                        executed_by_ip=peer_ip,
                        status=CommandStatus.EXECUTED.value,
                    )
                )
                executed = rowcount(result)
        unknown.extend(raw for number, raw in wanted.items() if number not in known)
        return AckResult(executed=executed, already=len(known) - executed, unknown=tuple(unknown))

    # ------------------------------------------------------------ events

    def record_events(self, server_id: str, joins: Sequence[PlayerJoin]) -> int:
        """Upsert each known customer's last sighting (a later one never goes back)."""
        key = sql_id(server_id, "game server")
        if not joins:
            return 0
        now = self.now()
        recorded = 0
        with self.write() as session:
            for join in joins:
                customer_id = self._customer_of(session, join)
                if customer_id is None:
                    continue
                seen_at = min(join.timestamp, now)
                values = {
                    "customer_id": customer_id,
                    "last_seen_at": seen_at,
                    "last_seen_ip": join.ip_address,
                    "last_seen_server_id": key,
                }
                make = sqlite_insert if self._engine.dialect.name == "sqlite" else pg_insert
                statement = make(PRESENCE).values(**values)
                statement = statement.on_conflict_do_update(
                    index_elements=[PRESENCE.c.customer_id],
                    set_={
                        "last_seen_at": statement.excluded.last_seen_at,
                        "last_seen_ip": statement.excluded.last_seen_ip,
                        "last_seen_server_id": statement.excluded.last_seen_server_id,
                    },
                    where=PRESENCE.c.last_seen_at <= statement.excluded.last_seen_at,
                )
                session.execute(statement)
                recorded += 1
        return recorded

    @staticmethod
    def _customer_of(session: Session, join: PlayerJoin) -> int | None:
        if join.steam_id is not None:
            platform, external = Platform.STEAM.value, join.steam_id
        elif join.minecraft_uuid is not None:
            platform, external = Platform.MINECRAFT.value, join.minecraft_uuid
        else:
            return None
        return session.execute(
            select(CUSTOMERS.c.id).where(
                CUSTOMERS.c.platform == platform, CUSTOMERS.c.external_id == external
            )
        ).scalar_one_or_none()


_STEAM = Platform.STEAM.value
_MINECRAFT = Platform.MINECRAFT.value

_MARK_DELIVERED = (
    update(ATTEMPTS)
    .where(ATTEMPTS.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        delivered_count=ATTEMPTS.c.delivered_count + 1,
        last_delivered_at=bindparam("now", type_=UtcDateTime()),
        first_delivered_at=func.coalesce(
            ATTEMPTS.c.first_delivered_at, bindparam("now", type_=UtcDateTime())
        ),
    )
)
POLL_RESOLUTION = timedelta(seconds=5)
"""``last_poll_at`` is refreshed at most this often, so an idle poll writes nothing."""

_MARK_POLLED = (
    update(GAME_SERVERS)
    .where(
        GAME_SERVERS.c.id == bindparam("server"),
        or_(
            GAME_SERVERS.c.last_poll_at.is_(None),
            GAME_SERVERS.c.last_poll_at < bindparam("stale", type_=UtcDateTime()),
        ),
    )
    .values(last_poll_at=bindparam("now", type_=UtcDateTime()))
)


@lru_cache(maxsize=16)
def _poll_query(filtered: bool, steam: bool, uuids: bool, names: bool) -> Select[Any]:
    """The poll's SELECT for one combination of online lists (bound, so cached)."""
    present: list[ColumnElement[bool]] = [ATTEMPTS.c.online_only == false()]
    if steam:
        present.append(
            and_(
                CUSTOMERS.c.platform == _STEAM,
                CUSTOMERS.c.external_id.in_(bindparam("steam", expanding=True)),
            )
        )
    if uuids:
        present.append(
            and_(
                CUSTOMERS.c.platform == _MINECRAFT,
                CUSTOMERS.c.external_id.in_(bindparam("uuids", expanding=True)),
            )
        )
    if names:
        present.append(CUSTOMERS.c.name_key.in_(bindparam("names", expanding=True)))
    del filtered  # part of the cache key only: GET and an empty POST filter alike
    return (
        select(
            ATTEMPTS.c.id,
            ATTEMPTS.c.command,
            ATTEMPTS.c.online_only,
            ATTEMPTS.c.queued_at,
            CUSTOMERS.c.platform,
            CUSTOMERS.c.external_id,
            CUSTOMERS.c.username,
        )
        .select_from(
            ATTEMPTS.join(ITEMS, ITEMS.c.id == ATTEMPTS.c.item_id).join(
                CUSTOMERS, CUSTOMERS.c.id == ITEMS.c.customer_id
            )
        )
        .where(
            ATTEMPTS.c.server_id == bindparam("server"),
            ATTEMPTS.c.executed_at.is_(None),
            ATTEMPTS.c.unqueued_at.is_(None),
            or_(*present),
        )
        .order_by(ATTEMPTS.c.id)
        .limit(bindparam("limit"))
    )


def _queued(row: Any) -> QueuedCommand:
    """A QueuedCommand from a poll row (attempt + customer identifiers)."""
    platform = row.platform
    return QueuedCommand(
        attempt_id=str(row.id),
        command=row.command,
        online_only=bool(row.online_only),
        queued_at=row.queued_at,
        steam_id=row.external_id if platform == _STEAM else None,
        minecraft_uuid=row.external_id if platform == _MINECRAFT else None,
        customer_name=row.username,
    )
