"""The details screen's stats header: who the customer is and what they are worth.

Attributes down: the screen calls :meth:`StatsHeader.show` with the loaded
``CustomerDetails``. Every value from data goes through ``cells.plain``; the labels
and the BANNED badge are our own Text, never markup.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Sparkline, Static

from storeadmin.core.identifiers import profile_url
from storeadmin.core.models import Ban, CustomerDetails, CustomerStats, Platform
from storeadmin.core.text import display_safe
from storeadmin.core.timefmt import format_local, relative
from storeadmin.widgets.cells import badge, plain

SPARKLINE_MIN_WIDTH = 100
"""Below this width the spend sparkline is hidden to leave room for the figures."""

PLATFORM_LABELS = {
    Platform.STEAM: "Steam",
    Platform.MINECRAFT: "Minecraft",
    Platform.XBOX: "Xbox",
    Platform.OTHER: "Other",
}


FIGURE_GAP = "  "

TALL_TERMINAL = 30
"""From this height the header may take two lines for the seed's full figure names."""

NEGATIVE_NET_NOTE = (
    "Net below zero: payments were refunded or charged back and their fees were kept "
    "(net = payments − fees − refunds − chargebacks)."
)
"""Said under the figures when Total spent (net) is negative."""


def _figure(label: str, value: str) -> Text:
    """``Total payments 3``: a dim label and a bold value."""
    return Text.assemble((f"{label} ", "dim"), (value, "bold"))


def figure_lines(stats: CustomerStats, width: int, *, tall: bool = True) -> Text:
    """The seed's figures, named as the seed names them, on one line when ``width``
    allows, else money on one line and counts on the next. On a short terminal (not
    ``tall``) one line of the short labels (``Net spent``, ``Payments``, ``Active
    subs``) is preferred to two lines; so are they when the long ones do not fit a
    line. Refunds and chargebacks are counted when the customer has any."""

    def lines(long: bool) -> tuple[Text, Text]:
        money = Text(FIGURE_GAP).join(
            [
                _figure(
                    "Total spent (net)" if long else "Net spent", stats.total_spent_net.format()
                ),
                _figure("MRR", stats.mrr.format()),
            ]
        )
        counts = [
            _figure("Total payments" if long else "Payments", f"{stats.total_payments:,}"),
            _figure(
                "Active subscriptions" if long else "Active subs",
                f"{stats.active_subscriptions:,}",
            ),
        ]
        if stats.total_refunds or stats.total_chargebacks:  # as the CLI: only when any
            counts.append(_figure("Refunds", f"{stats.total_refunds:,}"))
            counts.append(_figure("Chargebacks", f"{stats.total_chargebacks:,}"))
        return money, Text(FIGURE_GAP).join(counts)

    long, short = lines(long=True), lines(long=False)
    one_line = Text(FIGURE_GAP).join(long)
    if one_line.cell_len <= width:
        return one_line
    long_fits = max(part.cell_len for part in long) <= width
    if not (tall and long_fits):  # a short terminal keeps its lines for the tables
        one_line = Text(FIGURE_GAP).join(short)
        if one_line.cell_len <= width:
            return one_line
    return Text("\n").join(long if long_fits else short)


def ban_text(ban: Ban) -> Text:
    """`` BANNED  reason · until 2026-02-01 12:00 · by alice``."""
    until = "permanent" if ban.expires_at is None else f"until {format_local(ban.expires_at)}"
    return Text.assemble(
        badge("BANNED", "bold white on red"),
        " ",
        plain(ban.reason or "no reason given", max_length=120),
        (f" · {until} · by ", "red"),
        plain(ban.banned_by, max_length=40),
    )


class StatsHeader(Horizontal):
    """Name, profile link, IDs, first seen, money figures, ban banner and spend sparkline."""

    DEFAULT_CSS = """
    StatsHeader {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    StatsHeader > #stats-main {
        width: 1fr;
        height: auto;
    }
    StatsHeader #stats-ban {
        display: none;
        color: $error;
    }
    StatsHeader #stats-ban.-banned {
        display: block;
    }
    StatsHeader #stats-note {
        display: none;
        color: $text-muted;
    }
    StatsHeader #stats-note.-shown {
        display: block;
    }
    StatsHeader > #stats-spend {
        width: 40;
        height: auto;
        padding: 0 0 0 2;
    }
    StatsHeader > #stats-spend.-hidden {
        display: none;
    }
    StatsHeader #stats-spend-label {
        color: $text-muted;
    }
    StatsHeader Sparkline {
        height: 2;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._has_spend = False
        self._stats: CustomerStats | None = None

    def compose(self) -> ComposeResult:
        """Text lines on the left, the spend sparkline on the right."""
        with Vertical(id="stats-main"):
            yield Static("Loading customer…", id="stats-name", markup=False)
            yield Static("", id="stats-ids", markup=False)
            yield Static("", id="stats-figures", markup=False)
            yield Static(Text(NEGATIVE_NET_NOTE), id="stats-note", markup=False)
            yield Static("", id="stats-ban", markup=False)
        with Vertical(id="stats-spend", classes="-hidden"):
            yield Static("", id="stats-spend-label", markup=False)
            yield Sparkline([], id="stats-sparkline")

    def show(self, details: CustomerDetails, now: datetime) -> None:
        """Fill every line from ``details``; ``now`` anchors "3 months ago"."""
        customer, stats = details.customer, details.stats
        url = profile_url(customer.platform, customer.external_id)
        name = Text.assemble(plain(customer.username, style="bold", max_length=64), "  ")
        if url:
            # Built by profile_url from a validated ID, shown as text (not a markup link).
            name.append(url, style="underline")
        else:
            name.append("no public profile", style="dim")
        self.query_one("#stats-name", Static).update(name)

        ids = Text.assemble(
            (f"{PLATFORM_LABELS.get(customer.platform, customer.platform.value)} ", "dim"),
            plain(customer.external_id, max_length=64),
            ("  ·  first seen ", "dim"),
            format_local(customer.first_seen),
            (f" ({relative(customer.first_seen, now)})", "dim"),
            ("  ·  ", "dim"),
            (f"#{customer.id}", "dim"),
        )
        self.query_one("#stats-ids", Static).update(ids)

        self._stats = stats
        self.query_one("#stats-note").set_class(stats.total_spent_net.amount < 0, "-shown")

        ban_line = self.query_one("#stats-ban", Static)
        ban_line.set_class(customer.ban is not None, "-banned")
        ban_line.update(ban_text(customer.ban) if customer.ban else "")
        self.set_class(customer.ban is not None, "-banned")

        self._show_spend(details)
        self._show_figures()

    def _show_figures(self) -> None:
        """The figures laid out for the width the text column has now."""
        if self._stats is None:
            return
        width = self.size.width or self.app.size.width
        room = width - 2 - (40 if self._spend_shown() else 0)  # padding, the sparkline
        tall = self.app.size.height >= TALL_TERMINAL
        self.query_one("#stats-figures", Static).update(figure_lines(self._stats, room, tall=tall))

    def show_error(self, message: str) -> None:
        """The header could not load: say so where the name would be."""
        self.query_one("#stats-name", Static).update(
            Text(display_safe(message, max_length=200), style="bold red")
        )

    def _show_spend(self, details: CustomerDetails) -> None:
        points = details.spend_by_month
        # A flat line of zeros says nothing: show the sparkline only when money moved.
        self._has_spend = len(points) >= 2 and any(p.amount.amount for p in points)
        if self._has_spend:
            peak = max(points, key=lambda point: point.amount.amount)
            self.query_one("#stats-spend-label", Static).update(
                Text.assemble(
                    ("Spend ", "dim"),
                    f"{points[0].month}→{points[-1].month}",
                    (" · max ", "dim"),
                    peak.amount.format(),
                )
            )
            self.query_one(Sparkline).data = [max(p.amount.amount, 0) for p in points]
        self._update_spend_visibility()

    def on_resize(self, event: Resize) -> None:
        """Hide the sparkline when the terminal is narrow; lay the figures out again."""
        self._update_spend_visibility()
        self._show_figures()

    def _spend_shown(self) -> bool:
        width = self.size.width or self.app.size.width
        return self._has_spend and width >= SPARKLINE_MIN_WIDTH

    def _update_spend_visibility(self) -> None:
        self.query_one("#stats-spend").set_class(not self._spend_shown(), "-hidden")
