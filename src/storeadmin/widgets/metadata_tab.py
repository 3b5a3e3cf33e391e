"""Metadata tab: the customer's key/value pairs (read-only view)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text

from storeadmin.core.models import MetadataField, Page
from storeadmin.core.service import StoreService
from storeadmin.widgets.cells import plain
from storeadmin.widgets.tab_base import Fetch, PagedTab, first_page_only


class MetadataTab(PagedTab[MetadataField]):
    """Key and value of every metadata field, in key order."""

    GROUP: ClassVar[str] = "metadata"
    NOUN: ClassVar[str] = "fields"
    COLUMNS: ClassVar[Sequence[tuple[str, int | None]]] = (("Key", 24), ("Value", None))

    def make_fetch(self) -> Fetch[MetadataField]:
        """All fields in one page (capped; metadata maps are small)."""
        customer_id = self.customer_id

        def fetch(service: StoreService, cursor: str | None) -> Page[MetadataField]:
            return first_page_only(service.get_metadata(customer_id))

        return fetch

    def row_key(self, item: MetadataField) -> str:
        """The key (unique per customer)."""
        return item.key

    def row_cells(self, item: MetadataField) -> Sequence[Text | str]:
        """Key and value, both plain."""
        return (plain(item.key, max_length=64), plain(item.value, max_length=200))
