"""JSON-ready snapshots of domain records for ``/__admin/state``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    """A record's ``asdict`` made JSON-ready (Decimal as string, dates as ISO 8601)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, date | datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
