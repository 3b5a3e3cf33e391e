"""CLI metadata errors name the key the admin typed, never a form row number."""

from __future__ import annotations

import pytest

from storeadmin.data import open_sql_store
from support import factories
from support.cli import run


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("", "v", "the metadata key is empty: give a key"),
        ("  ", "v", "the metadata key is empty: give a key"),
        ("Tier", "", "key 'Tier'"),
        ("DiscordID", "abc", "key 'DiscordID'"),
    ],
)
def test_a_refused_metadata_set_names_the_key(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, key: str, value: str, says: str
) -> None:
    service = open_sql_store(sqlite_url, actor="setup")
    try:
        customer = factories.customer(service.engine)
    finally:
        service.close()
    code, out, err = run(
        capsys, "customers", "metadata", str(customer), "set", key, value, "--db", sqlite_url
    )
    assert (code, out) == (2, "")
    assert says in err
    assert "row 1" not in err
    assert err.count("\n") == 1
