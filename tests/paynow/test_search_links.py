"""PayNow search reads the links and mentions the app shows, as the SQL store does."""

from __future__ import annotations

import pytest

from paynow.fake import FakePayNow
from storeadmin.core.models import MatchKind
from storeadmin.paynow import PayNowStore
from storeadmin.paynow.sync import sync_mirror

UUID = "069a79f4-44e9-4726-a5be-fca90e38aaf5"


@pytest.mark.parametrize("mirrored", [True, False])
def test_a_namemc_link_finds_its_customer(
    store: PayNowStore, fake: FakePayNow, mirrored: bool
) -> None:
    crafter = fake.add_customer("Crafter", steam_id=None, minecraft_uuid=UUID)
    fake.add_customer("Other", steam_id="76561197960287930")
    if mirrored:
        sync_mirror(store.client, store.mirror)
    found = store.search_customers(f"https://namemc.com/profile/{UUID}")
    assert [(r.id, r.matched_by) for r in found.items] == [(crafter["id"], MatchKind.EXTERNAL_ID)]


def test_a_discord_mention_finds_its_customer_in_the_mirror(
    store: PayNowStore, fake: FakePayNow
) -> None:
    chatter = fake.add_customer(
        "Chatter", steam_id="76561197960287931", metadata={"DiscordID": "80351110224678912"}
    )
    sync_mirror(store.client, store.mirror)
    found = store.search_customers("<@!80351110224678912>")
    assert [(r.id, r.matched_by) for r in found.items] == [(chatter["id"], MatchKind.METADATA)]
