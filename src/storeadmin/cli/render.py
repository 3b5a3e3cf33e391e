"""Human output of the headless commands: Rich tables with every data string as plain text.

Nothing from the store is ever parsed as markup: the consoles are created with
``markup=False`` and every value goes through ``safe`` (``display_safe``) into a
``rich.text.Text``, so a name like ``[bold]x`` prints literally and an ESC byte in a
username never reaches the admin's terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storeadmin.core.models import (
    AuditEntry,
    CommandAttempt,
    CommandStage,
    Customer,
    CustomerDetails,
    CustomerSummary,
    CustomerToken,
    GameServer,
    InventoryItem,
    MetadataField,
    Order,
    Product,
    Subscription,
)
from storeadmin.core.money import Money
from storeadmin.core.text import display_safe
from storeadmin.core.timefmt import format_date, format_local, relative

MAX_CELL = 200
"""Longest data string put in one table cell (a 10 kB name must not flood the screen)."""


PIPE_WIDTH = 160
"""Table width when stdout is not a terminal (a pipe to less or grep): wide, unwrapped rows."""


class _PipeConsole(Console):
    """A Console whose reader may go away (``storeadmin … | head``) without an error."""

    def on_broken_pipe(self) -> None:
        """Rich's default raises ``SystemExit(1)``: a closed pipe read as a failure.
        Quiet the console and let the CLI's handler end the command with 0."""
        self.quiet = True
        raise BrokenPipeError


def console() -> Console:
    """A stdout console that never interprets markup, emoji codes or highlights."""
    # Rich falls back to 80 columns on a pipe, which wraps IDs mid-way; $COLUMNS still wins.
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPE_WIDTH
    return _PipeConsole(
        file=sys.stdout, markup=False, highlight=False, emoji=False, soft_wrap=False, width=width
    )


def err_console() -> Console:
    """The stderr twin of ``console``: prompts and notes, never data on stdout."""
    return Console(file=sys.stderr, markup=False, highlight=False, emoji=False, stderr=True)


def safe(value: object, *, max_length: int | None = MAX_CELL) -> str:
    """Any value as display-safe plain text; None becomes an empty string."""
    if value is None:
        return ""
    return display_safe(str(value), max_length=max_length)


def cell(value: object, style: str = "") -> Text:
    """A table cell holding ``value`` as literal text."""
    return Text(safe(value), style=style)


def note(message: str) -> None:
    """One informational line on stderr (stdout stays data only)."""
    print(f"storeadmin: {safe(message, max_length=500)}", file=sys.stderr)


# ---------------------------------------------------------------- values


def when(moment: datetime | None) -> str:
    """Local date and time, or empty."""
    return "" if moment is None else format_local(moment)


def day(moment: datetime | None) -> str:
    """Local date, or empty."""
    return "" if moment is None else format_date(moment)


def money(amount: Money | None) -> str:
    """``$1,234.50`` or empty."""
    return "" if amount is None else amount.format()


def table(*headers: str, title: str | None = None) -> Table:
    """A table whose cells fold rather than lose characters of an ID."""
    grid = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid


def badges(banned: bool, subscriber: bool) -> Text:
    """BANNED / SUB markers of a customer row."""
    text = Text()
    if banned:
        text.append("BANNED", style="bold red")
    if subscriber:
        text.append(" SUB" if banned else "SUB", style="green")
    return text


# ---------------------------------------------------------------- customers


def search_table(rows: Sequence[CustomerSummary]) -> Table:
    """Search results."""
    grid = table(
        "ID",
        "Username",
        "Platform",
        "External ID",
        "First seen",
        "Net spent",
        "Badges",
        "Matched by",
    )
    for row in rows:
        grid.add_row(
            cell(row.id),
            cell(row.username),
            cell(row.platform.value),
            cell(row.external_id),
            cell(day(row.first_seen)),
            cell(money(row.net_spent)),
            badges(row.banned, row.active_subscriber),
            cell(row.matched_by.value),
        )
    return grid


def customer_lines(customer: Customer, profile: str | None = None) -> list[Text]:
    """Who the customer is, one labelled line each, with the ban in force if any."""
    lines = [
        _labelled("Customer", f"#{customer.id} {safe(customer.username)}"),
        _labelled("Platform", customer.platform.value),
        _labelled("External ID", safe(customer.external_id)),
    ]
    if profile:
        lines.append(_labelled("Profile", safe(profile)))
    seen = customer.first_seen
    lines.append(_labelled("First seen", f"{when(seen)} ({relative(seen, datetime.now(UTC))})"))
    if customer.updated_at is not None:
        by = f" by {safe(customer.updated_by)}" if customer.updated_by else ""
        lines.append(_labelled("Last changed", f"{when(customer.updated_at)}{by}"))
    if customer.ban is not None:
        ban = customer.ban
        until = f"until {when(ban.expires_at)}" if ban.expires_at else "permanently"
        line = Text("BANNED ", style="bold red")
        line.append(
            f"{until} — {safe(ban.reason)} (by {safe(ban.banned_by)} on {when(ban.banned_at)})"
        )
        lines.append(line)
    return lines


def details_lines(details: CustomerDetails, profile: str | None) -> list[Text]:
    """The stats header of ``customers show``."""
    stats = details.stats
    lines = customer_lines(details.customer, profile)
    lines += [
        _labelled("Total spent (net)", money(stats.total_spent_net)),
        _labelled("MRR", money(stats.mrr)),
        _labelled("Total payments", f"{stats.total_payments:,}"),
        _labelled("Active subscriptions", f"{stats.active_subscriptions:,}"),
    ]
    if stats.total_refunds or stats.total_chargebacks:
        lines.append(
            _labelled(
                "Refunds / chargebacks", f"{stats.total_refunds:,} / {stats.total_chargebacks:,}"
            )
        )
    return lines


def _labelled(label: str, value: str) -> Text:
    """``Label: value`` with the label dimmed; ``value`` must already be display-safe."""
    return Text.assemble((f"{label}: ", "bold"), value)


def inventory_table(items: Sequence[InventoryItem], servers: Mapping[str, str]) -> Table:
    """Inventory items."""
    grid = table(
        "Item", "Product", "Type", "State", "Source", "Granted", "Expires", "Servers",
        title="Inventory",
    )  # fmt: skip
    for item in items:
        source = item.source.value
        if item.order_id is not None:
            source += f" #{item.order_id}"
        elif item.granted_by:
            source += f" by {item.granted_by}"
        state = item.state.value
        if item.revoke_reason:
            state += f" ({item.revoke_reason})"
        grid.add_row(
            cell(item.id),
            cell(item.product_name),
            cell(item.product_type.value),
            cell(state),
            cell(source),
            cell(when(item.granted_at)),
            cell(when(item.expires_at) or "never"),
            cell(server_names(item.server_ids, servers)),
        )
    return grid


def server_names(ids: Iterable[str], servers: Mapping[str, str]) -> str:
    """Server names for IDs; an empty list means every server of the product."""
    names = [servers.get(server_id, f"#{server_id}") for server_id in ids]
    return ", ".join(names) if names else "all"


def orders_table(orders: Sequence[Order]) -> Table:
    """Orders."""
    grid = table("Order", "Products", "Total", "Status", "Gateway", "Created", title="Orders")
    for order in orders:
        grid.add_row(
            cell(order.id),
            cell(order.products),
            cell(money(order.total)),
            cell(order.status.value),
            cell(order.gateway),
            cell(when(order.created_at)),
        )
    return grid


def subscriptions_table(subscriptions: Sequence[Subscription]) -> Table:
    """Subscriptions."""
    grid = table(
        "Sub", "Product", "Amount", "Status", "Period", "Created", "Next billing",
        title="Subscriptions",
    )  # fmt: skip
    for sub in subscriptions:
        grid.add_row(
            cell(sub.id),
            cell(sub.product_name),
            cell(money(sub.amount)),
            cell(sub.status.value),
            cell(sub.interval.label()),
            cell(when(sub.created_at)),
            cell(when(sub.next_billing_at)),
        )
    return grid


def metadata_table(fields: Sequence[MetadataField]) -> Table:
    """Metadata key/value pairs."""
    grid = table("Key", "Value", title="Metadata")
    for field in fields:
        grid.add_row(cell(field.key), cell(field.value))
    return grid


def tokens_table(tokens: Sequence[CustomerToken], now: datetime) -> Table:
    """A customer's tokens; the secret is never known here, only its prefix."""
    grid = table("Token", "Label", "Prefix", "State", "Created", "By", "Last used", "Expires")
    for token in tokens:
        grid.add_row(
            cell(token.id),
            cell(token.label),
            cell(token.prefix),
            cell(token.state(now).value),
            cell(when(token.created_at)),
            cell(token.created_by),
            cell(when(token.last_used_at) or "never"),
            cell(when(token.expires_at) or "never"),
        )
    return grid


def commands_table(attempts: Sequence[CommandAttempt], title: str = "Commands") -> Table:
    """Command attempts exactly as sent to the game servers."""
    grid = table("Server", "Stage", "Command", "Status", "Queued", title=title)
    for attempt in attempts:
        status = attempt.status.value
        if attempt.error:
            status += f": {attempt.error}"
        grid.add_row(
            cell(attempt.server_name),
            cell(attempt.stage.value),
            cell(attempt.command),
            cell(status),
            cell(when(attempt.queued_at)),
        )
    return grid


def item_line(item: InventoryItem) -> Text:
    """One line describing an inventory item."""
    expires = f"expires {when(item.expires_at)}" if item.expires_at else "never expires"
    return Text(
        f"item {item.id}: {safe(item.product_name)} — {item.state.value}, {expires}"
        + (f", reason: {safe(item.revoke_reason)}" if item.revoke_reason else "")
    )


# ---------------------------------------------------------------- audit


def change_summary(before: Mapping[str, object] | None, after: Mapping[str, object] | None) -> str:
    """``key: old → new`` for every key whose value differs."""
    before = before or {}
    after = after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        parts.append(f"{key}: {_short(old)} → {_short(new)}")
    return "; ".join(parts)


def _short(value: object) -> str:
    if value is None:
        return "—"
    return safe(value, max_length=60)


def audit_table(entries: Sequence[AuditEntry]) -> Table:
    """Audit entries in the order given (newest first)."""
    grid = table("When", "Who", "Action", "Target", "Reason", "Change")
    for entry in entries:
        grid.add_row(
            cell(when(entry.at)),
            cell(entry.actor),
            cell(entry.action),
            cell(f"{entry.target_type} {entry.target_id}"),
            cell(entry.reason),
            cell(change_summary(entry.before, entry.after)),
        )
    return grid


# ---------------------------------------------------------------- catalogue


def product_term(product: Product) -> str:
    """``30 days`` billing for a subscription, item duration otherwise."""
    if product.interval is not None:
        return f"every {product.interval.label()}"
    if product.duration_days is None:
        return "permanent"
    return f"{product.duration_days} days"


def stage_counts(product: Product) -> str:
    """``on_purchase 2, on_expire 1``."""
    parts = []
    for stage in CommandStage:
        count = len(product.commands_for(stage))
        if count:
            parts.append(f"{stage.value} {count}")
    return ", ".join(parts) or "none"


def products_table(products: Sequence[Product], servers: Sequence[GameServer]) -> Table:
    """The catalogue."""
    names = {server.id: server.name for server in servers}
    grid = table("ID", "Name", "Slug", "Type", "Price", "Term", "Servers", "Commands")
    for product in products:
        grid.add_row(
            cell(product.id),
            cell(product.name),
            cell(product.slug),
            cell(product.type.value),
            cell(money(product.price)),
            cell(product_term(product)),
            cell(server_names(product.server_ids, names)),
            cell(stage_counts(product)),
        )
    return grid
