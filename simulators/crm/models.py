"""CRM domain: sObject records, save rules, external-id upserts and SOQL over one tenant's data.

Synchronous and free of FastAPI; time comes only from the simulated clock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from simulators._core.runtime import StoreContext
from simulators.crm import soql, soql_eval
from simulators.crm.exceptions import (
    RESOURCE_MISSING,
    DuplicateValue,
    EntityIsDeleted,
    FieldCustomValidationException,
    InvalidCrossReferenceKey,
    InvalidField,
    InvalidFieldForInsertUpdate,
    InvalidQueryLocator,
    MultipleMatches,
    NotFound,
    RequiredFieldMissing,
)
from simulators.crm.ids import counter_of, make_id, normalize_id
from simulators.crm.records import SObject, from_jsonable, to_jsonable
from simulators.crm.settings import CrmSettings
from simulators.crm.sobjects import (
    INTEGRATION_USER_ID,
    OBJECTS,
    PREFIXES,
    STAGES,
    FieldDef,
    ObjectDef,
    coerce,
    object_def,
)
from simulators.datagen import World

CLOSED_WON_NEEDS_AMOUNT = "Opportunity amount must be greater than zero when stage is Closed Won"
LOCATOR_PREFIX = "01g"
MAX_OPEN_CURSORS = 10
_READ_ONLY_HINT = (
    "Please check the security settings of this field and verify that it is read/write for your profile or "
    "permission set."
)


@dataclass(slots=True)
class QueryPage:
    """One batch of a query result."""

    query: soql.Query
    records: list[SObject]
    total: int
    locator: str | None
    """``01g...-N`` for the next batch, or None when this batch is the last."""


@dataclass(slots=True)
class _Cursor:
    query: soql.Query
    rows: list[SObject]
    batch: int


@dataclass(slots=True)
class CrmStore:
    """All records of one tenant, with Salesforce's save rules."""

    ctx: StoreContext[CrmSettings]
    records: dict[str, dict[str, SObject]] = field(default_factory=lambda: {name: {} for name in OBJECTS})
    _counters: dict[str, int] = field(default_factory=dict)
    _cursors: OrderedDict[str, _Cursor] = field(default_factory=OrderedDict)

    # -- lookup ---------------------------------------------------------------------------------------------
    @staticmethod
    def describe(type_name: str) -> ObjectDef:
        """The metadata of an sObject type (case-insensitive), or ``NOT_FOUND``."""
        obj = object_def(type_name)
        if obj is None:
            raise NotFound(RESOURCE_MISSING)
        return obj

    def _new_id(self, prefix: str) -> str:
        number = self._counters.get(prefix, 0) + 1
        table = self.records.get(PREFIXES.get(prefix, ""), {})
        while make_id(prefix, number) in table:
            number += 1
        self._counters[prefix] = number
        return make_id(prefix, number)

    def _locate(self, obj: ObjectDef, ref: str) -> SObject:
        record_id = normalize_id(ref)
        if record_id is None:
            raise NotFound(f"Provided external ID field does not exist or is not accessible: {ref}")
        record = self.records[obj.name].get(record_id)
        if record is None:
            raise NotFound(RESOURCE_MISSING)
        return record

    def get(self, type_name: str, ref: str) -> SObject:
        """A live record by 15- or 18-character id."""
        record = self._locate(self.describe(type_name), ref)
        if record.deleted:
            raise NotFound(RESOURCE_MISSING)
        return record

    def _live(self, obj: ObjectDef, ref: str) -> SObject:
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

    def find_external(self, type_name: str, field_name: str, value: str) -> list[SObject]:
        """Live records whose external-id field equals ``value`` (case-insensitively, as Salesforce matches)."""
        obj = self.describe(type_name)
        f = self.external_field(obj, field_name)
        if f.name == "Id":
            record_id = normalize_id(value)
            found = self.records[obj.name].get(record_id or "")
            return [found] if found is not None and not found.deleted else []
        wanted = value.lower()
        return [
            r
            for r in self.records[obj.name].values()
            if not r.deleted and isinstance(r.values.get(f.name), str) and r.values[f.name].lower() == wanted
        ]

    def find_one_external(self, type_name: str, field_name: str, value: str) -> SObject:
        """The single live record with this external id: ``NOT_FOUND`` for none, 300 for several."""
        found = self.find_external(type_name, field_name, value)
        if not found:
            raise NotFound(RESOURCE_MISSING)
        if len(found) > 1:
            raise MultipleMatches(found[0].type, [r.id for r in found])
        return found[0]

    # -- saves ----------------------------------------------------------------------------------------------
    def _changes(self, obj: ObjectDef, body: Mapping[str, Any]) -> dict[str, Any]:
        defs: list[tuple[FieldDef, Any]] = []
        for key, raw in body.items():
            if key == "attributes":
                continue
            f = obj.field(key)
            if f is None:
                raise InvalidField(f"No such column '{key}' on sobject of type {obj.name}")
            defs.append((f, raw))
        read_only = [f.name for f, _ in defs if not f.writable]
        if read_only:
            raise InvalidFieldForInsertUpdate(
                f"Unable to create/update fields: {', '.join(read_only)}. {_READ_ONLY_HINT}", fields=read_only
            )
        return {f.name: coerce(f, raw) for f, raw in defs}

    def _check(self, obj: ObjectDef, values: dict[str, Any], changes: Mapping[str, Any], own_id: str) -> None:
        missing = [f.name for f in obj.fields if f.required and values.get(f.name) in (None, "")]
        if missing:
            raise RequiredFieldMissing(f"Required fields are missing: [{', '.join(missing)}]", fields=missing)
        for f in obj.fields:
            target = OBJECTS.get(f.reference_to or "")
            value = changes.get(f.name)
            if target is not None and f.name in changes and value is not None:
                parent = self.records[target.name].get(value)
                if parent is None or parent.deleted:
                    raise InvalidCrossReferenceKey("invalid cross reference id")
        if obj.name == "Opportunity":
            _derive_stage(values, changes)
            amount = values.get("Amount")
            if values.get("StageName") == "Closed Won" and (amount is None or amount <= 0):
                raise FieldCustomValidationException(CLOSED_WON_NEEDS_AMOUNT)
        for f in obj.fields:
            value = changes.get(f.name)
            if not f.unique or not isinstance(value, str):
                continue
            for other in self.records[obj.name].values():
                theirs = other.values.get(f.name)
                if (
                    other.id != own_id
                    and not other.deleted
                    and isinstance(theirs, str)
                    and theirs.lower() == value.lower()
                ):
                    raise DuplicateValue(
                        f"duplicate value found: {f.name} duplicates value on record with id: {other.id[:15]}"
                    )

    def create(self, type_name: str, body: Mapping[str, Any], record_id: str | None = None) -> SObject:
        """Insert a record (``POST .../sobjects/{Type}``); ``record_id`` pins the id (provider states)."""
        obj = self.describe(type_name)
        changes = self._changes(obj, body)
        now = self.ctx.clock.now()
        values: dict[str, Any] = {f.name: (False if f.type == "boolean" else None) for f in obj.fields}
        if obj.field("CurrencyIsoCode") is not None:
            values["CurrencyIsoCode"] = "USD"
        values.update(OwnerId=INTEGRATION_USER_ID, CreatedDate=now, CreatedById=INTEGRATION_USER_ID)
        values.update(changes)
        self._check(obj, values, changes, record_id or "")
        new_id = values["Id"] = record_id or self._new_id(obj.key_prefix)
        _stamp(obj, values, now)
        record = SObject(obj.name, values)
        self.records[obj.name][new_id] = record
        return record

    def update(self, type_name: str, ref: str, body: Mapping[str, Any]) -> SObject:
        """Update a record (``PATCH .../sobjects/{Type}/{Id}``); all rules run on the merged values."""
        obj = self.describe(type_name)
        record = self._live(obj, ref)
        return self._apply(obj, record, self._changes(obj, body))

    def _apply(self, obj: ObjectDef, record: SObject, changes: dict[str, Any]) -> SObject:
        values = {**record.values, **changes}
        self._check(obj, values, changes, record.id)
        _stamp(obj, values, self.ctx.clock.now())
        record.values = values
        return record

    def upsert(self, type_name: str, field_name: str, value: str, body: Mapping[str, Any]) -> tuple[SObject, bool]:
        """Upsert by external id: no match creates, one match updates, several raise :class:`MultipleMatches`.

        Returns:
            The record and whether it was created.
        """
        obj = self.describe(type_name)
        f = self.external_field(obj, field_name)
        found = self.find_external(obj.name, f.name, value)
        if len(found) > 1:
            raise MultipleMatches(obj.name, [r.id for r in found])
        if found:
            return self._apply(obj, found[0], self._changes(obj, body)), False
        if f.name == "Id":
            raise NotFound(RESOURCE_MISSING)
        return self.create(obj.name, {f.name: value, **body}), True

    def delete(self, type_name: str, ref: str) -> None:
        """Move a record to the recycle bin; deleting an Account deletes its Contacts and Opportunities."""
        obj = self.describe(type_name)
        record = self._live(obj, ref)
        self._mark_deleted(record)
        if obj.name == "Account":
            for child_type in ("Contact", "Opportunity"):
                for child in self.records[child_type].values():
                    if child.values.get("AccountId") == record.id and not child.deleted:
                        self._mark_deleted(child)

    def _mark_deleted(self, record: SObject) -> None:
        now = self.ctx.clock.now()
        record.values.update(IsDeleted=True, LastModifiedDate=now, SystemModstamp=now)

    # -- SOQL -----------------------------------------------------------------------------------------------
    def value(self, record: SObject, ref: soql.FieldRef) -> Any:
        """A field of a row, following a parent lookup (``Account.Name``) when the path has one."""
        if ref.lookup is None:
            return record.values.get(ref.field.name)
        parent = self.parent(record, ref)
        return parent.values.get(ref.field.name) if parent is not None else None

    def parent(self, record: SObject, ref: soql.FieldRef) -> SObject | None:
        """The record a lookup of ``ref`` points to, if any."""
        if ref.lookup is None or ref.parent is None:
            return None
        parent_id = record.values.get(ref.lookup.name)
        return self.records[ref.parent.name].get(parent_id) if parent_id else None

    def query(self, text: str, *, include_deleted: bool = False, batch_size: int = 2000) -> QueryPage:
        """Run SOQL (``GET .../query`` or ``.../queryAll``); the first batch, with a locator if more follow."""
        q = soql.bind(text, self.ctx.clock.now().date())

        def reader(row: SObject) -> soql_eval.ValueOf:
            return lambda ref: self.value(row, ref)

        rows = [r for r in self.records[q.obj.name].values() if include_deleted or not r.deleted]
        if q.where is not None:
            rows = [r for r in rows if soql_eval.matches(q.where, reader(r))]
        rows = soql_eval.order(rows, q.order_by, reader)
        rows = rows[q.offset :]
        if q.limit is not None:
            rows = rows[: q.limit]
        if q.count:
            return QueryPage(q, [], len(rows), None)
        return self._batch(_Cursor(q, rows, batch_size), 0, None)

    def _batch(self, cursor: _Cursor, position: int, locator_id: str | None) -> QueryPage:
        end = position + cursor.batch
        locator = None
        if end < len(cursor.rows):
            if locator_id is None:
                locator_id = self._new_id(LOCATOR_PREFIX)
                self._cursors[locator_id] = cursor
                while len(self._cursors) > MAX_OPEN_CURSORS:
                    self._cursors.popitem(last=False)
            locator = f"{locator_id}-{end}"
        return QueryPage(cursor.query, cursor.rows[position:end], len(cursor.rows), locator)

    def query_more(self, locator: str) -> QueryPage:
        """The batch a ``nextRecordsUrl`` locator (``01g...-2000``) points to."""
        locator_id, _, position = locator.partition("-")
        cursor = self._cursors.get(locator_id)
        if cursor is None or not position.isdigit():
            raise InvalidQueryLocator("invalid query locator")
        return self._batch(cursor, int(position), locator_id)

    # -- control plane --------------------------------------------------------------------------------------
    def load_world(self, world: World) -> None:
        """Load the CRM's share of a world: customers as Accounts, opportunities as Opportunities."""
        from simulators.crm.factories import load_world

        load_world(self, world)

    def snapshot(self) -> dict[str, Any]:
        """Every record (deleted ones too), per sObject type, in id order, JSON-ready."""
        return {
            name: [to_jsonable(OBJECTS[name], r) for _, r in sorted(table.items())]
            for name, table in self.records.items()
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace every record with those of a snapshot taken by :meth:`snapshot`."""
        records: dict[str, dict[str, SObject]] = {name: {} for name in OBJECTS}
        for name, rows in snapshot.items():
            obj = OBJECTS.get(name)
            if obj is None:
                raise NotFound(f"Unknown sObject type in snapshot: {name}")
            for row in rows:
                record = from_jsonable(obj, row)
                records[name][record.id] = record
        self.records = records
        self._counters = {
            obj.key_prefix: max((counter_of(i) for i in records[obj.name]), default=0) for obj in OBJECTS.values()
        }
        self._cursors.clear()


def _derive_stage(values: dict[str, Any], changes: Mapping[str, Any]) -> None:
    """IsClosed, IsWon, ForecastCategoryName and (unless written) Probability follow the stage."""
    stage = STAGES.get(values.get("StageName") or "")
    if stage is None:
        return
    values.update(IsClosed=stage.closed, IsWon=stage.won, ForecastCategoryName=stage.forecast)
    if "StageName" in changes and "Probability" not in changes:
        values["Probability"] = Decimal(stage.probability)


def _stamp(obj: ObjectDef, values: dict[str, Any], now: datetime) -> None:
    values.update(LastModifiedDate=now, LastModifiedById=INTEGRATION_USER_ID, SystemModstamp=now)
    if obj.name == "Contact":
        values["Name"] = " ".join(p for p in (values.get("FirstName"), values.get("LastName")) if p) or None
