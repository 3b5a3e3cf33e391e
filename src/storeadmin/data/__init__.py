"""The SQL store: ``StoreService`` over SQLAlchemy (SQLite, PostgreSQL).

Open one with :func:`open_sql_store`. Never imports ``storeadmin.config``, the UI or
``storeadmin.demo``.
"""

from storeadmin.data.service import SqlStoreService, open_sql_store

__all__ = ["SqlStoreService", "open_sql_store"]
