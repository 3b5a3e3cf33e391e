"""Metadata write: replace the whole key/value map in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, update

from storeadmin.core import validation
from storeadmin.core.models import MetadataField
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.schema import CustomerRow, MetadataRow
from storeadmin.data.write_common import load_customer, metadata_map, stale_conflict


def _sorted_fields(values: Mapping[str, str]) -> tuple[MetadataField, ...]:
    """Fields in key order, case-insensitive (the order the tab shows them)."""
    return tuple(
        MetadataField(key, values[key]) for key in sorted(values, key=lambda k: (k.casefold(), k))
    )


def clean_metadata(fields: Sequence[MetadataField], now: datetime) -> dict[str, str]:
    """Validate the rows (InvalidRows on any bad row) and drop fully cleared ones."""
    rows = list(fields)
    result = validation.validate_metadata(rows, now=now)
    if result is not None:
        rows = list(result)
    return {row.key: row.value for row in rows if row.key.strip() or row.value.strip()}


class MetadataWrites(ServiceBase):
    """Replace a customer's metadata."""

    def replace_metadata(
        self,
        customer_id: int,
        fields: Sequence[MetadataField],
        *,
        expected_version: int | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole metadata map; rows with empty key and value are dropped."""
        now = self.now()
        new = clean_metadata(fields, now)
        with self.write() as session:
            # Locked: two admins replacing the map at once queue up instead of clashing.
            row = load_customer(session, customer_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                raise stale_conflict(row)
            old = metadata_map(session, customer_id)
            if old == new:
                return _sorted_fields(old)
            if expected_version is not None:
                # Same guard as an edit: the map was read at that version.
                result = session.execute(
                    update(CustomerRow)
                    .where(CustomerRow.id == customer_id, CustomerRow.version == expected_version)
                    .values(version=CustomerRow.version + 1, updated_at=now, updated_by=self.actor)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount != 1:
                    raise stale_conflict(load_customer(session, customer_id))
            session.execute(delete(MetadataRow).where(MetadataRow.customer_id == customer_id))
            if new:
                session.execute(
                    insert(MetadataRow),
                    [{"customer_id": customer_id, "key": k, "value": v} for k, v in new.items()],
                )
            audit.record(
                session,
                self,
                action="metadata.replace",
                target_type="customer",
                target_id=customer_id,
                customer_id=customer_id,
                before=old,
                after=new,
            )
        self.__dict__.pop("_metadata_keys", None)  # search's cached keys (reads.metadata_keys)
        return _sorted_fields(new)
