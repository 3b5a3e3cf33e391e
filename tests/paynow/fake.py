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
from paynow.fake_actions import FakeActions, _error, _json

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


class FakePayNow(FakeActions):
    """State plus a ``handler`` for ``httpx.MockTransport``."""

    store_id = STORE_ID

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

    def new_id(self) -> str:
        """A fresh flake-like ID."""
        return new_id()

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
