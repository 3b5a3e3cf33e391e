"""Alembic environment: always run on a connection handed over by storeadmin.data.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storeadmin.data.migrate import include_object
from storeadmin.data.schema import Base


def run_migrations(connection: Connection) -> None:
    """Configure Alembic on ``connection`` and run the requested command."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "storeadmin migrations run through `storeadmin db upgrade`, not alembic's CLI"
    )
run_migrations(connection)
