"""Human formatting of times: stored in UTC, shown in local time or relative to now."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are UTC by convention (every stored time is UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def to_local(dt: datetime, tz: tzinfo | None = None) -> tuple[datetime, bool]:
    """``dt`` in ``tz`` (default: local), and whether that worked.

    A stored date near ``datetime.max`` (9999-12-31 23:59 UTC, planted or entered before
    dates were bounded) has no local time east of UTC: ``astimezone`` raises
    ``OverflowError``. Then the UTC time is returned with ``False``, so every caller can
    still show it (marked ``UTC``) and one admin's input never crashes a colleague.
    """
    moment = _aware(dt)
    try:
        return moment.astimezone(tz), True
    except (OverflowError, ValueError, OSError):
        return moment.astimezone(UTC), False


def format_local(dt: datetime, *, tz: tzinfo | None = None) -> str:
    """``2026-01-15 13:00`` in ``tz`` (default: the machine's local time zone); a time that
    has no local equivalent (year 9999 east of UTC) is shown in UTC, ``… UTC``."""
    local, ok = to_local(dt, tz)
    text = local.strftime("%Y-%m-%d %H:%M")
    return text if ok else f"{text} UTC"


def format_date(dt: datetime, tz: tzinfo | None = None) -> str:
    """``2026-01-15`` in ``tz`` (default: the machine's local time zone), never raising."""
    local, ok = to_local(dt, tz)
    text = local.strftime("%Y-%m-%d")
    return text if ok else f"{text} UTC"


def _plural(count: int, unit: str) -> str:
    """``1 day``, ``3 days``."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def relative(dt: datetime, now: datetime) -> str:
    """``just now``, ``5 minutes ago``, ``yesterday``, ``3 months ago``, ``in 3 days``, …"""
    seconds = (_aware(now) - _aware(dt)).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    # Whole minutes, rounded: "7d" entered a moment ago still reads "in 7 days".
    seconds = round(seconds / 60) * 60
    minutes, hours, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if minutes < 60:
        span = _plural(minutes, "minute")
    elif hours < 24:
        span = _plural(hours, "hour")
    elif days == 1:
        return "tomorrow" if future else "yesterday"
    elif days < 30:
        span = _plural(days, "day")
    elif days < 365:
        span = _plural(min(days // 30, 11), "month")
    else:
        span = _plural(days // 365, "year")
    return f"in {span}" if future else f"{span} ago"


def format_duration_days(n: int | None) -> str:
    """``30 days``, ``1 day``; None means no end (``permanent``)."""
    if n is None:
        return "permanent"
    return _plural(n, "day")
