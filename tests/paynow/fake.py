"""An in-process fake of the PayNow Management API (an httpx ``MockTransport`` handler).

It keeps a small store in memory and answers the routes storeadmin uses with DTOs built
from the contract's schemas (``contract.dto``: required fields only, plus what the test
sets), and it is always wrapped in ``ValidatingTransport``, so its answers are checked
against the spec like the backend's requests. ``fail_next`` injects faults.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from paynow.contract import dto

STORE_ID = "411486491630370816"
API_KEY = "pnapi_test_SECRET_5b1f0e2c9d"
NOW = "2026-11-01T12:00:00Z"

_ids = itertools.count(500000000000000001)


def new_id() -> str:
    """A fresh flake-like ID."""
    return str(next(_ids))


@dataclass
class Fault:
    """A forced answer for the next matching request."""

    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    timeout: bool = False
    connect_error: bool = False
    method: str | None = None
    path_contains: str | None = None
    path_suffix: str | None = None


class FakePayNow:
    """State plus a ``handler`` for ``httpx.MockTransport``."""

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.lock = threading.Lock()
        self.customers: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.bans: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, int] = {}
        self.faults: list[Fault] = []
        self.requests: list[str] = []
        self.server = dto(
            "GameServerDto",
            id=new_id(),
            store_id=STORE_ID,
            name="EU Main",
            enabled=True,
            created_by={"type": "user"},
            updated_by={"type": "user"},
        )
        self.product = dto(
            "ProductDto",
            id=new_id(),
            store_id=STORE_ID,
            version_id=new_id(),
            name="VIP",
            slug="vip",
            price=999,
            allow_one_time_purchase=True,
            remove_after_enabled=True,
            remove_after_time_value=30,
            remove_after_time_scale="day",
            gameservers=[{"id": self.server["id"], "name": "EU Main", "enabled": True}],
            commands=[
                {
                    "stage": "on_purchase",
                    "content": "oxide.grant user {steam_id} vip",
                    "online_only": False,
                }
            ],
        )

    # ------------------------------------------------------------ seeding

    def add_customer(
        self, name: str = "Alice", steam_id: str | None = "76561197960287930", **extra: Any
    ) -> dict[str, Any]:
        """A customer (with an explicit name and SteamID unless told otherwise)."""
        cid = new_id()
        customer = dto(
            "CustomerDto", id=cid, store_id=STORE_ID, created_at="2026-02-03T04:05:06Z", metadata={}
        )
        customer["name"] = name
        if steam_id:
            customer["steam_id"] = steam_id
        customer["updated_at"] = "2026-03-01T00:00:00Z"
        customer.update(extra)
        self.customers[cid] = customer
        return customer

    def add_item(self, customer_id: str, **extra: Any) -> dict[str, Any]:
        """An active, manually granted delivery item with one queued attempt."""
        iid = new_id()
        attempt = dto(
            "CommandAttemptDto",
            id=new_id(),
            store_id=STORE_ID,
            gameserver_id=self.server["id"],
            command="oxide.grant user 76561197960287930 vip",
            queued_at=NOW,
        )
        attempt.update(inventory_item_id=iid, customer_id=customer_id, command_stage="on_purchase")
        item = dto(
            "DeliveryItemDto",
            id=iid,
            store_id=STORE_ID,
            customer_id=customer_id,
            customer=self.customers[customer_id],
            state="active",
            added_at=NOW,
            product={"id": self.product["id"], "name": "VIP", "slug": "vip", "version_id": "v1"},
            command_attempts=[attempt],
            custom_variables={},
        )
        item["added_by"] = {"type": "user", "id": "400000000000000009"}
        item.update(extra)
        self.items[iid] = item
        return item

    def add_order(self, customer_id: str, status: str = "completed") -> dict[str, Any]:
        """A completed order of one VIP line."""
        oid = new_id()
        line = dto(
            "OrderLineDto",
            id=new_id(),
            product_id=self.product["id"],
            product_name="VIP",
            price=999,
            quantity=1,
            total_amount=999,
        )
        order = dto(
            "OrderDto",
            id=oid,
            store_id=STORE_ID,
            customer_id=customer_id,
            customer=self.customers[customer_id],
            status=status,
            currency="usd",
            pretty_id="pn-abc",
            total_amount=999,
            subtotal_amount=999,
            lines=[line],
            type="one_time",
        )
        order["created_at"] = NOW
        self.orders[oid] = order
        return order

    def add_subscription(self, customer_id: str) -> dict[str, Any]:
        """An active monthly subscription."""
        sid = new_id()
        sub = dto(
            "SubscriptionDto",
            id=sid,
            store_id=STORE_ID,
            customer=self.customers[customer_id],
            status="active",
            currency="usd",
            interval_value=1,
            interval_scale="month",
            total_amount=499,
            created_at=NOW,
        )
        self.subscriptions[sid] = sub
        return sub

    # ------------------------------------------------------------ faults

    def fail_next(self, status: int = 500, **kwargs: Any) -> None:
        """Answer the next matching request with ``status`` (or a timeout / connect error)."""
        self.faults.append(Fault(status=status, **kwargs))

    def _fault_for(self, request: httpx.Request) -> Fault | None:
        for fault in self.faults:
            if fault.method and fault.method != request.method:
                continue
            if fault.path_contains and fault.path_contains not in request.url.path:
                continue
            if fault.path_suffix and not request.url.path.endswith(fault.path_suffix):
                continue
            self.faults.remove(fault)
            return fault
        return None

    # ------------------------------------------------------------ handler

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport entry point."""
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            self.requests.append(f"{request.method} {request.url.path}")
            fault = self._fault_for(request)
            if fault is not None:
                if fault.timeout:
                    raise httpx.ReadTimeout("timed out", request=request)
                if fault.connect_error:
                    raise httpx.ConnectError("refused", request=request)
                return _error(fault.status, "forced", fault.headers)
            if request.headers.get("Authorization") != f"APIKey {API_KEY}":
                return _error(401, "unauthorized")
            prefix = f"/v1/stores/{STORE_ID}"
            path = request.url.path
            if path == f"/v2/stores/{STORE_ID}/stats/customers":
                return _json([self._stats(c) for c in self.customers.values()])
            m = re.fullmatch(rf"/v2/stores/{STORE_ID}/stats/customers/(\d+)", path)
            if m:
                return self._need(m.group(1), self.customers, lambda c: _json(self._stats(c)))
            if not path.startswith(prefix):
                return _error(404, "no such store")
            return self._route(request, request.method, path[len(prefix) :])

    def _route(self, request: httpx.Request, method: str, path: str) -> httpx.Response:
        q = request.url.params
        body: Any = json.loads(request.content) if request.content else None
        routes: list[tuple[str, str, Callable[..., httpx.Response]]] = [
            (
                "GET",
                r"",
                lambda: _json(
                    dto(
                        "StoreDto",
                        id=STORE_ID,
                        name="Rusty",
                        currency="usd",
                        game="rust",
                        platform="rust",
                    )
                ),
            ),
            ("GET", r"/customers", lambda: self._list(self._search(q.get("search")), q)),
            ("GET", r"/customers/lookup", lambda: self._lookup(q)),
            ("GET", r"/customers/(\d+)", lambda cid: self._need(cid, self.customers, _json)),
            (
                "PATCH",
                r"/customers/(\d+)",
                lambda cid: self._need(cid, self.customers, lambda c: self._patch(c, body)),
            ),
            (
                "POST",
                r"/customers/(\d+)/tokens",
                lambda cid: self._need(cid, self.customers, lambda c: self._token(cid)),
            ),
            (
                "DELETE",
                r"/customers/(\d+)/tokens",
                lambda cid: self._need(cid, self.customers, lambda c: self._untoken(cid)),
            ),
            (
                "GET",
                r"/customers/(\d+)/delivery/items",
                lambda cid: self._list(
                    [i for i in self.items.values() if i["customer_id"] == cid], q
                ),
            ),
            (
                "POST",
                r"/customers/(\d+)/delivery/items",
                lambda cid: self._need(cid, self.customers, lambda c: self._assign(cid, body)),
            ),
            ("DELETE", r"/customers/(\d+)/delivery/items/(\d+)", self._revoke),
            (
                "GET",
                r"/customers/(\d+)/delivery/commands",
                lambda cid: self._list(
                    [
                        a
                        for i in self.items.values()
                        if i["customer_id"] == cid
                        for a in i["command_attempts"]
                    ],
                    q,
                ),
            ),
            ("GET", r"/delivery/items", lambda: self._list(list(self.items.values()), q)),
            ("POST", r"/delivery/commands/unqueue", lambda: self._unqueue(body)),
            (
                "POST",
                r"/gameservers/(\d+)/delivery/commands/resend",
                lambda gid: self._resend(gid, body),
            ),
            ("GET", r"/orders", lambda: self._list(self._orders(q), q)),
            ("GET", r"/orders/(\d+)", lambda oid: self._need(oid, self.orders, _json)),
            (
                "GET",
                r"/subscriptions",
                lambda: self._list(
                    [
                        s
                        for s in self.subscriptions.values()
                        if s["customer"]["id"] == q.get("customer_id", s["customer"]["id"])
                    ],
                    q,
                ),
            ),
            (
                "GET",
                r"/subscriptions/(\d+)",
                lambda sid: self._need(sid, self.subscriptions, _json),
            ),
            ("GET", r"/bans", lambda: self._list(list(self.bans.values()), q)),
            ("POST", r"/bans", lambda: self._ban(body)),
            ("GET", r"/bans/(\d+)", lambda bid: self._need(bid, self.bans, _json)),
            (
                "DELETE",
                r"/bans/(\d+)",
                lambda bid: self._need(bid, self.bans, lambda b: self._unban(bid)),
            ),
            ("POST", r"/bans/check", lambda: self._check(body)),
            ("GET", r"/products", lambda: _json([self.product])),
            ("GET", r"/gameservers", lambda: _json([self.server])),
            (
                "GET",
                r"/gameservers/(\d+)",
                lambda gid: (
                    _json(self.server) if gid == self.server["id"] else _error(404, "no server")
                ),
            ),
        ]
        for verb, pattern, action in routes:
            if verb != method:
                continue
            m = re.fullmatch(pattern, path)
            if m:
                return action(*m.groups())
        return _error(404, f"no route {method} {path}")

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
            item["command_attempts"][0], id=new_id(), rerun=True, gameserver_id=gid, queued_at=NOW
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
        return rows

    def _ban(self, body: dict[str, Any]) -> httpx.Response:
        bid = new_id()
        ban = dto(
            "BanDto",
            id=bid,
            store_id=STORE_ID,
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
