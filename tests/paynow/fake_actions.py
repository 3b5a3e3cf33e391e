"""What the fake PayNow does for each route (a mixin of ``FakePayNow``'s state)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from paynow.contract import dto

NOW = "2026-11-01T12:00:00Z"


class FakeActions:
    """Route actions over the state ``FakePayNow`` holds."""

    customers: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]
    orders: dict[str, dict[str, Any]]
    subscriptions: dict[str, dict[str, Any]]
    bans: dict[str, dict[str, Any]]
    tokens: dict[str, int]
    requests: list[str]
    product: dict[str, Any]
    store_id: str

    def add_item(self, customer_id: str, **extra: Any) -> dict[str, Any]:
        raise NotImplementedError

    def new_id(self) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------ helpers

    def _need(
        self,
        key: str,
        table: dict[str, dict[str, Any]],
        then: Callable[[dict[str, Any]], httpx.Response],
    ) -> httpx.Response:
        row = table.get(key)
        return _error(404, "not found") if row is None else then(row)

    def _list(self, rows: list[dict[str, Any]], q: httpx.QueryParams) -> httpx.Response:
        asc = q.get("asc") == "true"
        rows = sorted(rows, key=lambda r: int(r["id"]), reverse=not asc)
        after = q.get("after")
        if after:
            rows = [r for r in rows if (int(r["id"]) > int(after)) == asc and r["id"] != after]
        limit = int(q.get("limit") or 100)
        return _json(rows[:limit])

    def _search(self, text: str | None) -> list[dict[str, Any]]:
        if not text:
            return list(self.customers.values())
        return [
            c
            for c in self.customers.values()
            if text.casefold() in (c.get("name") or "").casefold()
        ]

    def _lookup(self, q: httpx.QueryParams) -> httpx.Response:
        for key in ("steam_id", "minecraft_uuid", "xbox_xuid", "id", "name"):
            if key in q:
                for c in self.customers.values():
                    if str(c.get(key) or "") == q[key]:
                        return _json(c)
        return _error(404, "customer not found")

    def _stats(self, customer: dict[str, Any]) -> dict[str, Any]:
        spent = sum(
            o["total_amount"]
            for o in self.orders.values()
            if o["customer_id"] == customer["id"] and o["status"] == "completed"
        )
        money = lambda n: {"iso_currency": "USD", "amount_minor_units": n}  # noqa: E731
        active = sum(
            1
            for s in self.subscriptions.values()
            if s["customer"]["id"] == customer["id"] and s["status"] == "active"
        )
        return dto(
            "CustomerStatsDto_V2",
            customer_id=customer["id"],
            total_spend_net=money(spent),
            total_spend_gross=money(spent),
            average_spend_gross=money(0),
            average_spend_net=money(0),
            total_monthly_recurring_revenue=money(499 * active),
            total_payments=sum(
                1 for o in self.orders.values() if o["customer_id"] == customer["id"]
            ),
            total_active_subscriptions=active,
        )

    def _patch(self, customer: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        for key, value in body.items():
            customer[key] = value
        customer["updated_at"] = (
            f"2026-11-01T12:{len(self.requests) % 60:02d}:{int(time.time()) % 60:02d}.{len(self.requests):06d}Z"
        )
        return _json(customer)

    def _token(self, cid: str) -> httpx.Response:
        self.tokens[cid] = self.tokens.get(cid, 0) + 1
        return _json({"token": f"pnc_{cid}_{self.tokens[cid]}_SECRET"})

    def _untoken(self, cid: str) -> httpx.Response:
        self.tokens[cid] = 0
        return httpx.Response(204)

    def _assign(self, cid: str, body: dict[str, Any]) -> httpx.Response:
        if body.get("product_id") != self.product["id"]:
            return _error(
                400,
                "invalid product",
                errors=[
                    {
                        "code": "invalid",
                        "message": "unknown product",
                        "path": "product_id",
                        "validation": "exists",
                    }
                ],
            )
        item = self.add_item(cid)
        if body.get("override_expires_at"):
            item["override_expires_at"] = body["override_expires_at"]
        return _json([item])

    def _revoke(self, cid: str, iid: str) -> httpx.Response:
        item = self.items.get(iid)
        if item is None or item["customer_id"] != cid:
            return _error(404, "delivery item not found")
        if item["state"] != "active":
            return _error(400, "item is not active")
        item.update(state="revoked", revoked_at=NOW, revoked_by={"type": "api_key"})
        return httpx.Response(204)

    def _unqueue(self, body: dict[str, Any]) -> httpx.Response:
        count = 0
        for item in self.items.values():
            for attempt in item["command_attempts"]:
                if (
                    attempt["id"] in body["attempt_ids"]
                    and not attempt.get("executed_at")
                    and not attempt.get("unqueued_at")
                ):
                    attempt["unqueued_at"] = NOW
                    count += 1
        return _json({"unqueued_count": count})

    def _resend(self, gid: str, body: dict[str, Any]) -> httpx.Response:
        item = self.items.get(body.get("inventory_item_id", ""))
        if item is None:
            return _json({"enqueued_commands_count": 0})
        again = dict(
            item["command_attempts"][0],
            id=self.new_id(),
            rerun=True,
            gameserver_id=gid,
            queued_at=NOW,
        )
        again.pop("unqueued_at", None)
        again.pop("executed_at", None)
        item["command_attempts"].append(again)
        return _json({"enqueued_commands_count": 1})

    def _orders(self, q: httpx.QueryParams) -> list[dict[str, Any]]:
        rows = list(self.orders.values())
        if "customer_id" in q:
            rows = [o for o in rows if o["customer_id"] == q["customer_id"]]
        if "subscription_id" in q:
            rows = [o for o in rows if o.get("subscription_id") == q["subscription_id"]]
        statuses = q.get_list("status")
        if statuses:
            rows = [o for o in rows if o["status"] in statuses]
        if "product_id" in q:
            wanted = q["product_id"]
            rows = [o for o in rows if any(ln["product_id"] == wanted for ln in o["lines"])]
        return rows

    def _ban(self, body: dict[str, Any]) -> httpx.Response:
        bid = self.new_id()
        ban = dto(
            "BanDto",
            id=bid,
            store_id=self.store_id,
            reason=body.get("reason") or "",
            enabled=True,
            identities=body.get("identities") or [],
            created_by={"type": "api_key"},
            created_at=NOW,
        )
        if body.get("expires_at"):
            ban["expires_at"] = body["expires_at"]
        self.bans[bid] = ban
        return _json(ban, 201)

    def _unban(self, bid: str) -> httpx.Response:
        del self.bans[bid]
        return httpx.Response(204)

    def _check(self, body: dict[str, Any]) -> httpx.Response:
        wanted = {(i["ban_type"], i["ban_type_value"]) for i in body["identities"]}
        for ban in self.bans.values():
            if ban["enabled"] and wanted & {
                (i["ban_type"], i["ban_type_value"]) for i in ban["identities"]
            }:
                return _json({"is_banned": True, "ban_id": ban["id"]})
        return _json({"is_banned": False})


def _json(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


def _error(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"status": status, "code": "error", "message": message}
    if errors is not None:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers=headers or {})
