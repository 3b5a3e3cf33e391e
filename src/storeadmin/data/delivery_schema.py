"""Core ``Table`` handles of the tables command delivery reads and writes.

The models (columns of migration 0003 included) live in ``storeadmin.data.schema``;
the delivery code speaks Core SQL through these handles.
"""

from __future__ import annotations

from sqlalchemy import Table

from storeadmin.data.schema import (
    CommandAttemptRow,
    CustomerPresenceRow,
    GameServerRow,
    InventoryItemRow,
)

GAME_SERVERS: Table = GameServerRow.__table__  # type: ignore[assignment]  # __table__ is typed FromClause; a mapped class's is a Table
ATTEMPTS: Table = CommandAttemptRow.__table__  # type: ignore[assignment]  # __table__ is typed FromClause; a mapped class's is a Table
ITEMS: Table = InventoryItemRow.__table__  # type: ignore[assignment]  # __table__ is typed FromClause; a mapped class's is a Table
PRESENCE: Table = CustomerPresenceRow.__table__  # type: ignore[assignment]  # __table__ is typed FromClause; a mapped class's is a Table
