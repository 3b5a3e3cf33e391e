"""orders: covering index for the stats header and sparkline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 03:00:00

``ix_orders_customer_status_amounts`` (customer_id, status, created_at, id, total, fees,
refunded) replaces ``ix_orders_customer_status_created``: it keeps serving the keyset
page of one status (same leading columns) and lets the per-status sums of
``data.stats`` read the index alone, never the table (20,000-order customers).

The amounts are key columns on both backends rather than a PostgreSQL ``INCLUDE``: one
``Index`` in ``data/schema.py`` cannot list different columns per dialect, and the
autogenerate no-drift check compares key columns on SQLite and ``INCLUDE`` lists on
PostgreSQL. For these queries both forms give an index-only scan.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW = "ix_orders_customer_status_amounts"
OLD = "ix_orders_customer_status_created"


def upgrade() -> None:
    # Build the new index first: the old one serves readers until the swap commits.
    op.create_index(
        NEW,
        "orders",
        ["customer_id", "status", "created_at", "id", "total", "fees", "refunded"],
        unique=False,
    )
    op.drop_index(OLD, table_name="orders")


def downgrade() -> None:
    op.create_index(OLD, "orders", ["customer_id", "status", "created_at", "id"], unique=False)
    op.drop_index(NEW, table_name="orders")
