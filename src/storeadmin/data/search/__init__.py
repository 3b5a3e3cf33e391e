"""Customer search: ``customers`` runs the phases, ``sql`` builds their statements,
``terms`` reads the shape of the input (ID forms, prefixes, FTS phrases)."""

from storeadmin.data.search.customers import (
    MetadataKeys,
    phases_for,
    search_customers,
    summaries,
)

__all__ = ["MetadataKeys", "phases_for", "search_customers", "summaries"]
