"""A page of search results: the rows the phases found, why each matched, their figures
(net spent, active subscriber) and the cursor that resumes after the last one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storeadmin.core.models import CustomerSummary, MatchKind, Page, Platform
from storeadmin.core.money import Money
from storeadmin.data.base import Reader
from storeadmin.data.paging import encode_cursor
from storeadmin.data.stats import search_figures

CURSOR_KIND = "search"


@dataclass(frozen=True, slots=True)
class Hit:
    """One result row, why it matched, and the cursor payload that resumes after it."""

    row: Any
    kind: MatchKind
    resume: dict[str, Any]


def page_of(
    session: Reader, text: str, hits: list[Hit], limit: int, now: datetime, currency: str
) -> Page[CustomerSummary]:
    """The first ``limit`` hits as a page, with a cursor when there are more; their
    figures (net spent, active subscriber) read in one statement."""
    spent, subscribers = search_figures(session, [int(hit.row.id) for hit in hits[:limit]])
    return page_with_figures(text, hits, limit, now, currency, spent, subscribers)


def page_with_figures(
    text: str,
    hits: list[Hit],
    limit: int,
    now: datetime,
    currency: str,
    spent: dict[int, int],
    subscribers: set[int],
) -> Page[CustomerSummary]:
    """``page_of`` with the figures already read (net spent by customer id, active
    subscribers)."""
    shown = hits[:limit]
    next_cursor = None
    if len(hits) > limit and shown:
        next_cursor = encode_cursor(CURSOR_KIND, {"q": text, **shown[-1].resume})
    matches = [(hit.row, hit.kind) for hit in shown]
    return Page(
        items=_summaries(matches, spent, subscribers, now, currency), next_cursor=next_cursor
    )


def summaries(
    session: Reader, matches: list[tuple[Any, MatchKind]], now: datetime, currency: str
) -> tuple[CustomerSummary, ...]:
    """Search-result rows for ``customers`` rows and why each matched; net spent and
    "active subscriber" come from one statement for all of them."""
    spent, subscribers = search_figures(session, [int(row.id) for row, _ in matches])
    return _summaries(matches, spent, subscribers, now, currency)


def _summaries(
    matches: list[tuple[Any, MatchKind]],
    spent: dict[int, int],
    subscribers: set[int],
    now: datetime,
    currency: str,
) -> tuple[CustomerSummary, ...]:
    return tuple(
        CustomerSummary(
            id=str(row.id),
            username=row.username,
            platform=Platform(row.platform),
            external_id=row.external_id,
            first_seen=row.first_seen,
            net_spent=Money.trusted(spent.get(int(row.id), 0), currency),
            banned=row.ban_reason is not None
            and (row.ban_expires_at is None or row.ban_expires_at > now),
            active_subscriber=int(row.id) in subscribers,
            matched_by=kind,
        )
        for row, kind in matches
    )
