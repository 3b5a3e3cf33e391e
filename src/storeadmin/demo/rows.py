"""The demo store's row generator: deterministic tuples, fast enough for a million customers.

One ``random.Random(seed)`` drives everything and every time is an int of epoch
seconds relative to the anchor, turned into a timestamp literal through two lookup
tables (day prefix + time of day), so the same seed and size always give the same
rows. Customers are generated in batches; each batch yields the rows of every table
for those customers, with ids assigned sequentially here (items, commands and audit
entries come from the ``DeliveryRows`` mixin).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from storeadmin.core.commands import neutralise_name
from storeadmin.core.search_text import search_key
from storeadmin.demo import catalog as cat
from storeadmin.demo.items import DeliveryRows
from storeadmin.demo.tables import (
    BATCH_TABLES,
    COLUMNS,
    DAY,
    HISTORY,
    YEAR,
    Counters,
    Row,
    Timestamps,
    iso,
    weighted,
)

WHALE_ID = 42
WHALE_NAME = "WhaleKing"
BENCH_ID = 43
BENCH_NAME = "FiveOrders"
BENCH_ORDERS = 5
MIN_CUSTOMERS = 100
ITEMS_PER_CUSTOMER = 3
"""Delivery items are kept for a customer's latest purchases only (the whale: more)."""
WHALE_ITEMS = 250
FIXED_BANS = {12: 0.0, 13: 0.5, 14: 0.9}
"""Customers banned in every build: permanently, ban ended, ban ending later."""

__all__ = ["BATCH_TABLES", "COLUMNS", "DemoRows"]


class DemoRows(DeliveryRows):
    """Generates the demo store for ``customers`` customers with ``seed``."""

    def __init__(
        self,
        *,
        customers: int,
        seed: int,
        anchor: datetime,
        ts_suffix: str,
        true: Any,
        false: Any,
        whale_orders: int,
    ) -> None:
        if customers < MIN_CUSTOMERS:
            raise ValueError(f"a demo store needs at least {MIN_CUSTOMERS} customers")
        self.n = customers
        self.seed = seed
        self.anchor = int(anchor.astimezone(UTC).timestamp())
        self.ts = Timestamps(self.anchor, ts_suffix)
        self.true, self.false = true, false
        self.whale_orders = whale_orders
        self.rng = random.Random(seed)
        self.counters = Counters()
        self._offline_seen: set[str] = set()
        # Customers with thousands of orders: about one per 100k, at least one.
        big = max(1, customers // 100_000)
        step = customers // (big + 1)
        self.big = {step * (i + 1) + 7: 1000 + (i * 977) % 4000 for i in range(big)}
        self.big.pop(WHALE_ID, None)
        self.big.pop(BENCH_ID, None)
        scale = min(1.0, whale_orders / 20_000)
        self.big = {cid: max(5, int(k * scale)) for cid, k in self.big.items()}
        # Orders per ordinary customer: 12 % none, else 1 + geometric, mean ≈ 5 overall.
        table_rng = random.Random(seed ^ 0x5EED)
        self.order_counts = [
            0 if table_rng.random() < 0.12 else 1 + int(-math.log(1 - table_rng.random()) * 5.2)
            for _ in range(4096)
        ]
        self.products = cat.PRODUCTS
        # Xbox (Bedrock) players get only products whose commands name them by
        # username: the core leaves {uuid} unresolved for an Xbox customer.
        game_filters: tuple[tuple[str, Callable[[cat.DemoProduct], bool]], ...] = (
            ("steam", lambda p: p.game == "rust"),
            ("minecraft", lambda p: p.game == "minecraft"),
            ("xbox", lambda p: p.game == "minecraft" and not _uses_uuid(p)),
        )
        self.by_game = {
            kind: weighted([(p, p.weight) for p in self.products if wanted(p)], 200)
            for kind, wanted in game_filters
        }
        self.statuses = weighted(cat.ORDER_STATUSES)
        self.gateways = weighted(cat.GATEWAYS)
        self.templates = {
            p.id: {
                stage: [
                    (cat.render_template(c.content), self.true if c.online_only else self.false)
                    for c in p.commands
                    if c.stage == stage
                ]
                for stage in ("on_purchase", "on_renew", "on_expire", "on_refund", "on_chargeback")
            }
            for p in self.products
        }
        self.server_json = {p.id: json.dumps(list(p.server_ids)) for p in self.products}

    # ------------------------------------------------------------ catalogue

    def catalogue(self) -> dict[str, list[Row]]:
        """Store settings, game servers, products and their commands."""
        t, f = self.true, self.false
        commands: list[Row] = []
        for p in self.products:
            for position, c in enumerate(p.commands):
                commands.append(
                    (
                        len(commands) + 1,
                        p.id,
                        position,
                        c.stage,
                        c.content,
                        t if c.online_only else f,
                        "[]",
                    )
                )
        return {
            "store_settings": [
                ("name", cat.STORE_NAME),
                ("currency", cat.CURRENCY),
                ("demo", f"storeadmin demo seed={self.seed} customers={self.n}"),
            ],
            "game_servers": list(cat.SERVERS),
            "products": [
                (
                    p.id,
                    p.name,
                    p.slug,
                    p.type,
                    p.price,
                    p.interval[0] if p.interval else None,
                    p.interval[1] if p.interval else None,
                    p.duration_days,
                    self.server_json[p.id],
                )
                for p in self.products
            ],
            "product_commands": commands,
        }

    # ------------------------------------------------------------ customers

    def batches(self, size: int = 10_000) -> Iterator[dict[str, list[Row]]]:
        """Rows of every table, ``size`` customers at a time, in insert order."""
        for lo in range(1, self.n + 1, size):
            hi = min(self.n, lo + size - 1)
            out: dict[str, list[Row]] = {name: [] for name in BATCH_TABLES}
            for cid in range(lo, hi + 1):
                self._customer(cid, out)
            self.counters.customers = hi
            yield out

    def _name(self, cid: int) -> tuple[str, bool]:
        """A username and whether it is a valid Minecraft name."""
        if cid == WHALE_ID:
            return WHALE_NAME, True
        if cid == BENCH_ID:
            return BENCH_NAME, True
        r = self.rng.random
        special = cid - 5
        if 0 <= special < len(cat.HOSTILE_NAMES):
            return cat.HOSTILE_NAMES[special], False
        if cid == 11:
            return cat.ESC_NAME, False
        u = r()
        if u < 0.0005:
            return cat.HOSTILE_NAMES[int(r() * len(cat.HOSTILE_NAMES))], False
        if u < 0.03:
            return cat.INTERNATIONAL_NAMES[int(r() * len(cat.INTERNATIONAL_NAMES))], False
        syl = cat.SYLLABLES
        ns = len(syl)
        name = syl[int(r() * ns)].capitalize() + syl[int(r() * ns)]
        if r() < 0.4:
            name += syl[int(r() * ns)]
        word = cat.SUFFIX_WORDS[int(r() * len(cat.SUFFIX_WORDS))]
        v = r()
        if word:
            name = name + "_" + word if v < 0.3 else name + word.capitalize()
        if v > 0.97:
            name = "xX_" + name + "_Xx"
        elif v < 0.1:
            name = name.lower()
        if r() < 0.45:
            name += str(int(r() * (10 ** (1 + int(r() * 4)))))
        return name, len(name) <= 16

    def _external_id(self, cid: int, name: str, mc_ok: bool) -> tuple[str, str, str]:
        """(platform, external id, uuid for Minecraft commands)."""
        r = self.rng.random
        u = r()
        seedmix = self.seed * 7919
        if u < 0.60 or not mc_ok:
            account = (cid * 2_654_435_761 + seedmix) % 2**31 + 1
            steam = str(cat.STEAM_BASE + account)
            return "steam", steam, ""
        if u < 0.95:
            v = r()
            if v < 0.07:
                digest = bytearray(hashlib.md5(f"OfflinePlayer:{name}".encode()).digest())
                digest[6] = (digest[6] & 0x0F) | 0x30
                digest[8] = (digest[8] & 0x3F) | 0x80
                h = digest.hex()
                uid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
                if uid not in self._offline_seen:
                    self._offline_seen.add(uid)
                    return "minecraft", uid, uid
            elif v < 0.12:
                xuid = cat.XUID_BASE + (cid * 2_246_822_519 + seedmix + 12_345) % 2**40
                uid = cat.floodgate_uuid(xuid)
                return "minecraft", uid, uid
            x = self.rng.getrandbits(128)
            x = (x & ~(0xF << 76)) | (0x4 << 76)
            x = (x & ~(0x3 << 62)) | (0x2 << 62)
            h = f"{x:032x}"
            uid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            return "minecraft", uid, uid
        xuid = cat.XUID_BASE + (cid * 2_654_435_761 + seedmix) % 2**40
        return "xbox", str(xuid), cat.floodgate_uuid(xuid)

    def _customer(self, cid: int, out: dict[str, list[Row]]) -> None:
        rng = self.rng
        r = rng.random
        ts = self.ts
        anchor = self.anchor
        name, mc_ok = self._name(cid)
        platform, ext, uuid = self._external_id(cid, name, mc_ok)
        if cid in (WHALE_ID, BENCH_ID) or cid in self.big:
            first_seen = anchor - HISTORY + int(r() * DAY * 30)
        else:
            first_seen = anchor - int(r() * HISTORY) - 3600
        ban: tuple[Any, ...] = (None, None, None, None)
        if r() < 0.006 or cid in FIXED_BANS:
            banned_at = first_seen + int(r() * (anchor - first_seen))
            v = FIXED_BANS.get(cid, r())
            if v < 0.4:
                expires = None
            elif v < 0.7:
                expires = min(anchor - 3600, banned_at + (7 + int(r() * 30)) * DAY)
            else:
                expires = anchor + (1 + int(r() * 90)) * DAY
            by = cat.ADMINS[int(r() * len(cat.ADMINS))]
            reason = cat.BAN_REASONS[int(r() * len(cat.BAN_REASONS))]
            ban = (reason, ts(banned_at), by, ts(expires) if expires is not None else None)
            self._audit(
                out,
                banned_at,
                by,
                "customer.ban",
                "customer",
                str(cid),
                cid,
                None,
                {"reason": reason, "expires_at": iso(expires)},
                reason,
            )
        out["customers"].append(
            (cid, name, name.casefold(), search_key(name), platform, ext, ts(first_seen), 1, *ban)
        )
        if r() < 0.33:
            ms = int((1.0 + r() * 10.0) * YEAR * 1000)  # 2016 .. 2025 after the Discord epoch
            snowflake = (ms << 22) | rng.getrandbits(22)
            handle = "".join(
                ch for ch in name.lower() if ch.isascii() and (ch.isalnum() or ch == "_")
            )
            handle = (handle or "player")[:24] + (str(int(r() * 1000)) if r() < 0.5 else "")
            meta = out["customer_metadata"]
            meta.append((cid, "DiscordID", str(snowflake)))
            meta.append((cid, "DiscordUsername", handle))
            self.counters.metadata += 2
        if cid == WHALE_ID:
            budget = self.whale_orders
        elif cid == BENCH_ID:
            budget = BENCH_ORDERS
        else:
            budget = self.big.get(cid) or self.order_counts[int(r() * 4096)]
        # What the core's placeholder_values gives: IDs as stored, the name neutralised.
        values = (ext if platform == "steam" else "", uuid, neutralise_name(name))
        if budget:
            self._orders(cid, platform, first_seen, budget, values, out)
        if r() < 0.02 or cid == BENCH_ID:
            self._manual_item(cid, platform, first_seen, values, out)

    # ------------------------------------------------------------ orders

    def _orders(
        self,
        cid: int,
        platform: str,
        first_seen: int,
        budget: int,
        values: tuple[str, str, str],
        out: dict[str, list[Row]],
    ) -> None:
        rng = self.rng
        r = rng.random
        anchor = self.anchor
        span = anchor - first_seen - 900  # room for completion and delivery
        catalog = self.by_game[platform]
        ncat = len(catalog)
        statuses = self.statuses
        nstat = len(statuses)
        subs = out["subscriptions"]
        ts = self.ts
        # (time, product, status, subscription id, renewal?) sorted by time afterwards
        plan: list[tuple[int, Any, str, int | None, bool]] = []
        sub_info: dict[int, tuple[int, int]] = {}  # id -> (period end, last renewal time)
        count = 0
        while count < budget:
            t = first_seen + int(r() * span)
            product = catalog[int(r() * ncat)]
            status = statuses[int(r() * nstat)]
            count += 1
            if product.interval is None or status == "canceled":
                plan.append((t, product, status, None, False))
                continue
            self.counters.subscriptions += 1
            sid = self.counters.subscriptions
            plan.append((t, product, status, sid, False))
            iv = product.interval_days * DAY
            value, scale = product.interval
            if status == "created":
                subs.append(
                    (
                        sid,
                        cid,
                        product.id,
                        product.price,
                        value,
                        scale,
                        "created",
                        ts(t),
                        None,
                        None,
                        None,
                        None,
                    )
                )
                continue
            if status != "completed":
                ended = t + 600 + int(r() * 10 * DAY)
                ended = min(ended, anchor - 60)
                reason = "order refunded" if status == "refunded" else "chargeback"
                subs.append(
                    (
                        sid,
                        cid,
                        product.id,
                        product.price,
                        value,
                        scale,
                        "canceled",
                        ts(t),
                        ts(t + iv),
                        None,
                        ts(ended),
                        reason,
                    )
                )
                sub_info[sid] = (ended, t)
                continue
            periods = (anchor - t) // iv
            wanted = int(-math.log(1 - r()) * 4)
            renewals = min(periods, wanted, budget - count)
            last = t
            for i in range(1, renewals + 1):
                last = min(anchor - 900, t + i * iv + int(r() * 3600))
                plan.append((last, product, "completed", sid, True))
            count += renewals
            period_end = t + (renewals + 1) * iv
            row: tuple[str, str | None, str | None, str | None]
            if renewals == periods and r() < 0.85:
                row = (ts(period_end), ts(period_end), None, None)
                status_out = "active"
            else:
                canceled = min(anchor - 60, t + renewals * iv + int(r() * iv))
                reason = cat.CANCEL_REASONS[int(r() * len(cat.CANCEL_REASONS))]
                row = (ts(period_end), None, ts(canceled), reason)
                status_out = "canceled"
            subs.append(
                (sid, cid, product.id, product.price, value, scale, status_out, ts(t), *row)
            )
            sub_info[sid] = (period_end, last)
        plan.sort(key=_first)
        self._emit_orders(cid, catalog, plan, sub_info, values, out)

    def _emit_orders(
        self,
        cid: int,
        catalog: list[Any],
        plan: list[tuple[int, Any, str, int | None, bool]],
        sub_info: dict[int, tuple[int, int]],
        values: tuple[str, str, str],
        out: dict[str, list[Row]],
    ) -> None:
        r = self.rng.random
        ts = self.ts
        gateways = self.gateways
        ngw = len(gateways)
        orders = out["orders"]
        lines = out["order_lines"]
        counters = self.counters
        oid = counters.orders
        lid = counters.order_lines
        granting: list[tuple[int, Any, str, int, int | None]] = []
        for t, product, status, sid, renewal in plan:
            oid += 1
            qty = 1 if product.interval or r() < 0.85 else 2 + int(r() * 2)
            subtotal = product.price * qty
            lid += 1
            lines.append((lid, oid, product.id, product.name, qty, product.price, subtotal))
            names = product.name
            if not renewal and r() < 0.06:
                extra = catalog[int(r() * len(catalog))]
                if extra.interval is None and extra is not product:
                    lid += 1
                    lines.append((lid, oid, extra.id, extra.name, 1, extra.price, extra.price))
                    subtotal += extra.price
                    names += ", " + extra.name
            discount = subtotal * (10, 20, 25)[int(r() * 3)] // 100 if r() < 0.12 else 0
            tax = (
                (subtotal - discount) * (5, 8, 19, 20, 21)[int(r() * 5)] // 100 if r() < 0.35 else 0
            )
            total = subtotal - discount + tax
            paid = status in ("completed", "refunded", "chargeback")
            fees = total * 3 // 100 + 30 if paid and total else 0
            completed = t + 5 + int(r() * 600) if paid else None
            orders.append(
                (
                    oid,
                    cid,
                    sid,
                    status,
                    names,
                    subtotal,
                    discount,
                    tax,
                    fees,
                    total if status == "refunded" else 0,
                    total,
                    gateways[int(r() * ngw)],
                    ts(t),
                    ts(completed) if completed is not None else None,
                )
            )
            if paid and not renewal:
                granting.append((t, product, status, oid, sid))
        by_status = counters.by_status
        for _t, _p, status, _s, _r in plan:
            by_status[status] = by_status.get(status, 0) + 1
        counters.order_lines = lid
        counters.orders = oid
        cap = WHALE_ITEMS if cid == WHALE_ID else ITEMS_PER_CUSTOMER
        for t, product, status, order_id, sid in granting[-cap:]:
            self._item(cid, t, product, status, order_id, sid, sub_info, values, out)

    # ------------------------------------------------------------ items and commands


def _first(entry: tuple[int, Any, str, int | None, bool]) -> int:
    return entry[0]


def _uses_uuid(product: cat.DemoProduct) -> bool:
    return any("{uuid}" in c.content for c in product.commands)
