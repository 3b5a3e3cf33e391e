"""Customer search: ``customers`` runs the phases, ``sql`` builds their statements,
``terms`` reads the shape of the input (ID forms, prefixes, FTS phrases), ``by_id``
answers an ID-shaped input in one statement (``id_page``: on a ``DriverRead``), ``substring_pg`` is PostgreSQL's substring
phase and ``results`` makes the page (figures, cursor)."""

from storeadmin.data.search.customers import (
    MetadataKeys,
    id_input,
    id_page,
    phases_for,
    search_customers,
)
from storeadmin.data.search.results import summaries

__all__ = [
    "MetadataKeys",
    "id_input",
    "id_page",
    "phases_for",
    "search_customers",
    "summaries",
]
