"""The admin side of delivery for ``SqlStoreService``: a mixin over ``ServiceBase``.

Compose it ahead of the reads so its ``list_game_servers`` (with link info and queue
depth) wins: ``class SqlStoreService(Delivery, Customers, Items, …)``. Each
write is one transaction with its audit entry; cancel and disable are conditional
UPDATEs, so a double press changes and audits once. No secret is ever audited: a
server token is recorded by its prefix.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, insert, or_, select, true, update
from sqlalchemy.orm import Session

from storeadmin.core import validation
from storeadmin.core.delivery import (
    FailureRule,
    LastSeen,
    hash_token,
    new_server_token,
    token_prefix,
)
from storeadmin.core.errors import AlreadyDone, Conflict, Invalid, NotFound
from storeadmin.core.models import (
    CommandAttempt,
    CommandStatus,
    CreatedServerToken,
    GameServer,
    StuckDeliveries,
)
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.checks import rowcount
from storeadmin.data.delivery_rows import (
    attempt_from_row,
    attempts_query,
    server_from_row,
    servers_query,
)
from storeadmin.data.delivery_rule import load_rule, save_rule
from storeadmin.data.delivery_schema import ATTEMPTS, GAME_SERVERS, ITEMS, PRESENCE
from storeadmin.data.ids import out_id, sql_id

STUCK_LIMIT = 500
"""At most this many rows per section of the stuck view (oldest first)."""
GAMES = frozenset({"rust", "minecraft", "fivem", "redm", "gmod", "other"})


class Delivery(ServiceBase):
    """Command attempts and game servers, as admins manage them."""

    _failure_rule: FailureRule | None = None

    @property
    def failure_rule(self) -> FailureRule:
        """How ``failed`` is derived: the store's rule (``store_settings``), read once."""
        if self._failure_rule is None:
            with self.read() as session:
                self._failure_rule = load_rule(session)
        return self._failure_rule

    def set_failure_rule(self, rule: FailureRule) -> FailureRule:
        """Make ``rule`` the store's (audited); every later read derives with it."""
        with self.write() as session:
            before = load_rule(session)
            save_rule(session, rule)
            audit.record(
                session,
                self,
                action="delivery.rule",
                target_type="store",
                target_id="delivery",
                customer_id=None,
                before=_rule_json(before),
                after=_rule_json(rule),
            )
        self._failure_rule = rule
        return rule

    # ------------------------------------------------------------ attempts

    def list_customer_commands(
        self, customer_id: str, *, item_id: str | None = None
    ) -> tuple[CommandAttempt, ...]:
        """Every attempt of a customer (or one of their items), newest first."""
        customer_key = sql_id(customer_id, "customer")
        query = attempts_query().where(ITEMS.c.customer_id == customer_key)
        if item_id is not None:
            query = query.where(ATTEMPTS.c.item_id == sql_id(item_id, "item"))
        now = self.now()
        with self.read() as session:
            rows = session.execute(query.order_by(ATTEMPTS.c.id.desc())).all()
        return tuple(attempt_from_row(row, now=now, rule=self.failure_rule) for row in rows)

    def list_command_attempts(self, item_id: str) -> tuple[CommandAttempt, ...]:
        """Every attempt of an item, oldest first, with delivery facts and derived status
        (overrides the plain read of ``Items`` when composed ahead of it)."""
        key = sql_id(item_id, "inventory item")
        now = self.now()
        with self.read() as session:
            found = session.execute(select(ITEMS.c.id).where(ITEMS.c.id == key)).first()
            if found is None:
                raise NotFound(f"no inventory item with ID {item_id}")
            rows = session.execute(
                attempts_query()
                .where(ATTEMPTS.c.item_id == key)
                .order_by(ATTEMPTS.c.queued_at, ATTEMPTS.c.id)
            ).all()
        return tuple(attempt_from_row(row, now=now, rule=self.failure_rule) for row in rows)

    def get_command_attempt(self, attempt_id: str) -> CommandAttempt:
        """One attempt with its derived status."""
        key = sql_id(attempt_id, "command attempt")
        with self.read() as session:
            row = session.execute(attempts_query().where(ATTEMPTS.c.id == key)).one_or_none()
        if row is None:
            raise NotFound(f"no command attempt with ID {attempt_id}")
        return attempt_from_row(row, now=self.now(), rule=self.failure_rule)

    def resend_command(self, attempt_id: str, *, server_id: str | None = None) -> CommandAttempt:
        """Queue the same command again as a new attempt marked ``rerun``."""
        key = sql_id(attempt_id, "command attempt")
        now = self.now()
        with self.write() as session:
            original = session.execute(attempts_query().where(ATTEMPTS.c.id == key)).one_or_none()
            if original is None:
                raise NotFound(f"no command attempt with ID {attempt_id}")
            target = original.server_id if server_id is None else sql_id(server_id, "game server")
            server = session.execute(
                select(GAME_SERVERS.c.id, GAME_SERVERS.c.enabled).where(GAME_SERVERS.c.id == target)
            ).one_or_none()
            if server is None:
                raise Invalid({"server": f"no game server with ID {server_id}"})
            if not server.enabled:
                raise Invalid({"server": "that game server is disabled"})
            new_id = session.execute(
                insert(ATTEMPTS)
                .values(
                    item_id=original.item_id,
                    server_id=target,
                    stage=original.stage,
                    command=original.command,
                    online_only=original.online_only,
                    status=CommandStatus.PENDING.value,
                    queued_at=now,
                    rerun=True,
                    rerun_of_id=original.id,
                )
                .returning(ATTEMPTS.c.id)
            ).scalar_one()
            audit.record(
                session,
                self,
                action="command.resend",
                target_type="command",
                target_id=new_id,
                customer_id=original.customer_id,
                after={"rerun_of": str(original.id), "server_id": str(target)},
            )
            row = session.execute(attempts_query().where(ATTEMPTS.c.id == new_id)).one()
        return attempt_from_row(row, now=now, rule=self.failure_rule)

    def cancel_command(self, attempt_id: str) -> CommandAttempt:
        """Unqueue an attempt no game server has acknowledged (AlreadyDone otherwise)."""
        key = sql_id(attempt_id, "command attempt")
        now = self.now()
        with self.write() as session:
            result = session.execute(
                update(ATTEMPTS)
                .where(
                    ATTEMPTS.c.id == key,
                    ATTEMPTS.c.executed_at.is_(None),
                    ATTEMPTS.c.unqueued_at.is_(None),
                    ATTEMPTS.c.status.not_in(
                        [CommandStatus.EXECUTED.value, CommandStatus.CANCELED.value]
                    ),
                )
                .values(
                    unqueued_at=now, unqueued_by=self.actor, status=CommandStatus.CANCELED.value
                )
            )
            row = session.execute(attempts_query().where(ATTEMPTS.c.id == key)).one_or_none()
            if row is None:
                raise NotFound(f"no command attempt with ID {attempt_id}")
            if rowcount(result) != 1:
                executed = row.executed_at is not None or row.status == "executed"
                raise AlreadyDone("already executed" if executed else "already canceled")
            audit.record(
                session,
                self,
                action="command.cancel",
                target_type="command",
                target_id=key,
                customer_id=row.customer_id,
                before={"delivered_count": row.delivered_count},
                after={"status": CommandStatus.CANCELED.value},
            )
        return attempt_from_row(row, now=now, rule=self.failure_rule)

    def list_stuck_deliveries(
        self, *, waiting_longer_than: timedelta, player_unseen_for: timedelta
    ) -> StuckDeliveries:
        """Long-waiting attempts, online-only attempts of unseen players, silent servers."""
        now = self.now()
        waiting_since = now - waiting_longer_than
        unseen_since = now - player_unseen_for
        open_ = and_(ATTEMPTS.c.executed_at.is_(None), ATTEMPTS.c.unqueued_at.is_(None))
        waiting = attempts_query().where(open_, ATTEMPTS.c.queued_at < waiting_since)
        unseen = (
            attempts_query()
            .outerjoin(PRESENCE, PRESENCE.c.customer_id == ITEMS.c.customer_id)
            .where(
                open_,
                ATTEMPTS.c.online_only == true(),
                or_(PRESENCE.c.last_seen_at.is_(None), PRESENCE.c.last_seen_at < unseen_since),
            )
        )
        with self.read() as session:
            waiting_rows = session.execute(
                waiting.order_by(ATTEMPTS.c.queued_at, ATTEMPTS.c.id).limit(STUCK_LIMIT)
            ).all()
            unseen_rows = session.execute(
                unseen.order_by(ATTEMPTS.c.queued_at, ATTEMPTS.c.id).limit(STUCK_LIMIT)
            ).all()
            server_rows = session.execute(servers_query()).all()
        rule = self.failure_rule
        silent = tuple(
            server_from_row(row)
            for row in server_rows
            if row.enabled and row.last_poll_at is not None and row.last_poll_at < waiting_since
        )
        return StuckDeliveries(
            waiting=tuple(attempt_from_row(r, now=now, rule=rule) for r in waiting_rows),
            player_unseen=tuple(attempt_from_row(r, now=now, rule=rule) for r in unseen_rows),
            silent_servers=silent,
        )

    def last_seen(self, customer_id: str) -> LastSeen | None:
        """When and where a game server last saw the customer join, if ever."""
        key = sql_id(customer_id, "customer")
        with self.read() as session:
            row = session.execute(
                select(PRESENCE).where(PRESENCE.c.customer_id == key)
            ).one_or_none()
        if row is None:
            return None
        return LastSeen(
            at=row.last_seen_at,
            ip=row.last_seen_ip,
            server_id=out_id(row.last_seen_server_id),
        )

    # ------------------------------------------------------------ game servers

    def list_game_servers(self) -> tuple[GameServer, ...]:
        """Every game server by name, with link info, last poll and queue depth."""
        with self.read() as session:
            rows = session.execute(servers_query()).all()
        return tuple(server_from_row(row) for row in rows)

    @staticmethod
    def _game_server(session: Session, key: int) -> GameServer:
        row = session.execute(servers_query().where(GAME_SERVERS.c.id == key)).one_or_none()
        if row is None:
            raise NotFound(f"no game server with ID {key}")
        return server_from_row(row)

    def add_game_server(self, name: str, *, game: str) -> GameServer:
        """A new, enabled server without a token (issue one with ``issue_server_token``)."""
        try:
            name = validation.validate_label(name)
        except ValueError as error:
            raise Invalid({"name": str(error)}) from None
        if not name:
            raise Invalid({"name": "a game server needs a name"})
        game = game.strip().lower()
        if game not in GAMES:
            raise Invalid({"game": f"one of {', '.join(sorted(GAMES))}"})
        try:
            with self.write() as session:
                key = session.execute(
                    insert(GAME_SERVERS)
                    .values(name=name, game=game, enabled=True)
                    .returning(GAME_SERVERS.c.id)
                ).scalar_one()
                audit.record(
                    session,
                    self,
                    action="server.add",
                    target_type="game_server",
                    target_id=key,
                    customer_id=None,
                    after={"name": name, "game": game},
                )
                return self._game_server(session, key)
        except Conflict:
            raise Conflict(f"a game server named {name!r} already exists") from None

    def issue_server_token(self, server_id: str) -> CreatedServerToken:
        """A new token for the server; the previous one stops working at once."""
        key = sql_id(server_id, "game server")
        secret = new_server_token()
        with self.write() as session:
            server = self._game_server(session, key)
            session.execute(
                update(GAME_SERVERS)
                .where(GAME_SERVERS.c.id == key)
                .values(
                    token_hash=hash_token(secret),
                    token_prefix=token_prefix(secret),
                    token_issued_at=self.now(),
                )
            )
            audit.record(
                session,
                self,
                action="server.token",
                target_type="game_server",
                target_id=key,
                customer_id=None,
                after={"prefix": token_prefix(secret)},
            )
        return CreatedServerToken(server=server, secret=secret)

    def disable_game_server(self, server_id: str) -> GameServer:
        """Refuse the server's requests from now on (AlreadyDone if it was disabled)."""
        key = sql_id(server_id, "game server")
        with self.write() as session:
            result = session.execute(
                update(GAME_SERVERS)
                .where(GAME_SERVERS.c.id == key, GAME_SERVERS.c.enabled == true())
                .values(enabled=False)
            )
            server = self._game_server(session, key)
            if rowcount(result) != 1:
                raise AlreadyDone("already disabled")
            audit.record(
                session,
                self,
                action="server.disable",
                target_type="game_server",
                target_id=key,
                customer_id=None,
                before={"enabled": True},
                after={"enabled": False},
            )
        return server


def _rule_json(rule: FailureRule) -> dict[str, int]:
    return {
        "max_deliveries": rule.max_deliveries,
        "ack_timeout_seconds": int(rule.ack_timeout.total_seconds()),
    }
