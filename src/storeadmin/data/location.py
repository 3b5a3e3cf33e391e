"""What a SQL store's location is, in the SQL backend's own words (no SQLAlchemy here:
the app asks before its first paint).

A location is a SQLite file path, a ``sqlite:///`` URL or a ``postgresql://`` URL.
"""

from __future__ import annotations

import re
from pathlib import Path

from storeadmin.core.text import redact_credentials

SCHEMES = ("sqlite", "postgresql", "postgres")
"""URL schemes (before any ``+driver``) the SQL backend opens."""

KIND = "database"

HINT = "Check the location (--db PATH_OR_URL or $STOREADMIN_DB) and that the server is up."


def is_sql_location(location: str) -> bool:
    """True for a path or a URL of a scheme this backend opens."""
    if "://" not in location:
        return not re.match(r"^[a-z][a-z0-9+.-]*:/", location, re.IGNORECASE)
    scheme = location.split("://", 1)[0].split("+", 1)[0].lower()
    return scheme in SCHEMES


def label(location: str) -> str:
    """The location without any password, whatever its shape (``postgresql:/u:pw@h``)."""
    return redact_credentials(location)


def sqlite_file(location: str) -> Path | None:
    """The file a SQLite location names, or None (PostgreSQL, in-memory)."""
    if "://" not in location:
        path_text = location
    elif location.lower().startswith("sqlite:///"):
        path_text = location[len("sqlite:///") :].split("?", 1)[0].removeprefix("file:")
    else:
        return None
    if not path_text or path_text == ":memory:":
        return None
    return Path(path_text).expanduser()


def missing_file(location: str) -> Path | None:
    """The file of a SQLite location that does not exist, else None."""
    path = sqlite_file(location)
    return None if path is None or path.exists() else path


def missing_message(path: Path) -> str:
    """What to tell the user about a store file that is not there (credentials redacted:
    a malformed URL such as ``admin:pw@host/db`` reads as a path)."""
    shown = redact_credentials(str(path))
    return (
        f"no store at {shown}: check the path, or create one with "
        f"`storeadmin db upgrade --db {shown}` (empty) or `storeadmin demo --db {shown}`"
    )
