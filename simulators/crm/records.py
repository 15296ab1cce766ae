"""The record type every sObject shares, and its JSON-ready form for ``/__admin/state``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulators._core.snapshot import jsonable
from simulators.crm.exceptions import JsonParserError, NotFound
from simulators.crm.fields import NUMBER_TYPES, ObjectDef

if TYPE_CHECKING:
    from simulators.crm.schema import Schema


@dataclass(slots=True)
class SObject:
    """One record of any sObject type: API field name -> stored value (``Decimal``, ``date``, aware ``datetime``)."""

    type: str
    values: dict[str, Any]

    @property
    def id(self) -> str:
        """The 18-character id."""
        return str(self.values["Id"])

    @property
    def deleted(self) -> bool:
        """In the recycle bin."""
        return bool(self.values.get("IsDeleted"))


def to_jsonable(obj: ObjectDef, record: SObject) -> dict[str, Any]:
    """A record with money as strings and dates as ISO 8601, in describe() field order."""
    return jsonable({f.name: record.values.get(f.name, f.empty()) for f in obj.fields})


def from_jsonable(obj: ObjectDef, row: Mapping[str, Any]) -> SObject:
    """The inverse of :func:`to_jsonable`."""
    values: dict[str, Any] = {}
    for f in obj.fields:
        value = row.get(f.name)
        try:
            if value is None:
                value = f.empty() if f.name not in row else (False if f.type == "boolean" else None)
            elif f.type in NUMBER_TYPES:
                value = Decimal(str(value))
            elif f.type == "date":
                value = date.fromisoformat(str(value))
            elif f.type == "datetime":
                value = datetime.fromisoformat(str(value))
        except (ValueError, ArithmeticError) as exc:
            raise JsonParserError(f"Bad value for {obj.name}.{f.name} in snapshot: {value!r}") from exc
        values[f.name] = value
    if not isinstance(values.get("Id"), str):
        raise JsonParserError(f"A {obj.name} row in the snapshot has no Id")
    return SObject(obj.name, values)


def snapshot_tables(schema: Schema, records: Mapping[str, Mapping[str, SObject]]) -> dict[str, Any]:
    """Every record (deleted ones too), per sObject type of the schema, in id order, JSON-ready."""
    return {
        name: [to_jsonable(obj, r) for _, r in sorted(records.get(name, {}).items())]
        for name, obj in schema.objects.items()
    }


def restore_tables(schema: Schema, snapshot: Mapping[str, Any]) -> dict[str, dict[str, SObject]]:
    """The record tables of a snapshot taken by :func:`snapshot_tables`."""
    records: dict[str, dict[str, SObject]] = {name: {} for name in schema.objects}
    for name, rows in snapshot.items():
        obj = schema.objects.get(name)
        if obj is None:
            raise NotFound(f"Unknown sObject type in snapshot: {name}")
        for row in rows:
            record = from_jsonable(obj, row)
            records[name][record.id] = record
    return records
