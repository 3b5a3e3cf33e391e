"""Write side of the SQL StoreService: each write is one transaction with its audit entry.

The actions live in one mixin per concept; this class only composes them.
"""

from __future__ import annotations

from storeadmin.data.write_customers import CustomerWrites


class StoreWrites(CustomerWrites):
    """Admin actions: edit, ban/unban (tokens, metadata, assign and revoke follow)."""
