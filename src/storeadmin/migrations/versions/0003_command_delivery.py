"""command delivery: server tokens and links, attempt delivery columns, presence

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:30:00

Game servers get a token hash (unique), an enabled flag, link info and the last poll;
command attempts get delivery counts, the acknowledging IP, the cancel time and the
rerun mark, plus a partial index of open attempts per server (the poll); inventory
items get ``expire_queued_at``, the sweep's exactly-once guard, with a partial index
of sweepable items; ``customer_presence`` records the last ``player_join``.

Active items whose end had already passed before this revision are marked swept
(``expire_queued_at = expires_at``): their removal commands were never part of the
store's behaviour, and queueing years of them on the first sweep would flood every
game server. Every column is added in place (nullable or with a server default), so
SQLite needs no table rebuild.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from storeadmin.data.schema import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN_ATTEMPT = "executed_at IS NULL AND unqueued_at IS NULL"
SWEEPABLE_ITEM = "state = 'active' AND expire_queued_at IS NULL"

SERVER_COLUMNS: list[sa.Column[Any]] = [
    sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=True),
    sa.Column("token_prefix", sa.String(length=16), nullable=True),
    sa.Column("token_issued_at", UtcDateTime(), nullable=True),
    sa.Column("linked_hostname", sa.String(length=255), nullable=True),
    sa.Column("linked_platform", sa.String(length=64), nullable=True),
    sa.Column("linked_version", sa.String(length=64), nullable=True),
    sa.Column("linked_ip", sa.String(length=64), nullable=True),
    sa.Column("linked_at", UtcDateTime(), nullable=True),
    sa.Column("last_poll_at", UtcDateTime(), nullable=True),
]
ATTEMPT_COLUMNS: list[sa.Column[Any]] = [
    sa.Column("delivered_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
    sa.Column("first_delivered_at", UtcDateTime(), nullable=True),
    sa.Column("last_delivered_at", UtcDateTime(), nullable=True),
    sa.Column("executed_by_ip", sa.String(length=64), nullable=True),
    sa.Column("unqueued_at", UtcDateTime(), nullable=True),
    sa.Column("unqueued_by", sa.String(length=100), nullable=True),
    sa.Column("rerun", sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column("rerun_of_id", ID, nullable=True),
]


def upgrade() -> None:
    for column in SERVER_COLUMNS:
        op.add_column("game_servers", column)
    op.create_index("ix_game_servers_token_hash", "game_servers", ["token_hash"], unique=True)

    for column in ATTEMPT_COLUMNS:
        op.add_column("command_attempts", column)
    op.create_index(
        "ix_command_attempts_open",
        "command_attempts",
        ["server_id", "id"],
        unique=False,
        sqlite_where=sa.text(OPEN_ATTEMPT),
        postgresql_where=sa.text(OPEN_ATTEMPT),
    )

    op.add_column("inventory_items", sa.Column("expire_queued_at", UtcDateTime(), nullable=True))
    op.execute(
        "UPDATE inventory_items SET expire_queued_at = expires_at "
        "WHERE state = 'active' AND expires_at IS NOT NULL AND expires_at <= CURRENT_TIMESTAMP"
    )
    op.create_index(
        "ix_inventory_items_expiry",
        "inventory_items",
        ["expires_at"],
        unique=False,
        sqlite_where=sa.text(SWEEPABLE_ITEM),
        postgresql_where=sa.text(SWEEPABLE_ITEM),
    )

    op.create_table(
        "customer_presence",
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("last_seen_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen_ip", sa.String(length=64), nullable=True),
        sa.Column("last_seen_server_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_presence_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_server_id"],
            ["game_servers.id"],
            name=op.f("fk_customer_presence_last_seen_server_id_game_servers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_presence")),
    )


def downgrade() -> None:
    op.drop_table("customer_presence")
    with op.batch_alter_table("inventory_items", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_items_expiry")
        batch_op.drop_column("expire_queued_at")
    with op.batch_alter_table("command_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_command_attempts_open")
        for column in reversed(ATTEMPT_COLUMNS):
            batch_op.drop_column(column.name)
    with op.batch_alter_table("game_servers", schema=None) as batch_op:
        batch_op.drop_index("ix_game_servers_token_hash")
        for column in reversed(SERVER_COLUMNS):
            batch_op.drop_column(column.name)
