"""The SQL store: ``StoreService`` over SQLAlchemy (SQLite, PostgreSQL).

Open one with :func:`open_sql_store`. Never imports ``storeadmin.config``, the UI or
``storeadmin.demo``. The names below load on first use, so that ``storeadmin.stores``
can ask ``storeadmin.data.location`` about a location before the app's first paint
without importing SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storeadmin.data.service import SqlStoreService, open_sql_store

__all__ = ["SqlStoreService", "open_sql_store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from storeadmin.data import service

        return getattr(service, name)
    raise AttributeError(f"module 'storeadmin.data' has no attribute {name!r}")
