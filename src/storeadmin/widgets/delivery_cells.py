"""Cells for command delivery: an item's delivery state at a glance, an attempt's facts.

Our words carry the colour; every string from data (commands, server names, IPs,
host names) goes through ``cells.plain`` and is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text

from storeadmin.core.models import CommandAttempt, CommandStatus, GameServer
from storeadmin.core.timefmt import format_local, relative
from storeadmin.widgets.cells import plain

DELIVERY_STYLES = {
    CommandStatus.PENDING: "yellow",
    CommandStatus.DELIVERED: "cyan",
    CommandStatus.EXECUTED: "green",
    CommandStatus.FAILED: "bold red",
    CommandStatus.CANCELED: "dim",
}
"""Colour of each command status word."""

OPEN = (CommandStatus.PENDING, CommandStatus.DELIVERED)
"""Statuses of an attempt still waiting for an acknowledgement."""


def delivery_summary(attempts: Iterable[CommandAttempt]) -> Text:
    """An item's delivery state in a few characters: ``2/2 run``, ``1 pending``, ``1 failed``.

    A failure wins over a wait, a wait over the run count; canceled attempts count
    only when nothing else is left. No attempts at all is a dim dash.
    """
    counts = {status: 0 for status in CommandStatus}
    for attempt in attempts:
        counts[attempt.status] += 1
    live = sum(counts.values()) - counts[CommandStatus.CANCELED]
    if counts[CommandStatus.FAILED]:
        return Text(f"{counts[CommandStatus.FAILED]} failed", style="bold red", no_wrap=True)
    waiting = counts[CommandStatus.PENDING] + counts[CommandStatus.DELIVERED]
    if waiting:
        return Text(f"{waiting} pending", style="yellow", no_wrap=True)
    if live:
        return Text(f"{counts[CommandStatus.EXECUTED]}/{live} run", style="green", no_wrap=True)
    if counts[CommandStatus.CANCELED]:
        return Text("canceled", style="dim", no_wrap=True)
    return Text("—", style="dim", no_wrap=True)


def attempt_status(attempt: CommandAttempt) -> Text:
    """``Delivered ×3`` in its colour, with a dim ``rerun`` mark for a resend."""
    label = attempt.status.value.capitalize()
    if attempt.status is not CommandStatus.PENDING and attempt.delivered_count > 1:
        label += f" ×{attempt.delivered_count}"
    text = Text(label, style=DELIVERY_STYLES.get(attempt.status, ""), no_wrap=True)
    if attempt.rerun:
        text.append(" ↻", style="dim")
    return text


def short_time(moment: datetime | None, *, missing: str = "—") -> Text:
    """A local time cell (``2026-11-25 12:00``) or a dim placeholder."""
    if moment is None:
        return Text(missing, style="dim", no_wrap=True)
    return Text(format_local(moment), no_wrap=True)


def ago(moment: datetime | None, now: datetime, *, missing: str = "never") -> Text:
    """``5 minutes ago`` (dim placeholder when there is no moment)."""
    if moment is None:
        return Text(missing, style="dim", no_wrap=True)
    return Text(relative(moment, now), no_wrap=True)


def executed_cell(attempt: CommandAttempt, *, with_ip: bool = True) -> Text:
    """``2026-11-25 12:00 by 203.0.113.7``, the canceled time, or a dash."""
    if attempt.executed_at is not None:
        text = Text(format_local(attempt.executed_at), no_wrap=True)
        if attempt.executed_by_ip and with_ip:
            text.append(" by ", style="dim")
            text.append_text(plain(attempt.executed_by_ip, max_length=45))
        return text
    if attempt.unqueued_at is not None:
        return Text.assemble(("canceled ", "dim"), format_local(attempt.unqueued_at))
    return Text("—", style="dim", no_wrap=True)


def attempt_facts(attempt: CommandAttempt) -> Text:
    """The highlighted attempt's delivery facts, one line: status, handed out, executed,
    canceled (the status first: a narrow table may scroll its column away)."""
    text = attempt_status(attempt)
    text.append(" · ", style="dim")
    text.append("Handed out ", style="dim")
    times = "time" if attempt.delivered_count == 1 else "times"
    text.append(f"{attempt.delivered_count} {times}")
    if attempt.last_delivered_at is not None:
        text.append(", last ", style="dim")
        text.append(format_local(attempt.last_delivered_at))
    if attempt.executed_at is not None:
        text.append(" · executed ", style="dim")
        text.append_text(executed_cell(attempt))
    if attempt.unqueued_at is not None:
        text.append(" · canceled ", style="dim")
        text.append(format_local(attempt.unqueued_at))
    if attempt.online_only:
        text.append(" · runs only while the player is online", style="dim")
    if attempt.rerun:
        text.append(" · a resend (rerun)", style="dim")
    return text


def link_cell(server: GameServer) -> Text:
    """``rust-eu-1 · Rust 2.0 · 203.0.113.7``, or a dim ``not linked``."""
    parts = [
        value
        for value in (
            server.linked_hostname,
            " ".join(v for v in (server.linked_platform, server.linked_version) if v),
            server.linked_ip,
        )
        if value
    ]
    if not parts:
        return Text("not linked", style="dim", no_wrap=True)
    return Text(" · ", style="dim").join(plain(part, max_length=40) for part in parts)


def enabled_cell(server: GameServer) -> Text:
    """``enabled`` in green or ``disabled`` in red."""
    if server.enabled:
        return Text("enabled", style="green", no_wrap=True)
    return Text("disabled", style="red", no_wrap=True)


def server_cells(server: GameServer, now: datetime) -> tuple[Text, ...]:
    """One server row: ID, name, game, state, last poll, queue, oldest pending, link."""
    queue = Text(str(server.pending)) if server.pending else Text("0", style="dim")
    return (
        plain(server.id),
        plain(server.name, max_length=40),
        plain(server.game, max_length=12),
        enabled_cell(server),
        ago(server.last_poll_at, now),
        queue,
        ago(server.oldest_pending_at, now, missing="—"),
        link_cell(server),
    )
