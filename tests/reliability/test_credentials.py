"""Credentials never reach a message, whatever the shape of the location that holds them
(issue 14, item 6): a one-slash ``postgresql:/u:pw@h``, a bare ``u:pw@h`` read as a file
path, a password holding ``@`` or ``/``, a ``password=`` keyword. Through the CLI (flag and
environment), the TUI's start-up refusal and every ``StoreError`` the TUI shows."""

from __future__ import annotations

import pytest

from storeadmin.app import run_app
from storeadmin.config import Settings
from storeadmin.core.errors import Invalid, Unavailable
from storeadmin.core.text import redact_credentials
from support.cli import run

PASSWORD = "S3cr3tPw"


def _shapes(port: int) -> list[str]:
    """Locations of every shape, each holding PASSWORD, on a port nothing listens on."""
    return [
        f"postgresql:/admin:{PASSWORD}@127.0.0.1:{port}/store",  # one slash: not a URL
        f"postgresql:admin:{PASSWORD}@127.0.0.1:{port}/store",  # no slash
        f"admin:{PASSWORD}@127.0.0.1:{port}/store",  # no scheme: read as a file path
        f"postgresql://admin:{PASSWORD}@127.0.0.1:{port}/store",
        f"postgresql://admin:{PASSWORD}@x@127.0.0.1:{port}/store",  # '@' in the password
        f"postgresql://admin:{PASSWORD}/x@127.0.0.1:{port}/store",  # '/' in the password
        f"postgresql+psycopg://admin:{PASSWORD}@127.0.0.1:{port}/store",
        f"postgresql://127.0.0.1:{port}/store?password={PASSWORD}",
        f"sqlite:////tmp/admin:{PASSWORD}@nowhere/store.db",
    ]


SHAPES = _shapes(9)  # port 9 (discard): ids stay stable across xdist workers


@pytest.mark.parametrize("location", SHAPES)
@pytest.mark.parametrize("via", ["flag", "environment"])
def test_cli_never_prints_the_password_whatever_the_url_shape(
    location: str, via: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if via == "flag":
        code, out, err = run(capsys, "--db", location, "customers", "search", "a")
    else:
        monkeypatch.setenv("STOREADMIN_DB", location)
        code, out, err = run(capsys, "customers", "search", "a")
    assert code in (2, 4), err
    assert err.count("\n") == 1, err
    assert PASSWORD not in out + err


@pytest.mark.parametrize("location", SHAPES)
def test_tui_start_up_refusal_never_prints_the_password(
    location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refusals run_app prints before any screen (bad location, no such file)."""
    if location.startswith("postgresql://") or location.startswith("postgresql+"):
        pytest.skip("a well-formed URL opens the TUI (covered by test_secrets on a pty)")
    code = run_app(Settings(location=location, admin="alice", explicit=True))
    captured = capsys.readouterr()
    assert code == 2
    assert PASSWORD not in captured.out + captured.err
    assert "***" in captured.err


@pytest.mark.parametrize("location", SHAPES)
def test_every_store_error_is_redacted_when_made(location: str) -> None:
    """The TUI shows ``str(StoreError)`` (connect-error view, notifications): it is
    redacted when the error is made, so no screen can show the password."""
    for error in (
        Unavailable(f"cannot open {location}: refused"),
        Invalid({"store": "bad"}, f"not a store location: {location}"),
    ):
        assert PASSWORD not in str(error)
        assert "***" in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql:/u:pw@h/db", "postgresql:/u:***@h/db"),
        ("u:pw@h:5432/db", "u:***@h:5432/db"),
        ("at 'postgresql://u:p@ss@h/db'", "at 'postgresql://u:***@h/db'"),
        ("postgresql://u:a/b@h/db", "postgresql://u:***@h/db"),
        ("host=h password='a b' user=u", "host=h password=*** user=u"),
        ("postgresql://h/db?password=x&sslmode=require", "postgresql://h/db?password=***"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:///srv/a@b.db", "sqlite:///srv/a@b.db"),
        ("bob@example.com at 12:30", "bob@example.com at 12:30"),
    ],
)
def test_redact_credentials_shapes(text: str, expected: str) -> None:
    assert redact_credentials(text) == expected
    assert redact_credentials(expected) == expected  # idempotent
