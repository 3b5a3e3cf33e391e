"""Delivery rows of the demo store: inventory items, command attempts, audit entries.

A mixin of ``DemoRows``: it reads the generator's random stream, clock tables and
counters, so the rows stay deterministic.
"""

from __future__ import annotations

import json
import random
from typing import Any

from storeadmin.demo import catalog as cat
from storeadmin.demo.tables import DAY, Counters, Row, Timestamps, iso


class DeliveryRows:
    """Items (from orders or granted by hand), their commands, and audit entries."""

    rng: random.Random
    ts: Timestamps
    anchor: int
    counters: Counters
    true: Any
    templates: dict[int, dict[str, list[tuple[str, Any]]]]
    server_json: dict[int, str]
    by_game: dict[str, list[Any]]

    def _item(
        self,
        cid: int,
        t: int,
        product: Any,
        status: str,
        order_id: int,
        sid: int | None,
        sub_info: dict[int, tuple[int, int]],
        values: tuple[str, str, str],
        out: dict[str, list[Row]],
    ) -> None:
        r = self.rng.random
        ts = self.ts
        anchor = self.anchor
        self.counters.items += 1
        iid = self.counters.items
        granted = t + 30 + int(r() * 300)
        renewed_at = None
        if sid is not None and sid in sub_info:
            expires: int | None = sub_info[sid][0]
            if sub_info[sid][1] != t:
                renewed_at = sub_info[sid][1]
        elif product.duration_days:
            expires = granted + product.duration_days * DAY
        else:
            expires = None
        revoked = None
        if status != "completed":
            revoked = min(anchor - 60, granted + int(r() * 20 * DAY))
            by = cat.ADMINS[int(r() * len(cat.ADMINS))]
            reason = "order refunded" if status == "refunded" else "chargeback"
            tail: tuple[Any, ...] = (ts(revoked), by, reason)
        else:
            tail = (None, None, None)
        out["inventory_items"].append(
            (
                iid,
                cid,
                product.id,
                "revoked" if revoked is not None else "active",
                "order",
                order_id,
                None,
                ts(granted),
                ts(expires) if expires is not None else None,
                self.server_json[product.id],
                *tail,
                self._swept(revoked, expires),
            )
        )
        stages = self.templates[product.id]
        self._attempts(iid, product, stages["on_purchase"], "on_purchase", granted + 2, values, out)
        if renewed_at is not None:
            self._attempts(
                iid, product, stages["on_renew"], "on_renew", renewed_at + 60, values, out
            )
        if revoked is not None:
            stage = "on_refund" if status == "refunded" else "on_chargeback"
            self._attempts(iid, product, stages[stage], stage, revoked + 1, values, out)
        elif expires is not None and expires <= anchor:
            self._attempts(
                iid, product, stages["on_expire"], "on_expire", expires + 30, values, out
            )

    def _swept(self, revoked: int | None, expires: int | None) -> str | None:
        """``expire_queued_at`` of an active item that expired before the demo's anchor:
        its end is history (as migration 0003 marks such items), so the first expiry
        sweep of a demo store does not queue years of removal commands."""
        if revoked is None and expires is not None and expires <= self.anchor:
            return self.ts(expires)
        return None

    def _attempts(
        self,
        iid: int,
        product: Any,
        templates: list[tuple[str, Any]],
        stage: str,
        queued: int,
        values: tuple[str, str, str],
        out: dict[str, list[Row]],
    ) -> None:
        if not templates:
            return
        r = self.rng.random
        ts = self.ts
        attempts = out["command_attempts"]
        servers = product.server_ids
        age = self.anchor - queued
        aid = self.counters.command_attempts
        for j, (template, online_only) in enumerate(templates):
            aid += 1
            u = r()
            if age < 2 * DAY and u < 0.5:
                status, executed, error = "pending", None, None
            elif u > 0.96 or (online_only == self.true and u > 0.9):
                status, executed = "failed", None
                error = (
                    "player not online"
                    if online_only == self.true
                    else cat.COMMAND_ERRORS[int(r() * 4)]
                )
            else:
                status, executed, error = "executed", ts(queued + 1 + int(r() * 120)), None
            attempts.append(
                (
                    aid,
                    iid,
                    servers[(iid + j) % len(servers)],
                    stage,
                    template.format(*values),
                    online_only,
                    status,
                    ts(queued),
                    executed,
                    error,
                )
            )
        self.counters.command_attempts = aid

    def _manual_item(
        self,
        cid: int,
        platform: str,
        first_seen: int,
        values: tuple[str, str, str],
        out: dict[str, list[Row]],
    ) -> None:
        r = self.rng.random
        ts = self.ts
        anchor = self.anchor
        catalog = self.by_game[platform]
        product = catalog[int(r() * len(catalog))]
        granted = first_seen + int(r() * (anchor - first_seen))
        by = cat.ADMINS[int(r() * len(cat.ADMINS))]
        reason = cat.MANUAL_GRANT_REASONS[int(r() * len(cat.MANUAL_GRANT_REASONS))]
        expires = granted + (product.duration_days or 30) * DAY if r() < 0.7 else None
        self.counters.items += 1
        iid = self.counters.items
        revoked = None
        tail: tuple[Any, ...] = (None, None, None)
        if r() < 0.15 and (expires is None or expires > anchor - DAY):
            revoked = min(anchor - 60, granted + int(r() * 5 * DAY))
            tail = (ts(revoked), by, "granted by mistake")
        out["inventory_items"].append(
            (
                iid,
                cid,
                product.id,
                "revoked" if revoked is not None else "active",
                "manual",
                None,
                by,
                ts(granted),
                ts(expires) if expires is not None else None,
                self.server_json[product.id],
                *tail,
                self._swept(revoked, expires),
            )
        )
        after = {"product_id": product.id, "expires_at": iso(expires)}
        self._audit(out, granted, by, "item.assign", "item", str(iid), cid, None, after, reason)
        stages = self.templates[product.id]
        self._attempts(iid, product, stages["on_purchase"], "on_purchase", granted + 2, values, out)
        if revoked is not None:
            self._audit(
                out,
                revoked,
                by,
                "item.revoke",
                "item",
                str(iid),
                cid,
                {"state": "active"},
                {"state": "revoked"},
                "granted by mistake",
            )
            self._attempts(iid, product, stages["on_expire"], "on_expire", revoked + 1, values, out)

    def _audit(
        self,
        out: dict[str, list[Row]],
        at: int,
        actor: str,
        action: str,
        target_type: str,
        target_id: str,
        cid: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None,
    ) -> None:
        self.counters.audit_entries += 1
        out["audit_log"].append(
            (
                self.counters.audit_entries,
                self.ts(at),
                actor,
                action,
                target_type,
                target_id,
                cid,
                json.dumps(before) if before is not None else None,
                json.dumps(after) if after is not None else None,
                reason,
            )
        )
