"""customers.search_key: name search without case, accents or separators

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00

``search_key`` is ``core.search_text.search_key(username)`` (``Müller`` → ``muller``,
``Vorta_rust`` → ``vortarust``); name search compares the folded input with it.
``name_key`` (plain casefold) stays as it was: the delivery poll matches the names a
game server reports online against it, and a looser key there would take one player
for another.

Existing rows are filled in batches of ``BATCH`` in id order (one statement per batch
on PostgreSQL, one executemany on SQLite), all in the migration's transaction. Then the
prefix index ``ix_customers_search_key`` (search_key, id) is built, and the trigram
search moves to the new column: SQLite's FTS5 table ``customers_fts`` and its sync
triggers are recreated over ``search_key`` (plus ``customers_fts_vocab``, the trigram
document counts that bound the near-match candidates); PostgreSQL's pg_trgm GIN index
moves from ``name_key`` to ``search_key``. The column stays nullable: SQLite cannot add
a NOT NULL column without a default in place, and rewriting the table for it would
copy every customer; every write fills it (the model's default, the rename).

If ``search_key`` ever folds differently, a new revision must recompute the column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storeadmin.core.search_text import search_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 5_000

KEY_TYPE = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")

OLD_SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS customers_fts_insert",
    "DROP TRIGGER IF EXISTS customers_fts_delete",
    "DROP TRIGGER IF EXISTS customers_fts_update",
    "DROP TABLE IF EXISTS customers_fts_vocab",
    "DROP TABLE IF EXISTS customers_fts",
]


def _sqlite_fts(column: str) -> list[str]:
    """The FTS5 trigram table over ``column`` with its sync triggers, rebuilt."""
    return [
        "CREATE VIRTUAL TABLE customers_fts USING fts5("
        f"{column}, content='customers', content_rowid='id', tokenize='trigram')",
        "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",
        "CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN "
        f"INSERT INTO customers_fts(rowid, {column}) VALUES (new.id, new.{column}); END",
        "CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN "
        f"INSERT INTO customers_fts(customers_fts, rowid, {column}) "
        f"VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER customers_fts_update AFTER UPDATE OF {column} ON customers BEGIN "
        f"INSERT INTO customers_fts(customers_fts, rowid, {column}) "
        f"VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO customers_fts(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


SQLITE_VOCAB = "CREATE VIRTUAL TABLE customers_fts_vocab USING fts5vocab(customers_fts, 'row')"


def _backfill(bind: sa.Connection) -> None:
    """Fill ``search_key`` for every customer, ``BATCH`` rows at a time, in id order."""
    sqlite = bind.dialect.name == "sqlite"
    read = sa.text("SELECT id, username FROM customers WHERE id > :after ORDER BY id LIMIT :batch")
    if sqlite:
        write = sa.text("UPDATE customers SET search_key = :key WHERE id = :id")
    else:
        write = sa.text(
            "UPDATE customers AS c SET search_key = v.key FROM "
            "(SELECT unnest(CAST(:ids AS bigint[])) AS id, "
            "unnest(CAST(:keys AS text[])) AS key) AS v WHERE c.id = v.id"
        )
    after = 0
    while True:
        rows = bind.execute(read, {"after": after, "batch": BATCH}).all()
        if not rows:
            return
        keys = [(int(row.id), search_key(str(row.username))) for row in rows]
        if sqlite:
            bind.execute(write, [{"id": cid, "key": key} for cid, key in keys])
        else:
            bind.execute(write, {"ids": [c for c, _ in keys], "keys": [k for _, k in keys]})
        after = keys[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for statement in OLD_SQLITE_FTS_DROP:
            op.execute(statement)
    op.add_column("customers", sa.Column("search_key", KEY_TYPE, nullable=True))
    _backfill(bind)
    op.create_index("ix_customers_search_key", "customers", ["search_key", "id"])
    if sqlite:
        for statement in [*_sqlite_fts("search_key"), SQLITE_VOCAB]:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_customers_name_key_trgm")
        op.execute(
            "CREATE INDEX ix_customers_search_key_trgm ON customers "
            "USING gin (search_key gin_trgm_ops)"
        )
        op.execute("ANALYZE customers")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in OLD_SQLITE_FTS_DROP:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_customers_search_key_trgm")
        op.execute(
            "CREATE INDEX ix_customers_name_key_trgm ON customers USING gin (name_key gin_trgm_ops)"
        )
    op.drop_index("ix_customers_search_key", table_name="customers")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("search_key")
    if bind.dialect.name == "sqlite":
        for statement in _sqlite_fts("name_key"):
            op.execute(statement)
