"""Command delivery and game servers on a PayNow store (journalled like every write).

Resend: PayNow resends per game server and item (``POST /gameservers/{id}/delivery/
commands/resend`` with ``inventory_item_id``), so every command of that item on that
server is queued again, not only the one attempt. Cancel: ``POST /delivery/commands/
unqueue``. An attempt is found through the item or customer it was listed under (PayNow
has no read of one attempt), so list the commands before acting on one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storeadmin.core.errors import AlreadyDone, Invalid, NotFound
from storeadmin.core.models import (
    CommandAttempt,
    CommandStatus,
    CreatedServerToken,
    GameServer,
    StuckDeliveries,
)
from storeadmin.core.validation import validate_username
from storeadmin.paynow.base import check_id
from storeadmin.paynow.mapping import to_attempt
from storeadmin.paynow.mapping_orders import to_game_server
from storeadmin.paynow.writes import PayNowWrites

STUCK_PAGES = 5
"""Pages of active delivery items scanned for waiting attempts (500 items)."""


class PayNowDelivery(PayNowWrites):
    """Delivery and game-server administration."""

    _attempts: dict[str, CommandAttempt]

    def list_command_attempts(self, item_id: str) -> tuple[CommandAttempt, ...]:
        """The item's attempts, oldest first (remembered for resend/cancel)."""
        attempts = super().list_command_attempts(item_id)
        self._remember(attempts)
        return attempts

    def list_customer_commands(
        self, customer_id: str, *, item_id: str | None = None
    ) -> tuple[CommandAttempt, ...]:
        """The customer's attempts, newest first (remembered for resend/cancel)."""
        attempts = super().list_customer_commands(customer_id, item_id=item_id)
        self._remember(attempts)
        return attempts

    def _remember(self, attempts: tuple[CommandAttempt, ...]) -> None:
        for attempt in attempts:
            self._attempts[attempt.id] = attempt

    def _attempt(self, attempt_id: str) -> CommandAttempt:
        check_id(attempt_id, "command attempt")
        known = self._attempts.get(attempt_id)
        if known is None:
            raise NotFound(
                f"command attempt {attempt_id} is not known here: list the item's commands first"
            )
        return known

    def _reload_attempt(self, known: CommandAttempt) -> CommandAttempt:
        """The attempt as PayNow has it now (through its item)."""
        try:
            for attempt in self.list_command_attempts(known.item_id):
                if attempt.id == known.id:
                    return attempt
        except NotFound:
            pass
        return known

    def resend_command(self, attempt_id: str, *, server_id: str | None = None) -> CommandAttempt:
        """Queue the item's commands again on its server (or another); the new attempt."""
        known = self._attempt(attempt_id)
        target = check_id(server_id or known.server_id, "game server")
        body = {"inventory_item_id": known.item_id}
        if known.customer_id:
            body["customer_id"] = known.customer_id
        path = self._client.store_path(f"/gameservers/{target}/delivery/commands/resend")
        result = self._journalled(
            lambda: self._client.post(path, body),
            action="command.resend",
            target_type="command",
            target_id=attempt_id,
            customer_id=known.customer_id,
            before={"server": known.server_id, "command": known.command},
            after=lambda r: {"server": target, "queued": (r or {}).get("enqueued_commands_count")},
        )
        if not (result or {}).get("enqueued_commands_count"):
            raise AlreadyDone("PayNow queued nothing (is the item still active?)")
        reruns = [
            a
            for a in self.list_command_attempts(known.item_id)
            if a.rerun and a.server_id == target and a.id != known.id
        ]
        if not reruns:
            raise NotFound("PayNow queued the commands but does not list the new attempt yet")
        return max(reruns, key=lambda a: (a.queued_at, a.id))

    def cancel_command(self, attempt_id: str) -> CommandAttempt:
        """Unqueue an attempt no game server has executed (AlreadyDone otherwise)."""
        known = self._reload_attempt(self._attempt(attempt_id))
        if not known.can_cancel:
            raise AlreadyDone(f"already {known.status.value}")
        result = self._journalled(
            lambda: self._client.post(
                self._client.store_path("/delivery/commands/unqueue"), {"attempt_ids": [attempt_id]}
            ),
            action="command.cancel",
            target_type="command",
            target_id=attempt_id,
            customer_id=known.customer_id,
            before={"status": known.status.value},
            after=lambda r: {"unqueued": (r or {}).get("unqueued_count")},
        )
        if not (result or {}).get("unqueued_count"):
            raise AlreadyDone("PayNow unqueued nothing (already executed or canceled)")
        fresh = self._reload_attempt(known)
        return fresh if fresh.status is CommandStatus.CANCELED else known

    def list_stuck_deliveries(
        self, *, waiting_longer_than: timedelta, player_unseen_for: timedelta
    ) -> StuckDeliveries:
        """Attempts of active items still queued after ``waiting_longer_than`` (the newest
        500 active items are scanned) and servers silent for ``player_unseen_for``.
        PayNow does not say when a player was last seen: ``player_unseen`` holds the
        waiting attempts that are online-only."""
        now = self._now()
        names = self._server_names()
        waiting: list[CommandAttempt] = []
        rows = self._client.paged(
            self._client.store_path("/delivery/items"),
            {"activeOnly": True, "asc": False},
            max_pages=STUCK_PAGES,
        )
        for item in rows:
            for raw in item.get("command_attempts") or ():
                attempt = to_attempt(raw, names, str(item["id"]))
                if (
                    attempt.status is CommandStatus.PENDING
                    and now - attempt.queued_at > waiting_longer_than
                ):
                    waiting.append(attempt)
        self._remember(tuple(waiting))
        silent = tuple(
            s
            for s in self._servers()
            if s.enabled and (s.last_poll_at is None or now - s.last_poll_at > player_unseen_for)
        )
        waiting.sort(key=lambda a: (a.queued_at, a.id))
        return StuckDeliveries(
            waiting=tuple(waiting),
            player_unseen=tuple(a for a in waiting if a.online_only),
            silent_servers=silent,
        )

    # ------------------------------------------------------------ game servers

    def add_game_server(self, name: str, *, game: str) -> GameServer:
        """``POST /gameservers`` (enabled; the store's game is PayNow's, ``game`` is ignored)."""
        try:
            cleaned = validate_username(name)
        except ValueError as error:
            raise Invalid({"name": str(error)}) from None
        dto = self._journalled(
            lambda: self._client.post(
                self._client.store_path("/gameservers"), {"name": cleaned, "enabled": True}
            ),
            action="server.add",
            target_type="server",
            target_id=cleaned,
            customer_id=None,
            after=lambda r: {"id": (r or {}).get("id"), "name": cleaned},
        )
        self._forget("servers")
        return to_game_server(dto, self._game())

    def issue_server_token(self, server_id: str) -> CreatedServerToken:
        """``POST /gameservers/{id}/reset-token``: the new token, shown once."""
        check_id(server_id, "game server")
        dto: dict[str, Any] = self._journalled(
            lambda: self._client.post(
                self._client.store_path(f"/gameservers/{server_id}/reset-token")
            ),
            action="server.token",
            target_type="server",
            target_id=server_id,
            customer_id=None,
            after=lambda _: {"token": "reset"},
        )
        secret = str((dto or {}).get("token") or "")
        if not secret:
            raise NotFound("PayNow reset the token but did not return it: see the dashboard")
        return CreatedServerToken(server=to_game_server(dto, self._game()), secret=secret)

    def disable_game_server(self, server_id: str) -> GameServer:
        """``PATCH /gameservers/{id}`` with ``enabled: false`` (AlreadyDone if disabled)."""
        check_id(server_id, "game server")
        current = self._client.get(self._client.store_path(f"/gameservers/{server_id}"))
        if not current.get("enabled", True):
            raise AlreadyDone("already disabled")
        dto = self._journalled(
            lambda: self._client.patch(
                self._client.store_path(f"/gameservers/{server_id}"), {"enabled": False}
            ),
            action="server.disable",
            target_type="server",
            target_id=server_id,
            customer_id=None,
            before={"enabled": True},
            after=lambda _: {"enabled": False},
        )
        self._forget("servers")
        return to_game_server(dto or current, self._game())
