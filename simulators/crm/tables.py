"""One tenant's record tables: the schema they follow, lookups by id and by value, and field-path reads.

The read side of :class:`~simulators.crm.models.CrmStore` (which adds transactions, saves and SOQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from simulators._core.runtime import StoreContext
from simulators.crm import soql
from simulators.crm.exceptions import RESOURCE_MISSING, EntityIsDeleted, MultipleMatches, NotFound
from simulators.crm.fields import FieldDef, ObjectDef
from simulators.crm.ids import make_id, normalize_id
from simulators.crm.index import ValueIndex
from simulators.crm.metadata import OrgMetadata
from simulators.crm.records import SObject
from simulators.crm.schema import Schema, build_schema
from simulators.crm.settings import CrmSettings


@dataclass(slots=True)
class RecordTables:
    """Records per sObject type, with the org's schema and a value index."""

    ctx: StoreContext[CrmSettings]
    records: dict[str, dict[str, SObject]] = field(default_factory=dict)
    _counters: dict[str, int] = field(default_factory=dict)
    _schema_source: OrgMetadata | None = None
    _schema: Schema | None = None
    _conditions: dict[tuple[str, str, date], Any] = field(default_factory=dict)
    _index: ValueIndex = field(default_factory=ValueIndex)

    @property
    def schema(self) -> Schema:
        """The org's schema for the current metadata (rebuilt when ``settings.metadata`` changes)."""
        metadata = self.ctx.settings().metadata
        if self._schema is None or metadata is not self._schema_source:
            schema = build_schema(metadata)
            if schema is not self._schema:
                self._conditions.clear()
            self._schema, self._schema_source = schema, metadata
            self._index.use(schema, self.records)
        return self._schema

    def describe(self, type_name: str) -> ObjectDef:
        """The metadata of an sObject type (case-insensitive), or ``NOT_FOUND``."""
        obj = self.schema.get(type_name)
        if obj is None:
            raise NotFound(RESOURCE_MISSING)
        return obj

    def table(self, type_name: str) -> dict[str, SObject]:
        """The records of one sObject type by id (deleted ones included)."""
        table = self.records.get(type_name)
        if table is None:
            table = self.records[type_name] = {}
        return table

    def by_id(self, record_id: str) -> SObject | None:
        """Any record by its 18-character id (the key prefix names its type)."""
        obj = self.schema.of_id(record_id)
        return self.table(obj.name).get(record_id) if obj is not None else None

    def new_id(self, prefix: str) -> str:
        """The next unused id with a key prefix."""
        obj = self.schema.of_id(prefix)
        return self.next_id(prefix, self.table(obj.name) if obj is not None else {})

    def next_id(self, prefix: str, table: Mapping[str, SObject]) -> str:
        """The next id with a key prefix that ``table`` (the records of the prefix's type) does not use."""
        number = self._counters.get(prefix, 0) + 1
        candidate = make_id(prefix, number)
        while candidate in table:
            number += 1
            candidate = make_id(prefix, number)
        self._counters[prefix] = number
        return candidate

    def _locate(self, obj: ObjectDef, ref: str) -> SObject:
        record_id = normalize_id(ref)
        if record_id is None:
            raise NotFound(f"Provided external ID field does not exist or is not accessible: {ref}")
        record = self.table(obj.name).get(record_id)
        if record is None:
            raise NotFound(RESOURCE_MISSING)
        return record

    def get(self, type_name: str, ref: str) -> SObject:
        """A live record by 15- or 18-character id."""
        record = self._locate(self.describe(type_name), ref)
        if record.deleted:
            raise NotFound(RESOURCE_MISSING)
        return record

    def live(self, obj: ObjectDef, ref: str) -> SObject:
        """A record to write: ``NOT_FOUND`` when unknown, ``ENTITY_IS_DELETED`` in the recycle bin."""
        record = self._locate(obj, ref)
        if record.deleted:
            raise EntityIsDeleted("entity is deleted")
        return record

    def external_field(self, obj: ObjectDef, name: str) -> FieldDef:
        """An external-id field of ``obj`` (or ``Id``), or ``NOT_FOUND`` as Salesforce words it."""
        found = obj.field(name)
        if found is None or not (found.external_id or found.name == "Id"):
            raise NotFound(f"Provided external ID field does not exist or is not accessible: {name}")
        return found

    def find_by_value(self, type_name: str, field_name: str, value: str) -> list[SObject]:
        """Live records whose text field equals ``value`` case-insensitively (indexed when possible)."""
        self.schema  # noqa: B018 (keeps the index on the current schema)
        table = self.table(type_name)
        if self._index.indexed(type_name, field_name):
            candidates = [table[i] for i in self._index.lookup(type_name, field_name, value) if i in table]
            if not candidates:
                return candidates
        else:
            candidates = [r for r in table.values() if isinstance(r.values.get(field_name), str)]
        wanted = value.lower()
        return [r for r in candidates if not r.deleted and str(r.values.get(field_name)).lower() == wanted]

    def indexed_ids(self, type_name: str, field_name: str, values: tuple[str, ...]) -> set[str] | None:
        """Ids (deleted records included) whose field equals one of ``values``; None when it is not indexed."""
        self.schema  # noqa: B018 (keeps the index on the current schema)
        if not self._index.indexed(type_name, field_name):
            return None
        return {i for v in values for i in self._index.lookup(type_name, field_name, v)}

    def find_external(self, type_name: str, field_name: str, value: str) -> list[SObject]:
        """Live records whose external-id field equals ``value`` (case-insensitively, as Salesforce matches)."""
        obj = self.describe(type_name)
        f = self.external_field(obj, field_name)
        if f.name == "Id":
            record_id = normalize_id(value)
            found = self.table(obj.name).get(record_id or "")
            return [found] if found is not None and not found.deleted else []
        return self.find_by_value(obj.name, f.name, value)

    def find_one_external(self, type_name: str, field_name: str, value: str) -> SObject:
        """The single live record with this external id: ``NOT_FOUND`` for none, 300 for several."""
        found = self.find_external(type_name, field_name, value)
        if not found:
            raise NotFound(RESOURCE_MISSING)
        if len(found) > 1:
            raise MultipleMatches(found[0].type, [r.id for r in found])
        return found[0]

    # -- approvals ------------------------------------------------------------------------------------------
    def pending_approval(self, record_id: str) -> SObject | None:
        """The pending approval process (``ProcessInstance``) that locks a record, if any."""
        for instance in self.table("ProcessInstance").values():
            if instance.values.get("TargetObjectId") == record_id and instance.values.get("Status") == "Pending":
                return instance
        return None

    # -- SOQL -----------------------------------------------------------------------------------------------
    def value(self, record: SObject, ref: soql.FieldRef) -> Any:
        """A field of a row, following parent lookups (``Account.Owner.Email``) when the path has them."""
        return self.value_of(record.values, ref)

    def value_of(self, values: Mapping[str, Any], ref: soql.FieldRef) -> Any:
        """A field path read from a record's values (also an unsaved record, for validation rules)."""
        current = values
        for lookup in ref.lookups:
            parent_id = current.get(lookup.name)
            parent = self.by_id(parent_id) if isinstance(parent_id, str) else None
            if parent is None:
                return None
            current = parent.values
        return current.get(ref.field.name)

    def bound_condition(self, obj: ObjectDef, condition: str) -> Any:
        """A validation rule's condition bound to the schema (cached per schema and day)."""
        today = self.ctx.clock.now().date()
        key = (obj.name, condition, today)
        bound = self._conditions.get(key)
        if bound is None:
            bound = self._conditions[key] = soql.bind_condition(condition, obj, self.schema, today)
        return bound
