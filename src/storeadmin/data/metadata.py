"""Customer metadata: the one loader of the key/value map, reading it in key order, and
replacing the whole map in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from storeadmin.core import validation
from storeadmin.core.models import MetadataField
from storeadmin.data import audit
from storeadmin.data.base import ServiceBase
from storeadmin.data.checks import rowcount
from storeadmin.data.customers import load_customer, require_customer, stale_conflict
from storeadmin.data.ids import sql_id, sql_version
from storeadmin.data.schema import CustomerRow, MetadataRow


def metadata_map(session: Session, customer_id: int) -> dict[str, str]:
    """The customer's metadata as a dict (placeholder values, audit before/after)."""
    rows = session.execute(
        select(MetadataRow.key, MetadataRow.value).where(MetadataRow.customer_id == customer_id)
    ).all()
    return {key: value for key, value in rows}


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


class Metadata(ServiceBase):
    """Read and replace a customer's metadata."""

    def get_metadata(self, customer_id: str) -> tuple[MetadataField, ...]:
        """The customer's metadata in key order (case-insensitive, then exact for ties).

        Sorted here, not in SQL: collations differ between the backends.
        """
        cid = sql_id(customer_id, "customer")
        with self.read() as session:
            require_customer(session, cid)
            return _sorted_fields(metadata_map(session, cid))

    def replace_metadata(
        self,
        customer_id: str,
        fields: Sequence[MetadataField],
        *,
        expected_version: str | None = None,
    ) -> tuple[MetadataField, ...]:
        """Replace the whole metadata map; rows with empty key and value are dropped."""
        cid = sql_id(customer_id, "customer")
        expected = None if expected_version is None else sql_version(expected_version)
        now = self.now()
        new = clean_metadata(fields, now)
        with self.write() as session:
            # Locked: two admins replacing the map at once queue up instead of clashing.
            row = load_customer(session, cid, lock=True)
            if expected_version is not None and row.version != expected:
                raise stale_conflict(row)
            old = metadata_map(session, cid)
            if old == new:
                return _sorted_fields(old)
            if expected_version is not None:
                # Same guard as an edit: the map was read at that version.
                result = session.execute(
                    update(CustomerRow)
                    .where(CustomerRow.id == cid, CustomerRow.version == expected)
                    .values(version=CustomerRow.version + 1, updated_at=now, updated_by=self.actor)
                    .execution_options(synchronize_session=False)
                )
                if rowcount(result) != 1:
                    raise stale_conflict(load_customer(session, cid))
            session.execute(delete(MetadataRow).where(MetadataRow.customer_id == cid))
            if new:
                session.execute(
                    insert(MetadataRow),
                    [{"customer_id": cid, "key": k, "value": v} for k, v in new.items()],
                )
            audit.record(
                session,
                self,
                action="metadata.replace",
                target_type="customer",
                target_id=cid,
                customer_id=cid,
                before=old,
                after=new,
            )
        self.__dict__.pop("_metadata_keys", None)  # search's cached keys (Customers.metadata_keys)
        return _sorted_fields(new)
