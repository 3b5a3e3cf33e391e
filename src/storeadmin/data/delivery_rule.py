"""The store's ``FailureRule``, kept in ``store_settings`` so every admin and every
``serve`` of a shared store derives ``failed`` the same way.

Keys: ``delivery.max_deliveries`` (a count) and ``delivery.ack_timeout_seconds``.
Missing or unreadable values fall back to the defaults of ``FailureRule``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storeadmin.core.delivery import DEFAULT_FAILURE_RULE, FailureRule
from storeadmin.data.schema import StoreSetting

MAX_DELIVERIES = "delivery.max_deliveries"
ACK_TIMEOUT = "delivery.ack_timeout_seconds"


def load_rule(session: Session) -> FailureRule:
    """The store's rule (defaults for anything not set or not a positive number)."""
    values = dict(
        session.execute(
            select(StoreSetting.key, StoreSetting.value).where(
                StoreSetting.key.in_([MAX_DELIVERIES, ACK_TIMEOUT])
            )
        ).all()
    )
    count = _positive(values.get(MAX_DELIVERIES))
    seconds = _positive(values.get(ACK_TIMEOUT))
    return FailureRule(
        max_deliveries=count or DEFAULT_FAILURE_RULE.max_deliveries,
        ack_timeout=timedelta(seconds=seconds) if seconds else DEFAULT_FAILURE_RULE.ack_timeout,
    )


def save_rule(session: Session, rule: FailureRule) -> None:
    """Store ``rule`` (in the caller's transaction)."""
    session.merge(StoreSetting(key=MAX_DELIVERIES, value=str(rule.max_deliveries)))
    session.merge(StoreSetting(key=ACK_TIMEOUT, value=str(int(rule.ack_timeout.total_seconds()))))


def _positive(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    number = int(text)
    return number if number > 0 else None
