"""Customer search: ``customers`` runs the phases, ``sql`` builds their statements,
``terms`` reads the shape of the input (ID forms, prefixes, FTS phrases), ``by_id``
answers an ID-shaped input in one statement and ``id_search`` reads it into a page (on a
``DriverRead`` when it can), ``metadata_keys`` caches the keys a value is looked up
under, ``substring_pg`` is PostgreSQL's substring phase and ``results`` makes the page
(figures, cursor)."""

from storeadmin.data.search.customers import phases_for, search_customers
from storeadmin.data.search.id_search import id_input, id_page
from storeadmin.data.search.metadata_keys import MetadataKeys
from storeadmin.data.search.results import summaries

__all__ = [
    "MetadataKeys",
    "id_input",
    "id_page",
    "phases_for",
    "search_customers",
    "summaries",
]
