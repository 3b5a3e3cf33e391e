"""Typed errors raised by every StoreService implementation.

The UI and the CLI catch these and nothing else; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from storeadmin.core.text import redact_credentials


class StoreError(Exception):
    """Base of every error a user can cause or meet; ``str()`` is one clear line.

    The message is redacted (``redact_credentials``) when the error is made, so no
    password in a location of any shape reaches the CLI, the TUI or a log through it.
    """

    def __init__(self, message: str) -> None:
        message = redact_credentials(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(StoreError):
    """The customer, order, item, … does not exist."""


class Invalid(StoreError):
    """Input was refused; ``fields`` maps a field name to what is wrong with it."""

    def __init__(self, fields: Mapping[str, str], message: str | None = None) -> None:
        self.fields: dict[str, str] = dict(fields)
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.fields.items()))


class InvalidRows(Invalid):
    """A multi-row form (metadata) was refused; ``rows`` maps a row index to its problem.

    ``labels`` names rows in the message (``key 'Tier'``) where a row number would mean
    nothing to the reader (the CLI sets one key of a map); others read ``row N``.
    """

    def __init__(self, rows: Mapping[int, str], *, labels: Mapping[int, str] | None = None) -> None:
        self.rows: dict[int, str] = dict(rows)
        names = labels or {}
        super().__init__(
            {
                names.get(index, f"row {index + 1}"): problem
                for index, problem in sorted(self.rows.items())
            }
        )


class Conflict(StoreError):
    """Someone else changed the record since it was read, or a unique value is taken."""

    def __init__(
        self,
        message: str,
        *,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at

    @classmethod
    def stale(cls, changed_by: str | None, changed_at: datetime | None) -> Conflict:
        """An edit made against an old version: the same words on every backend."""
        if changed_by and changed_at is not None:
            message = f"changed by {changed_by} at {changed_at:%Y-%m-%d %H:%M} UTC — reload"
        elif changed_by:
            message = f"changed by {changed_by} — reload"
        else:
            message = "changed by someone else — reload"
        return cls(message, changed_by=changed_by, changed_at=changed_at)


class AlreadyDone(StoreError):
    """The action had already happened (a revoked item, a replayed request): nothing changed."""


class Unavailable(StoreError):
    """The database cannot be reached, is read-only, full or locked; nothing was written."""


class Unsupported(StoreError):
    """This store cannot do that (a hosted store without the API for it); nothing changed."""
