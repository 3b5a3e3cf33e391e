"""Write side of the SQL StoreService: each write is one transaction with its audit entry.

The actions live in one mixin per concept; this class only composes them.
"""

from __future__ import annotations

from storeadmin.data.write_customers import CustomerWrites
from storeadmin.data.write_items import ItemWrites
from storeadmin.data.write_metadata import MetadataWrites
from storeadmin.data.write_tokens import TokenWrites


class StoreWrites(CustomerWrites, TokenWrites, MetadataWrites, ItemWrites):
    """Admin actions: edit, ban/unban, tokens, metadata, assign and revoke."""
