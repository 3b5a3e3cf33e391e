"""Turn core dataclasses into JSON-ready structures for ``--json`` output."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from storeadmin.core.money import Money


def to_jsonable(value: Any) -> Any:
    """Dataclasses → dicts, Money → {amount, currency, formatted}, datetimes → ISO 8601."""
    if isinstance(value, Money):
        return {"amount": value.amount, "currency": value.currency, "formatted": value.format()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value
