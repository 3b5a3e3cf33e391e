"""PayNow DTOs of money flows and the catalogue → domain types (orders, subscriptions,
products, game servers). Same conventions as :mod:`storeadmin.paynow.mapping`.

PayNow's ``OrderDto`` has no fee or refund totals: both read as zero here (the
header's net spend comes from PayNow's stats instead).
"""

from __future__ import annotations

from storeadmin.core.models import (
    BillingInterval,
    CommandStage,
    GameServer,
    IntervalScale,
    Order,
    OrderDetails,
    OrderLine,
    OrderStatus,
    Product,
    ProductCommand,
    ProductType,
    Subscription,
    SubscriptionStatus,
)
from storeadmin.core.money import Money
from storeadmin.paynow.mapping import EPOCH, Dto, currency_code, parse_time, stage_of, text_or_none

# ---------------------------------------------------------------- orders, subscriptions


def _order_status(value: object) -> OrderStatus:
    try:
        return OrderStatus(str(value))
    except ValueError:
        return OrderStatus.CREATED


def to_order(dto: Dto) -> Order:
    """``OrderDto`` → Order. PayNow's order has no fee or refund totals: both are zero."""
    currency = currency_code(dto.get("currency"))
    lines = dto.get("lines") or ()
    zero = Money.zero(currency)
    return Order(
        id=str(dto["id"]),
        customer_id=str(dto.get("customer_id") or ""),
        status=_order_status(dto.get("status")),
        products=", ".join(str(line.get("product_name") or "?") for line in lines),
        subtotal=Money(int(dto.get("subtotal_amount") or 0), currency),
        discount=Money(int(dto.get("discount_amount") or 0), currency),
        tax=Money(int(dto.get("tax_amount") or 0), currency),
        fees=zero,
        refunded=zero,
        total=Money(int(dto.get("total_amount") or 0), currency),
        gateway=str(dto.get("pretty_id") or "PayNow"),
        created_at=parse_time(dto.get("created_at")) or EPOCH,
        completed_at=parse_time(dto.get("completed_at")),
        subscription_id=text_or_none(dto.get("subscription_id")),
    )


def to_order_details(dto: Dto) -> OrderDetails:
    """``OrderDto`` with its ``OrderLineDto``s."""
    order = to_order(dto)
    currency = order.total.currency
    lines = tuple(
        OrderLine(
            id=str(line["id"]),
            product_id=str(line.get("product_id") or ""),
            product_name=str(line.get("product_name") or "?"),
            quantity=int(line.get("quantity") or 1),
            unit_price=Money(int(line.get("price") or 0), currency),
            total=Money(int(line.get("total_amount") or 0), currency),
        )
        for line in dto.get("lines") or ()
    )
    return OrderDetails(order=order, lines=lines)


def interval(value: object, scale: object) -> BillingInterval:
    """A PayNow interval (``invalid`` scale or 0 value → 30 days)."""
    try:
        unit = IntervalScale(str(scale))
    except ValueError:
        return BillingInterval(30, IntervalScale.DAY)
    count = int(value) if isinstance(value, int) and value > 0 else 1
    return BillingInterval(count, unit)


def to_subscription(dto: Dto) -> Subscription:
    """``SubscriptionDto`` → Subscription (``invalid`` status reads as created)."""
    currency = currency_code(dto.get("currency"))
    lines = dto.get("lines") or ()
    first = lines[0] if lines else {}
    try:
        status = SubscriptionStatus(str(dto.get("status")))
    except ValueError:
        status = SubscriptionStatus.CREATED
    customer = dto.get("customer") or {}
    return Subscription(
        id=str(dto["id"]),
        customer_id=str(customer.get("id") or ""),
        product_id=str(dto.get("product_id") or first.get("product_id") or ""),
        product_name=str(dto.get("product_name") or first.get("product_name") or "?"),
        amount=Money(int(dto.get("total_amount") or 0), currency),
        interval=interval(dto.get("interval_value"), dto.get("interval_scale")),
        status=status,
        created_at=parse_time(dto.get("created_at")) or EPOCH,
        current_period_end=parse_time(dto.get("current_period_end")),
        next_billing_at=parse_time(dto.get("next_attempt_at")),
        canceled_at=parse_time(dto.get("canceled_at")),
        cancel_reason=text_or_none(dto.get("cancel_reason")),
    )


# ---------------------------------------------------------------- catalogue


def to_product(dto: Dto, currency: str) -> Product:
    """``ProductDto`` → Product."""
    subscription = bool(dto.get("allow_subscription")) and not dto.get("allow_one_time_purchase")
    billing = (
        interval(dto.get("subscription_interval_value"), dto.get("subscription_interval_scale"))
        if dto.get("allow_subscription")
        else None
    )
    duration = None
    if dto.get("remove_after_enabled"):
        per = {"day": 1, "week": 7, "month": 30}.get(str(dto.get("remove_after_time_scale")))
        value = dto.get("remove_after_time_value")
        if per and isinstance(value, int) and value > 0:
            duration = per * value
    servers = tuple(str(s["id"]) for s in dto.get("gameservers") or () if s.get("id"))
    commands = tuple(
        ProductCommand(
            stage=stage_of(c.get("stage")),
            content=str(c.get("content") or ""),
            server_ids=tuple(str(x) for x in c.get("override_execute_on_gameserver_ids") or ()),
            online_only=bool(c.get("online_only")),
        )
        for c in dto.get("commands") or ()
        if str(c.get("stage")) in CommandStage.__members__.values()
    )
    return Product(
        id=str(dto["id"]),
        name=str(dto.get("name") or dto.get("slug") or "?"),
        slug=str(dto.get("slug") or ""),
        type=ProductType.SUBSCRIPTION if subscription else ProductType.ONE_TIME,
        price=Money(int(dto.get("price") or 0), currency),
        interval=billing,
        duration_days=duration,
        server_ids=servers,
        commands=commands,
    )


def to_game_server(dto: Dto, game: str) -> GameServer:
    """``GameServerDto`` → GameServer (the store's platform is the game)."""
    link = dto.get("linked_to") or {}
    return GameServer(
        id=str(dto["id"]),
        name=str(dto.get("name") or dto["id"]),
        game=game,
        enabled=bool(dto.get("enabled", True)),
        linked_hostname=text_or_none(link.get("hostname")),
        linked_platform=text_or_none(link.get("platform")),
        linked_version=text_or_none(link.get("version")),
        linked_ip=text_or_none(link.get("ip")),
        linked_at=parse_time(link.get("saved_at")),
        last_poll_at=parse_time(link.get("last_fetched_commands_at")),
    )
