"""Command templates: placeholder values, rendering, injection and previews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storeadmin.core.commands import (
    neutralise,
    neutralise_name,
    placeholder_values,
    preview_commands,
    render_command,
)
from storeadmin.core.models import (
    CommandPreview,
    CommandStage,
    Customer,
    GameServer,
    Platform,
    Product,
    ProductCommand,
    ProductType,
)
from storeadmin.core.money import Money

SEEN = datetime(2025, 1, 1, tzinfo=UTC)
STEAM_ID = "76561198006409530"
UUID = "069a79f4-44e9-4726-a5be-fca90e38aaf5"
DISCORD = "80351110224678912"

RUST_A = GameServer(1, "Rust EU", "rust")
RUST_B = GameServer(2, "Rust US", "rust")
LOBBY = GameServer(3, "Lobby", "minecraft")


def customer(
    username: str = "Bob", platform: Platform = Platform.STEAM, external_id: str = STEAM_ID
) -> Customer:
    """A customer with sensible defaults."""
    return Customer(7, username, platform, external_id, SEEN, 1)


def product(*commands: ProductCommand, server_ids: tuple[int, ...] = (1, 2)) -> Product:
    """A one-time VIP product."""
    return Product(
        42, "VIP Rank", "vip-rank", ProductType.ONE_TIME, Money(999), None, 30, server_ids, commands
    )


def cmd(stage: CommandStage, content: str, *servers: int, online: bool = False) -> ProductCommand:
    """A product command."""
    return ProductCommand(stage, content, servers, online)


# ------------------------------------------------------------------ values


def test_values_steam() -> None:
    values = placeholder_values(
        customer(),
        product(),
        RUST_A,
        metadata={"discordid": DISCORD},
        order_id=1001,
        expires_at=datetime(2026, 2, 14, 13, 0, tzinfo=timezone(timedelta(hours=1))),
    )
    assert values == {
        "username": "Bob",
        "name": "Bob",
        "customer_id": "7",
        "customer.id": "7",
        "customer.name": "Bob",
        "customer.profile.platform": "steam",
        "external_id": STEAM_ID,
        "steam_id": STEAM_ID,
        "customer.steam.id": STEAM_ID,
        "customer.steam.name": "Bob",
        "discord_id": DISCORD,
        "customer.discord.id": DISCORD,
        "product": "VIP Rank",
        "product.name": "VIP Rank",
        "product_id": "42",
        "product.id": "42",
        "product_slug": "vip-rank",
        "server": "Rust EU",
        "server_id": "1",
        "order_id": "1001",
        "order.id": "1001",
        "expires_at": "2026-02-14T12:00:00Z",
    }


def test_values_minecraft() -> None:
    values = placeholder_values(customer("Notch", Platform.MINECRAFT, UUID), product(), LOBBY)
    assert values["uuid"] == values["customer.minecraft.uuid"] == UUID
    assert values["uuid_undashed"] == UUID.replace("-", "")
    assert values["customer.minecraft.name"] == "Notch"
    assert values["customer.profile.platform"] == "minecraft"
    assert "steam_id" not in values
    assert "xuid" not in values
    assert "discord_id" not in values
    assert "order_id" not in values
    assert "expires_at" not in values


def test_values_floodgate_carries_xuid() -> None:
    floodgate = "00000000-0000-0000-0009-01f64f4c4d2a"
    values = placeholder_values(customer("Steve", Platform.MINECRAFT, floodgate), product(), LOBBY)
    assert values["xuid"] == str(0x000901F64F4C4D2A)


def test_values_xbox_and_other() -> None:
    xbox = placeholder_values(customer("G", Platform.XBOX, "2533274790395904"), product(), RUST_A)
    assert xbox["xuid"] == xbox["external_id"] == "2533274790395904"
    other = placeholder_values(customer("O", Platform.OTHER, "epic;rm"), product(), RUST_A)
    assert other["external_id"] == "epicrm"
    assert "steam_id" not in other
    assert "uuid" not in other


def test_values_discord_key_case_insensitive_and_checked() -> None:
    assert (
        placeholder_values(customer(), product(), RUST_A, metadata={"DISCORDID": DISCORD})[
            "discord_id"
        ]
        == DISCORD
    )
    bad = placeholder_values(customer(), product(), RUST_A, metadata={"DiscordID": "1; op me"})
    assert "discord_id" not in bad


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("Bob\nop Bob", "Bobop Bob"),
        ("Bob; op Bob", "Bob op Bob"),
        ("x | rm -rf / & `id` $(id) <in >out", "x  rm -rf /  id (id) in out"),
        ("\"quoted\" 'single' back\\slash", "quoted single backslash"),
        ("\x1b]0;T\x07Eve", "]0TEve"),
        ("a\u202eb\u2028c\x85d", "abcd"),
        ("名前 [bold]x[/]", "名前 [bold]x[/]"),
    ],
)
def test_username_is_neutralised(username: str, expected: str) -> None:
    values = placeholder_values(customer(username), product(), RUST_A)
    assert values["username"] == values["name"] == values["customer.name"] == expected


def test_neutralise_helpers() -> None:
    assert neutralise("VIP\nRank\x00") == "VIPRank"
    assert neutralise("a;b") == "a;b"  # admin-authored text keeps its punctuation
    assert neutralise_name("  ; Bob ;  ") == "Bob"


# ------------------------------------------------------------------ render


@pytest.mark.parametrize(
    ("template", "expected", "unresolved"),
    [
        ("oxide.grant user {steam_id} vip", f"oxide.grant user {STEAM_ID} vip", ()),
        (
            "lp user {customer.minecraft.uuid} parent add vip",
            "lp user {customer.minecraft.uuid} parent add vip",
            ("customer.minecraft.uuid",),
        ),
        ("say {username} bought {product.name}", "say Bob bought VIP Rank", ()),
        ("{steam_id}{steam_id}", STEAM_ID * 2, ()),
        ("give {uuid} {uuid} {xuid}", "give {uuid} {uuid} {xuid}", ("uuid", "xuid")),
        ("{{steam_id}} is literal", "{steam_id} is literal", ()),
        ('json {{"id": "{steam_id}"}}', f'json {{"id": "{STEAM_ID}"}}', ()),
        ("{{{steam_id}}}", "{" + STEAM_ID + "}", ()),
        ("lone { and } stay", "lone { and } stay", ()),
        ("{not a key} {a-b} {}", "{not a key} {a-b} {}", ()),
        ("{empty}", "{empty}", ("empty",)),
        ("", "", ()),
    ],
)
def test_render_command(template: str, expected: str, unresolved: tuple[str, ...]) -> None:
    values = {"steam_id": STEAM_ID, "username": "Bob", "product.name": "VIP Rank", "empty": ""}
    assert render_command(template, values) == (expected, unresolved)


def test_render_does_not_expand_values() -> None:
    # A customer called "{steam_id}" must not pull in another placeholder.
    values = {"username": "{steam_id}", "steam_id": STEAM_ID}
    assert render_command("say {username}", values) == ("say {steam_id}", ())


def test_injection_through_username_stays_one_command() -> None:
    evil = customer("Bob\nop Eve; ban Admin | `reboot` $(x)")
    values = placeholder_values(evil, product(), RUST_A)
    command, unresolved = render_command("say Thanks {username}!", values)
    assert unresolved == ()
    assert "\n" not in command
    assert not set(";|`$&<>") & set(command)
    assert command == "say Thanks Bobop Eve ban Admin  reboot (x)!"


# ------------------------------------------------------------------ previews


def test_preview_order_and_targets() -> None:
    prod = product(
        cmd(CommandStage.ON_PURCHASE, "grant {steam_id} vip"),  # product servers 1, 2
        cmd(CommandStage.ON_EXPIRE, "revoke {steam_id} vip"),
        cmd(CommandStage.ON_PURCHASE, "say {username} on {server}", 2, 3, online=True),
    )
    previews = preview_commands(customer(), prod, CommandStage.ON_PURCHASE, [RUST_B, RUST_A, LOBBY])
    assert previews == (
        CommandPreview(2, "Rust US", CommandStage.ON_PURCHASE, f"grant {STEAM_ID} vip", False),
        CommandPreview(1, "Rust EU", CommandStage.ON_PURCHASE, f"grant {STEAM_ID} vip", False),
        CommandPreview(2, "Rust US", CommandStage.ON_PURCHASE, "say Bob on Rust US", True),
        CommandPreview(3, "Lobby", CommandStage.ON_PURCHASE, "say Bob on Lobby", True),
    )


def test_preview_only_given_servers_once_each() -> None:
    prod = product(cmd(CommandStage.ON_EXPIRE, "revoke {steam_id}"))
    previews = preview_commands(customer(), prod, CommandStage.ON_EXPIRE, [RUST_A, RUST_A, LOBBY])
    assert [p.server_id for p in previews] == [1]
    assert preview_commands(customer(), prod, CommandStage.ON_EXPIRE, []) == ()
    assert preview_commands(customer(), prod, CommandStage.ON_REFUND, [RUST_A, RUST_B]) == ()


def test_preview_no_product_servers_means_none() -> None:
    prod = product(cmd(CommandStage.ON_PURCHASE, "x"), server_ids=())
    assert preview_commands(customer(), prod, CommandStage.ON_PURCHASE, [RUST_A]) == ()


def test_preview_unresolved_and_values() -> None:
    prod = product(
        cmd(CommandStage.ON_PURCHASE, "lp user {uuid} temp {expires_at} #{order_id} {discord_id}")
    )
    expires = datetime(2026, 2, 14, 12, 0, tzinfo=UTC)
    (preview,) = preview_commands(
        customer(), prod, CommandStage.ON_PURCHASE, [RUST_A], order_id=5, expires_at=expires
    )
    assert preview.command == "lp user {uuid} temp 2026-02-14T12:00:00Z #5 {discord_id}"
    assert preview.unresolved == ("uuid", "discord_id")
    (with_discord,) = preview_commands(
        customer(), prod, CommandStage.ON_PURCHASE, [RUST_A], metadata={"DiscordID": DISCORD}
    )
    assert with_discord.unresolved == ("uuid", "expires_at", "order_id")
    assert DISCORD in with_discord.command


def test_preview_accepts_stage_value() -> None:
    prod = product(cmd(CommandStage.ON_PURCHASE, "x"))
    stage = "on_purchase"
    assert len(preview_commands(customer(), prod, stage, [RUST_A])) == 1  # type: ignore[arg-type]


def test_unresolved_in_a_rendered_command() -> None:
    from storeadmin.core.commands import unresolved_in

    assert unresolved_in("lp user {uuid} add {rank} {{literal}} {uuid}") == ("uuid", "rank")
    assert unresolved_in("say hello") == ()
