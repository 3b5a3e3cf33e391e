"""Schema of command delivery (migration 0003): the columns and the table it adds.

Game servers gain a token hash, an enabled flag, link info and the last poll; command
attempts gain delivery counts, the acknowledging IP, the cancel time and the rerun
mark; inventory items gain the time their ``on_expire`` commands were queued by the
sweep (its exactly-once guard); ``customer_presence`` keeps when and where each
customer was last seen by a game server.

The columns are appended to the tables of ``storeadmin.data.schema`` when this module
is imported (the delivery code and migration 0003 import it), so the models and the
migrations describe the same schema. Code reads them through ``GAME_SERVERS.c``,
``ATTEMPTS.c`` and ``ITEMS.c``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storeadmin.data.schema import (
    Base,
    CommandAttemptRow,
    GameServerRow,
    IdType,
    InventoryItemRow,
    UtcDateTime,
)

GAME_SERVERS: Table = GameServerRow.__table__  # type: ignore[assignment]
ATTEMPTS: Table = CommandAttemptRow.__table__  # type: ignore[assignment]
ITEMS: Table = InventoryItemRow.__table__  # type: ignore[assignment]

OPEN_ATTEMPT = "executed_at IS NULL AND unqueued_at IS NULL"
"""An attempt a game server should still run (the partial index's predicate)."""
SWEEPABLE_ITEM = "state = 'active' AND expire_queued_at IS NULL"


def _add(table: Table, column: Column[object]) -> None:
    if column.name not in table.c:
        table.append_column(column)


for _column in (
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("token_hash", String(64), nullable=True),
    Column("token_prefix", String(16), nullable=True),
    Column("token_issued_at", UtcDateTime, nullable=True),
    Column("linked_hostname", String(255), nullable=True),
    Column("linked_platform", String(64), nullable=True),
    Column("linked_version", String(64), nullable=True),
    Column("linked_ip", String(64), nullable=True),
    Column("linked_at", UtcDateTime, nullable=True),
    Column("last_poll_at", UtcDateTime, nullable=True),
):
    _add(GAME_SERVERS, _column)

for _column in (
    Column("delivered_count", Integer, nullable=False, server_default=text("0")),
    Column("first_delivered_at", UtcDateTime, nullable=True),
    Column("last_delivered_at", UtcDateTime, nullable=True),
    Column("executed_by_ip", String(64), nullable=True),
    Column("unqueued_at", UtcDateTime, nullable=True),
    Column("unqueued_by", String(100), nullable=True),
    Column("rerun", Boolean, nullable=False, server_default=false()),
    Column("rerun_of_id", IdType, nullable=True),
):
    _add(ATTEMPTS, _column)

_add(ITEMS, Column("expire_queued_at", UtcDateTime, nullable=True))

if "ix_game_servers_token_hash" not in {index.name for index in GAME_SERVERS.indexes}:
    Index("ix_game_servers_token_hash", GAME_SERVERS.c.token_hash, unique=True)
if "ix_command_attempts_open" not in {index.name for index in ATTEMPTS.indexes}:
    Index(
        "ix_command_attempts_open",
        ATTEMPTS.c.server_id,
        ATTEMPTS.c.id,
        sqlite_where=text(OPEN_ATTEMPT),
        postgresql_where=text(OPEN_ATTEMPT),
    )
if "ix_inventory_items_expiry" not in {index.name for index in ITEMS.indexes}:
    Index(
        "ix_inventory_items_expiry",
        ITEMS.c.expires_at,
        sqlite_where=text(SWEEPABLE_ITEM),
        postgresql_where=text(SWEEPABLE_ITEM),
    )


class CustomerPresenceRow(Base):
    """When and where a game server last saw a customer (``player_join`` events)."""

    __tablename__ = "customer_presence"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    last_seen_at: Mapped[datetime]
    last_seen_ip: Mapped[str | None] = mapped_column(String(64))
    last_seen_server_id: Mapped[int | None] = mapped_column(
        ForeignKey("game_servers.id", ondelete="SET NULL")
    )


PRESENCE: Table = CustomerPresenceRow.__table__  # type: ignore[assignment]
