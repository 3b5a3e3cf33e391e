"""Whatever JSON a game server sends, the wire parsers answer a DTO or ``WireError``
(HTTP 400) — never another exception (a 500)."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from storeadmin.delivery import wire

JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(
        st.sampled_from(
            [
                "ip", "hostname", "platform", "version", "steam_ids", "minecraft_uuids",
                "customer_names", "attempt_id", "event", "timestamp", "player_join",
                "ip_address", "steam_id", "minecraft_uuid", "minecraft_name", "x",
            ]
        ),
        inner,
        max_size=5,
    ),
    max_leaves=20,
)  # fmt: skip

PARSERS = (wire.parse_link, wire.parse_online, wire.parse_acks, wire.parse_events)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_parsers_raise_only_wire_errors(body: Any) -> None:
    for parse in PARSERS:
        with contextlib.suppress(wire.WireError):
            parse(body)


def test_edge_values_are_wire_errors_or_accepted() -> None:
    for stamp in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-13-40", ""):
        with contextlib.suppress(wire.WireError):
            wire.parse_events([{"event": "player_join", "timestamp": stamp}])
    for steam in ("9" * 64, "STEAM_9:9:" + "9" * 40, "[U:1:" + "9" * 40 + "]", "-1", "٣"):
        wire.parse_online({"steam_ids": [steam]})
        wire.parse_events(
            [
                {
                    "event": "player_join",
                    "timestamp": "2026-01-01T00:00:00Z",
                    "player_join": {"ip_address": "::ffff:1.2.3.4%eth0", "steam_id": steam},
                }
            ]
        )
