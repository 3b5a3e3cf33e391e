"""Where storeadmin finds its store and who the acting admin is.

Store location, in order: ``--store`` / ``--db``, ``$STOREADMIN_STORE`` /
``$STOREADMIN_DB``, ``store`` / ``database`` in the config file (``config.toml`` in the
platformdirs config dir, refused when group/world readable), else a SQLite file in the
user data dir. What a location means is ``storeadmin.stores``' business. Keep
passwords out of all of these: libpq reads them from ``~/.pgpass`` or ``$PGPASSFILE``;
a hosted store's API key comes from the environment or the config file.
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

    location: str = field(repr=False)
    """Store location; may contain a password, so it is kept out of repr (crash screens print locals)."""
    admin: str = ""
    demo: bool = False
    explicit: bool = False
    """True when the location was named on the command line (not the environment or config)."""

    @property
    def created_on_first_use(self) -> bool:
        """The default and demo stores are made when first opened; a named file never is."""
        return self.location in (default_database(), demo_database())


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


def resolve_location(cli_value: str | None, *, demo: bool = False) -> str:
    """The store location to open, by the precedence in the module docstring."""
    if demo:
        return demo_database()
    if cli_value:
        return cli_value
    for name in ("STOREADMIN_STORE", "STOREADMIN_DB"):
        env = os.environ.get(name)
        if env:
            return env
    config = read_config_file()
    for key in ("store", "database"):
        configured = config.get(key)
        if isinstance(configured, str) and configured:
            return configured
    return default_database()


def resolve_admin(cli_value: str | None) -> str:
    """The acting admin: ``--admin``, ``$STOREADMIN_ADMIN``, else the effective OS user.

    An explicit name is validated (``validate_admin``: no controls, bidi controls or
    undecodable bytes, at most 100 characters); ConfigError says what is wrong.
    """
    from storeadmin.core.validation import validate_admin

    given = cli_value if cli_value is not None else os.environ.get("STOREADMIN_ADMIN")
    if given is None or not given.strip():
        return os_user()
    source = "--admin" if cli_value is not None else "$STOREADMIN_ADMIN"
    try:
        return validate_admin(given)
    except ValueError as error:
        raise ConfigError(f"{source}: {error}") from None
