"""``storeadmin.core.delivery`` is framework-free, and wire parsing neutralises what a
game server sends."""

from __future__ import annotations

import subprocess
import sys

from storeadmin.delivery import wire


def test_core_delivery_imports_no_framework() -> None:
    code = (
        "import sys, storeadmin.core.delivery; "
        "bad = [m for m in ('textual', 'rich', 'sqlalchemy', 'starlette', 'uvicorn') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_untrusted_link_strings_are_cleaned_and_bounded() -> None:
    link = wire.parse_link(
        {
            "ip": "1.2.3.4",
            "hostname": "\x1b]0;pwned\x07" + "h" * 1000,
            "platform": "fivem\r\n",
            "version": "1",
        }
    )
    assert "\x1b" not in link.hostname
    assert "\x07" not in link.hostname
    assert len(link.hostname) == 255
    assert link.platform == "fivem??"


def test_online_lists_canonicalise_and_skip_garbage() -> None:
    online = wire.parse_online(
        {
            "steam_ids": ["76561198000000001", "STEAM_0:1:19999999", "not-a-steam-id"],
            "minecraft_uuids": ["069A79F444E94726A5BEFCA90E38AAF5", "nope"],
            "customer_names": ["Notch"],
        }
    )
    assert "76561198000000001" in online.steam_ids
    assert len(online.steam_ids) == 2
    assert online.minecraft_uuids == frozenset({"069a79f4-44e9-4726-a5be-fca90e38aaf5"})
    assert online.customer_names == frozenset({"notch"})
