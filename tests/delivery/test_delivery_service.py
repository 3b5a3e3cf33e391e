"""The SQL delivery service on SQLite and PostgreSQL: filtering, counting, acks, tokens,
disabled servers, the admin's resend/cancel and the stuck view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.delivery.conftest import STEAM, Store

from storeadmin.core.delivery import (
    FailureRule,
    OnlinePlayers,
    ServerDisabled,
    Unauthenticated,
    attempt_status,
)
from storeadmin.core.errors import AlreadyDone, NotFound
from storeadmin.core.models import CommandStatus


def _ids(commands: tuple[object, ...]) -> list[str]:
    return [c.attempt_id for c in commands]  # type: ignore[attr-defined]


def test_online_only_attempts_need_their_player_in_the_posted_list(store: Store) -> None:
    item = store.item(store.customer(), store.product())
    always = store.attempt(item, "always")
    online = store.attempt(item, "when online", online_only=True)
    server = store.server_id
    assert _ids(store.delivery.poll(server, None)) == [always]
    assert _ids(store.delivery.poll(server, OnlinePlayers())) == [always]
    other = OnlinePlayers(steam_ids=frozenset({"76561198000000002"}))
    assert _ids(store.delivery.poll(server, other)) == [always]
    present = OnlinePlayers(steam_ids=frozenset({STEAM}))
    assert _ids(store.delivery.poll(server, present)) == [always, online]
    by_name = OnlinePlayers(customer_names=frozenset({"alice"}))
    assert _ids(store.delivery.poll(server, by_name)) == [always, online]


def test_each_hand_out_is_counted_and_acks_are_idempotent(store: Store) -> None:
    attempt = store.attempt(store.item(store.customer(), store.product()))
    for _ in range(3):
        assert _ids(store.delivery.poll(store.server_id, None)) == [attempt]
    assert store.admin.get_command_attempt(attempt).delivered_count == 3
    first = store.delivery.acknowledge(store.server_id, [attempt], peer_ip="192.0.2.1")
    again = store.delivery.acknowledge(store.server_id, [attempt], peer_ip="192.0.2.99")
    assert (first.executed, first.already, again.executed, again.already) == (1, 0, 0, 1)
    read = store.admin.get_command_attempt(attempt)
    assert read.status is CommandStatus.EXECUTED
    assert read.executed_by_ip == "192.0.2.1"
    assert store.delivery.poll(store.server_id, None) == ()


def test_unknown_and_foreign_attempts_are_reported_not_acked(store: Store) -> None:
    other = store.admin.add_game_server("Other", game="rust")
    item = store.item(store.customer(), store.product())
    foreign = store.attempt(item, server_id=other.id)
    result = store.delivery.acknowledge(store.server_id, [foreign, "999999", "x"], peer_ip=None)
    assert (result.executed, sorted(result.unknown)) == (0, sorted([foreign, "999999", "x"]))
    assert store.admin.get_command_attempt(foreign).status is CommandStatus.PENDING


def test_a_rotated_token_stops_working_at_once(store: Store) -> None:
    attempt = store.attempt(store.item(store.customer(), store.product()))
    server = store.delivery.authenticate(store.token)
    assert _ids(store.delivery.poll(server.id, None)) == [attempt]  # mid-poll...
    fresh = store.admin.issue_server_token(store.server_id).secret
    with pytest.raises(Unauthenticated):
        store.delivery.authenticate(store.token)
    assert store.delivery.authenticate(fresh).id == store.server_id
    # ...the hand-out to the old token is counted, and the new token gets it again.
    assert _ids(store.delivery.poll(store.server_id, None)) == [attempt]
    assert store.admin.get_command_attempt(attempt).delivered_count == 2


def test_a_disabled_server_is_refused(store: Store) -> None:
    store.admin.disable_game_server(store.server_id)
    with pytest.raises(ServerDisabled):
        store.delivery.authenticate(store.token)
    with pytest.raises(AlreadyDone):
        store.admin.disable_game_server(store.server_id)
    with pytest.raises(Unauthenticated):
        store.delivery.authenticate("gs_not-a-token")


def test_cancel_withholds_and_resend_queues_a_rerun(store: Store) -> None:
    customer = store.customer()
    attempt = store.attempt(store.item(customer, store.product()), "give kit")
    canceled = store.admin.cancel_command(attempt)
    assert canceled.status is CommandStatus.CANCELED
    assert canceled.unqueued_at is not None
    with pytest.raises(AlreadyDone):
        store.admin.cancel_command(attempt)
    assert store.delivery.poll(store.server_id, None) == ()
    rerun = store.admin.resend_command(attempt)
    assert (rerun.rerun, rerun.status, rerun.command) == (True, CommandStatus.PENDING, "give kit")
    assert _ids(store.delivery.poll(store.server_id, None)) == [rerun.id]
    store.delivery.acknowledge(store.server_id, [rerun.id], peer_ip="192.0.2.1")
    with pytest.raises(AlreadyDone, match="executed"):
        store.admin.cancel_command(rerun.id)
    listed = store.admin.list_customer_commands(str(customer))
    assert [a.id for a in listed] == [rerun.id, attempt]
    with pytest.raises(NotFound):
        store.admin.cancel_command("999999")


def test_stuck_view_lists_waiting_unseen_and_silent(store: Store) -> None:
    item = store.item(store.customer(), store.product())
    waiting = store.attempt(item, "waits")
    unseen = store.attempt(item, "needs player", online_only=True)
    store.delivery.poll(store.server_id, None)
    stuck = store.admin.list_stuck_deliveries(
        waiting_longer_than=timedelta(0), player_unseen_for=timedelta(hours=1)
    )
    assert {a.id for a in stuck.waiting} == {waiting, unseen}
    assert [a.id for a in stuck.player_unseen] == [unseen]
    assert [s.id for s in stuck.silent_servers] == [store.server_id]
    calm = store.admin.list_stuck_deliveries(
        waiting_longer_than=timedelta(hours=1), player_unseen_for=timedelta(hours=1)
    )
    assert (calm.waiting, calm.silent_servers) == ((), ())
    [server] = store.admin.list_game_servers()
    assert server.pending == 2
    assert server.last_poll_at is not None


def test_failure_rule_derives_failed_from_counts_and_age() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rule = FailureRule(max_deliveries=3, ack_timeout=timedelta(minutes=5))

    def status(count: int, first: datetime | None, **kw: object) -> CommandStatus:
        return attempt_status(
            stored_status=str(kw.get("stored", "pending")),
            executed_at=kw.get("executed"),  # type: ignore[arg-type]
            unqueued_at=kw.get("unqueued"),  # type: ignore[arg-type]
            delivered_count=count,
            first_delivered_at=first,
            now=now,
            rule=rule,
        )

    assert status(0, None) is CommandStatus.PENDING
    assert status(2, now - timedelta(minutes=1)) is CommandStatus.DELIVERED
    assert status(3, now - timedelta(minutes=1)) is CommandStatus.FAILED
    assert status(1, now - timedelta(minutes=6)) is CommandStatus.FAILED
    assert status(9, now, executed=now) is CommandStatus.EXECUTED
    assert status(9, now, unqueued=now) is CommandStatus.CANCELED
    assert status(0, None, stored="failed") is CommandStatus.FAILED
    with pytest.raises(ValueError, match="max_deliveries"):
        FailureRule(max_deliveries=0)


def test_the_store_failure_rule_is_configurable_and_audited(store: Store) -> None:
    attempt = store.attempt(store.item(store.customer(), store.product()))
    for _ in range(2):
        store.delivery.poll(store.server_id, None)
    assert store.admin.get_command_attempt(attempt).status is CommandStatus.DELIVERED
    store.admin.set_failure_rule(FailureRule(max_deliveries=2, ack_timeout=timedelta(hours=1)))
    assert store.admin.get_command_attempt(attempt).status is CommandStatus.FAILED
    fresh = type(store.admin)(store.engine, actor="bob")
    assert fresh.failure_rule.max_deliveries == 2


def test_an_items_attempts_carry_delivery_facts(store: Store) -> None:
    item = store.item(store.customer(), store.product())
    attempt = store.attempt(item, "say hi")
    store.delivery.poll(store.server_id, None)
    [read] = store.admin.list_command_attempts(str(item))
    assert (read.id, read.status, read.delivered_count) == (attempt, CommandStatus.DELIVERED, 1)
    with pytest.raises(NotFound):
        store.admin.list_command_attempts("999999")
