"""What the assign dialog offers and shows: products matched as you type, ordered by the
customer's platform, and the preview of the commands a grant will queue.

Matching is prefix and substring first, then fuzzy via rapidfuzz (a typo still finds
the product). A platform plays some games (``PLATFORM_GAMES``): products with a server
of those games lead the list, and only those servers are ticked by default.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual.widgets.option_list import Option

from storeadmin.core.models import CommandPreview, GameServer, Platform, Product, ProductType
from storeadmin.core.text import display_safe
from storeadmin.widgets.cells import plain

MAX_MATCHES = 50
"""Most products listed for a query."""
FUZZY_CUTOFF = 55
"""Lowest rapidfuzz WRatio score (0-100) that still counts as a match."""
UNRESOLVED_STYLE = "bold white on red"

PLATFORM_GAMES: dict[Platform, frozenset[str]] = {
    Platform.STEAM: frozenset({"rust", "gmod", "fivem", "redm"}),
    Platform.MINECRAFT: frozenset({"minecraft"}),
    Platform.XBOX: frozenset({"minecraft"}),
}
"""The games (``GameServer.game``) whose commands a platform's ID can fill; a platform
not listed (``other``) fits every game."""


def fits(server: GameServer, platform: Platform) -> bool:
    """True when a customer of ``platform`` plays on ``server``'s game."""
    games = PLATFORM_GAMES.get(platform)
    return games is None or server.game in games


def fitting_products(
    products: Sequence[Product], servers: Sequence[GameServer], platform: Platform
) -> frozenset[str]:
    """IDs of the products with at least one server of ``platform``'s games."""
    fitting = {server.id for server in servers if fits(server, platform)}
    return frozenset(p.id for p in products if fitting.intersection(p.server_ids))


def match_products(
    query: str,
    products: Sequence[Product],
    limit: int = MAX_MATCHES,
    *,
    first: Collection[str] = (),
) -> list[Product]:
    """Products for ``query``: name/slug prefix, then substring, then fuzzy; all when empty.

    Within each of those tiers, products whose id is in ``first`` (the customer's
    platform's) come before the rest.
    """
    ranked: list[Product] = []
    for tier in _match_tiers(query, products):
        ranked += [p for p in tier if p.id in first] + [p for p in tier if p.id not in first]
    return ranked[:limit]


def _match_tiers(query: str, products: Sequence[Product]) -> list[list[Product]]:
    """Prefix, substring and fuzzy matches of ``query`` (the whole catalogue when empty)."""
    wanted = query.strip().casefold()
    limit = len(products)
    if not wanted:
        return [list(products)]
    prefix: list[Product] = []
    contains: list[Product] = []
    rest: dict[int, str] = {}
    for index, product in enumerate(products):
        name, slug = product.name.casefold(), product.slug.casefold()
        if name.startswith(wanted) or slug.startswith(wanted):
            prefix.append(product)
        elif wanted in name or wanted in slug:
            contains.append(product)
        else:
            rest[index] = f"{product.name} {product.slug}"
    fuzzy = process.extract(
        query,
        rest,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=FUZZY_CUTOFF,
    )
    return [prefix, contains, [products[index] for _, _, index in fuzzy]]


def product_option(product: Product) -> Option:
    """``VIP Rank  vip-rank · one-time · $9.99`` (name and slug plain)."""
    kind = "subscription" if product.type is ProductType.SUBSCRIPTION else "one-time"
    prompt = Text.assemble(
        plain(product.name, max_length=40),
        "  ",
        plain(product.slug, max_length=30, style="dim"),
        (f" · {kind} · {product.price.format()}", "dim"),
    )
    return Option(prompt, id=str(product.id))


def preview_lines(previews: Sequence[CommandPreview]) -> Text:
    """One line per command; unresolved placeholders highlighted, then a warning."""
    if not previews:
        return Text("No commands: nothing will be queued on game servers.", style="dim")
    text = Text()
    unresolved: list[str] = []
    for preview in previews:
        line = Text(display_safe(preview.command, max_length=200))
        if preview.unresolved:
            line.highlight_words([f"{{{key}}}" for key in preview.unresolved], UNRESOLVED_STYLE)
        text.append_text(plain(preview.server_name, max_length=24, style="dim"))
        text.append("  ")
        text.append_text(line)
        if preview.online_only:
            text.append("  (when online)", style="dim")
        text.append("\n")
        unresolved.extend(key for key in preview.unresolved if key not in unresolved)
    if unresolved:
        names = ", ".join(f"{{{key}}}" for key in unresolved)
        text.append(
            f"{names} has no value for this customer: sent as written.", style="bold yellow"
        )
    text.rstrip()  # in place (returns None)
    return text
