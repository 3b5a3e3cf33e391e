"""Where storeadmin finds its database and who the acting admin is.

Database, in order: ``--db URL``, ``$STOREADMIN_DB``, ``database`` in the config file
(``config.toml`` in the platformdirs config dir, refused when group/world readable),
else a SQLite file in the user data dir. Keep PostgreSQL passwords out of all of
these: libpq reads them from ``~/.pgpass`` or ``$PGPASSFILE``.
"""

from __future__ import annotations

import os
import pwd
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "storeadmin"


class ConfigError(Exception):
    """The configuration cannot be used; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings for one run."""

    database: str = field(repr=False)
    """URL or path; may contain a password, so it is kept out of repr (crash screens print locals)."""
    admin: str = ""
    demo: bool = False


def os_user() -> str:
    """The effective OS user (not ``$USER``, which anyone can set)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid:{os.geteuid()}"


def data_dir() -> Path:
    """Where the default and demo stores live (``$STOREADMIN_HOME`` overrides, for tests)."""
    override = os.environ.get("STOREADMIN_HOME")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    """The config file path (``$STOREADMIN_CONFIG`` overrides)."""
    override = os.environ.get("STOREADMIN_CONFIG")
    if override:
        return Path(override)
    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_database() -> str:
    """The embedded store used when nothing else is configured."""
    return str(data_dir() / "store.sqlite3")


def demo_database() -> str:
    """The separate demo store opened by ``storeadmin --demo``."""
    return str(data_dir() / "demo.sqlite3")


def read_config_file(path: Path | None = None) -> dict[str, object]:
    """The config file's table, or {} when there is none; refuse a file others can read."""
    path = path or config_file()
    if not path.exists():
        return {}
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path} is readable by other users (mode {stat.S_IMODE(mode):o}); "
            f"it may hold a database URL: run `chmod 600 {path}`"
        )
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None


def resolve_database(cli_value: str | None, *, demo: bool = False) -> str:
    """The database URL or path to open, by the precedence in the module docstring."""
    if demo:
        return demo_database()
    if cli_value:
        return cli_value
    env = os.environ.get("STOREADMIN_DB")
    if env:
        return env
    configured = read_config_file().get("database")
    if isinstance(configured, str) and configured:
        return configured
    return default_database()


def resolve_admin(cli_value: str | None) -> str:
    """The acting admin: ``--admin``, ``$STOREADMIN_ADMIN``, else the effective OS user."""
    name = (cli_value or os.environ.get("STOREADMIN_ADMIN") or "").strip()
    return name or os_user()


def missing_store(database: str) -> Path | None:
    """The file of an explicitly named SQLite store that does not exist, else None.

    Opening it would silently create an empty store, and a typo in ``--db`` would then
    read as "no such customer". The default and demo stores are created on first use.
    """
    if database in (default_database(), demo_database()):
        return None
    if "://" not in database:
        location = database
    elif database.startswith("sqlite:///"):
        location = database.removeprefix("sqlite:///").split("?", 1)[0]
        location = location.removeprefix("file:")
    else:
        return None
    if not location or location == ":memory:":
        return None
    path = Path(location).expanduser()
    return None if path.exists() else path


def missing_store_message(path: Path) -> str:
    """What to tell the user about a store file that is not there."""
    return (
        f"no store at {path}: check the path, or create one with "
        f"`storeadmin db upgrade --db {path}` (empty) or `storeadmin demo --db {path}`"
    )
