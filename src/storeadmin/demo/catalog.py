"""The fixed part of the demo store: game servers, products, their commands, name parts.

Everything here is constant data plus tiny pure helpers, so the generator in
``demo.py`` stays about rows and speed. Command templates use the placeholders the
hosted stores document (``{steam_id}``, ``{uuid}``, ``{username}``).
"""

from __future__ import annotations

from dataclasses import dataclass

STORE_NAME = "Demo Rust & Minecraft Network"
CURRENCY = "USD"

SERVERS: tuple[tuple[int, str, str], ...] = (
    (1, "Rust EU #1", "rust"),
    (2, "Rust US #2", "rust"),
    (3, "Rust Modded", "rust"),
    (4, "Rust Battlefield", "rust"),
    (5, "Minecraft Survival", "minecraft"),
    (6, "Minecraft Creative", "minecraft"),
    (7, "Minecraft Skyblock", "minecraft"),
)
"""(id, name, game) of every game server."""

RUST_SERVERS = (1, 2, 3, 4)
MC_SERVERS = (5, 6, 7)


@dataclass(frozen=True, slots=True)
class DemoCommand:
    """A product command template for one stage."""

    stage: str
    content: str
    online_only: bool = False


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """A catalogue entry of the demo store."""

    id: int
    name: str
    slug: str
    game: str
    """``rust`` (bought by Steam customers) or ``minecraft`` (Minecraft and Xbox)."""
    price: int
    """Cents."""
    duration_days: int | None
    server_ids: tuple[int, ...]
    commands: tuple[DemoCommand, ...]
    interval: tuple[int, str] | None = None
    """(value, scale) for subscription products."""
    weight: int = 1
    """Relative popularity within its game."""

    @property
    def type(self) -> str:
        """``subscription`` or ``one_time``."""
        return "subscription" if self.interval else "one_time"

    @property
    def interval_days(self) -> int:
        """Length of one billing period in days (0 for one-time products)."""
        if self.interval is None:
            return 0
        value, scale = self.interval
        return value * {"day": 1, "week": 7, "month": 30, "year": 365}[scale]


def _rust_rank(group: str) -> tuple[DemoCommand, ...]:
    return (
        DemoCommand("on_purchase", f"oxide.usergroup add {{steam_id}} {group}"),
        DemoCommand("on_purchase", f'say "{{username}} just became {group.upper()}!"', True),
        DemoCommand("on_renew", f"oxide.usergroup add {{steam_id}} {group}"),
        DemoCommand("on_expire", f"oxide.usergroup remove {{steam_id}} {group}"),
        DemoCommand("on_refund", f"oxide.usergroup remove {{steam_id}} {group}"),
        DemoCommand("on_chargeback", 'banid {steam_id} "chargeback"'),
    )


def _mc_rank(group: str) -> tuple[DemoCommand, ...]:
    return (
        DemoCommand("on_purchase", f"lp user {{uuid}} parent add {group}"),
        DemoCommand("on_purchase", f"broadcast &6{{username}} &fis now &b{group.upper()}", True),
        DemoCommand("on_renew", f"lp user {{uuid}} parent add {group}"),
        DemoCommand("on_expire", f"lp user {{uuid}} parent remove {group}"),
        DemoCommand("on_refund", f"lp user {{uuid}} parent remove {group}"),
        DemoCommand("on_chargeback", "ban {username} Chargeback"),
    )


PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct(1, "VIP", "rust-vip", "rust", 999, 30, RUST_SERVERS, _rust_rank("vip"), weight=14),
    DemoProduct(2, "MVP", "rust-mvp", "rust", 1999, 30, RUST_SERVERS, _rust_rank("mvp"), weight=7),
    DemoProduct(
        3, "Elite", "rust-elite", "rust", 4999, None, RUST_SERVERS, _rust_rank("elite"), weight=2
    ),
    DemoProduct(
        4,
        "Starter kit",
        "rust-starter-kit",
        "rust",
        499,
        None,
        (1, 2),
        (
            DemoCommand("on_purchase", "inventory.giveto {steam_id} rifle.ak 1", True),
            DemoCommand("on_purchase", "inventory.giveto {steam_id} ammo.rifle 128", True),
            DemoCommand("on_chargeback", 'banid {steam_id} "chargeback"'),
        ),
        weight=12,
    ),
    DemoProduct(
        5,
        "PvP kit",
        "rust-pvp-kit",
        "rust",
        799,
        None,
        (1, 2, 4),
        (
            DemoCommand("on_purchase", "kit give {steam_id} pvp", True),
            DemoCommand("on_chargeback", 'banid {steam_id} "chargeback"'),
        ),
        weight=9,
    ),
    DemoProduct(
        6,
        "VIP monthly (30 day)",
        "rust-vip-monthly",
        "rust",
        799,
        30,
        RUST_SERVERS,
        _rust_rank("vip"),
        interval=(30, "day"),
        weight=10,
    ),
    DemoProduct(
        7,
        "MVP yearly",
        "rust-mvp-yearly",
        "rust",
        14999,
        365,
        RUST_SERVERS,
        _rust_rank("mvp"),
        interval=(1, "year"),
        weight=2,
    ),
    DemoProduct(
        8,
        "Skip queue",
        "rust-skip-queue",
        "rust",
        299,
        30,
        (1, 2),
        (
            DemoCommand("on_purchase", "oxide.grant user {steam_id} skipqueue.use"),
            DemoCommand("on_expire", "oxide.revoke user {steam_id} skipqueue.use"),
        ),
        weight=5,
    ),
    DemoProduct(
        9,
        "Survival VIP",
        "mc-survival-vip",
        "minecraft",
        899,
        30,
        (5, 7),
        _mc_rank("vip"),
        weight=14,
    ),
    DemoProduct(
        10,
        "Survival MVP",
        "mc-survival-mvp",
        "minecraft",
        1799,
        None,
        (5, 7),
        _mc_rank("mvp"),
        weight=6,
    ),
    DemoProduct(
        11,
        "Diamond pack",
        "mc-diamond-pack",
        "minecraft",
        399,
        None,
        (5,),
        (DemoCommand("on_purchase", "give {username} diamond 64", True),),
        weight=12,
    ),
    DemoProduct(
        12,
        "Creative plot",
        "mc-creative-plot",
        "minecraft",
        599,
        None,
        (6,),
        (
            DemoCommand("on_purchase", "plot admin give {username} 1"),
            DemoCommand("on_refund", "plot admin take {username} 1"),
        ),
        weight=4,
    ),
    DemoProduct(
        13,
        "Elite monthly",
        "mc-elite-monthly",
        "minecraft",
        1299,
        30,
        (5, 6, 7),
        _mc_rank("elite"),
        interval=(1, "month"),
        weight=8,
    ),
    DemoProduct(
        14,
        "Crate keys x5",
        "mc-crate-keys-5",
        "minecraft",
        499,
        None,
        (5, 7),
        (DemoCommand("on_purchase", "crate give {username} vote 5", True),),
        weight=10,
    ),
    DemoProduct(
        15,
        "Skyblock booster",
        "mc-skyblock-booster",
        "minecraft",
        249,
        7,
        (7,),
        (
            DemoCommand("on_purchase", "is admin booster {username} add 7d"),
            DemoCommand("on_expire", "is admin booster {username} remove"),
        ),
        weight=5,
    ),
)

ADMINS = ("alice", "bob", "carol.support", "dmitri", "eve")
"""Admin names that appear as granters, banners and audit actors."""

GATEWAYS = (("stripe", 55), ("paypal", 35), ("paysafecard", 10))
ORDER_STATUSES = (
    ("completed", 880),
    ("created", 40),
    ("canceled", 30),
    ("refunded", 30),
    ("chargeback", 20),
)
CANCEL_REASONS = (
    "too expensive",
    "not playing anymore",
    "switched servers",
    "payment failed",
    "wiped too often",
    "requested by customer",
)
BAN_REASONS = (
    "chargeback on order",
    "cheating (aimbot)",
    "toxic chat",
    "ban evasion",
    "exploiting duplication bug",
    "payment fraud",
)
COMMAND_ERRORS = ("player not online", "server offline", "unknown command", "timeout")
MANUAL_GRANT_REASONS = (
    "compensation for wipe",
    "event winner",
    "content creator",
    "support ticket",
)

SYLLABLES = [
    "ka",
    "ri",
    "to",
    "mo",
    "zen",
    "dra",
    "gon",
    "vex",
    "lu",
    "na",
    "shi",
    "ro",
    "bel",
    "tor",
    "ix",
    "qu",
    "ar",
    "el",
    "fen",
    "lo",
    "mi",
    "sa",
    "ta",
    "ne",
    "ko",
    "ra",
    "za",
    "vi",
    "sol",
    "dex",
    "kai",
    "rin",
    "ash",
    "bo",
    "cy",
    "da",
    "ek",
    "fa",
    "gi",
    "ha",
    "jo",
    "ky",
    "le",
    "ma",
    "ni",
    "or",
    "pa",
    "ru",
    "se",
    "ti",
    "ul",
    "va",
    "wy",
    "xe",
    "yo",
    "zu",
    "bla",
    "cro",
    "fro",
    "gri",
    "kro",
    "pyr",
    "sky",
    "sto",
    "thr",
    "tri",
    "vor",
    "wol",
]
SUFFIX_WORDS = (
    "wolf",
    "fox",
    "hunter",
    "gamer",
    "pvp",
    "king",
    "ninja",
    "rust",
    "craft",
    "miner",
    "bear",
    "raider",
    "",
    "",
    "",
    "",
    "",
    "",
)
INTERNATIONAL_NAMES = (
    "龍騎士",
    "さくら",
    "김민준",
    "小明_zz",
    "José_Núñez",
    "Zoë",
    "Ólafur",
    "Łukasz",
    "Renée",
    "Søren",
    "Müller_99",
    "Ærøskøbing",
    "Дмитрий",
    "Ελένη",
    "🔥Blaze🔥",
)
HOSTILE_NAMES = (
    "[bold]Hacker[/]",
    "[red]admin[/red]",
    "[link=https://evil.example]free skins[/link]",
    "[@click=app.quit]x[/]",
    "Robert'); DROP TABLE customers;--",
)
ESC_NAME = "Esc\x1b[2JPlayer"
"""A username with an embedded terminal escape sequence (clear screen)."""

DISCORD_EPOCH_MS = 1_420_070_400_000
STEAM_BASE = 76_561_197_960_265_728
XUID_BASE = 2_533_274_790_395_904


def render_template(content: str) -> str:
    """A template as a positional format string: 0=steam_id, 1=uuid, 2=username."""
    escaped = content.replace("{", "{{").replace("}", "}}")
    return (
        escaped.replace("{{steam_id}}", "{0}")
        .replace("{{uuid}}", "{1}")
        .replace("{{username}}", "{2}")
    )


def floodgate_uuid(xuid: int) -> str:
    """The Floodgate (Bedrock) UUID of an Xbox XUID: ``new UUID(0, xuid)``."""
    text = f"{xuid:016x}"
    return f"00000000-0000-0000-{text[:4]}-{text[4:]}"
