"""CRM domain: one tenant's sObject records, saves in transactions, external-id upserts, SOQL and approvals.

Synchronous and free of FastAPI; time comes only from the simulated clock. Every write runs in a
:class:`~simulators.crm.transactions.Transaction` (opened by the caller for a whole REST call, or implicitly
per operation) with a savepoint per operation, so a failed save leaves nothing behind; committed changes
become change events (:mod:`simulators.crm.changes`). The save rules live in :mod:`simulators.crm.rules`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from simulators._core.heap import freeze_startup_heap
from simulators._core.limits import RollingQuota
from simulators.crm import rules
from simulators.crm.changes import ChangeCapture
from simulators.crm.exceptions import (
    RESOURCE_MISSING,
    CrmError,
    MethodNotAllowed,
    MultipleMatches,
    NotFound,
)
from simulators.crm.fields import ObjectDef, parse_body
from simulators.crm.ids import counter_of
from simulators.crm.metadata import CLOSED_WON_NEEDS_AMOUNT
from simulators.crm.records import SObject, restore_tables, snapshot_tables
from simulators.crm.standard import INTEGRATION_USER_ID
from simulators.crm.store_query import QueryEngine, QueryPage
from simulators.crm.tables import RecordTables
from simulators.crm.transactions import Change, Transaction
from simulators.datagen import World

__all__ = ["CLOSED_WON_NEEDS_AMOUNT", "ORG", "CrmStore", "QueryPage"]

ORG = "org"
"""The quota key: a store is one org."""

_NOT_IN_EVENTS = frozenset({"Id", "IsDeleted", "SystemModstamp"})


@dataclass(slots=True)
class CrmStore(RecordTables):
    """All records of one tenant, with Salesforce's save rules."""

    quota: RollingQuota = field(default_factory=RollingQuota)
    """The org's rolling 24 h API allocation in simulated time (the request policy spends it)."""
    _tx: Transaction | None = None
    _quiet: bool = False
    queries: QueryEngine = field(default_factory=QueryEngine)
    cdc: ChangeCapture = field(init=False)

    @property
    def api_requests(self) -> int:
        """Calls counted against the allocation in the 24 h ending now (simulated time)."""
        return self.quota.used(ORG, self.ctx.clock.now())

    def __post_init__(self) -> None:
        self.cdc = ChangeCapture(self.ctx)

    # -- transactions ---------------------------------------------------------------------------------------
    def transaction(
        self,
        origin: str = "",
        *,
        allow_save: bool = False,
        lenient: bool = True,
        version: int = 0,
        user: str = INTEGRATION_USER_ID,
    ) -> AbstractContextManager[Transaction]:
        """Run writes as one transaction (joining the open one, if any); change events follow the commit."""
        return _TransactionScope(self, Transaction(origin, allow_save, lenient, version, user))

    def _begin(self, tx: Transaction) -> Transaction:
        if self._tx is not None:
            return self._tx
        self._tx = tx
        return tx

    def _end(self, tx: Transaction, failed: bool) -> None:
        if self._tx is not tx:
            return  # joined an enclosing transaction: it commits or rolls back
        if failed:
            try:
                self._undo(tx, (0, 0))
            finally:
                self._tx = None
            return
        self._tx = None
        if tx.changes and not self._quiet:
            self.cdc.publish(tx, self.schema)

    def savepoint(self) -> AbstractContextManager[Transaction]:
        """One operation: its writes are undone if it raises a Salesforce error."""
        if self._tx is not None:
            return _Savepoint(self, self._tx)
        return self._implicit_savepoint()

    @contextmanager
    def _implicit_savepoint(self) -> Iterator[Transaction]:
        with self.transaction() as tx, _Savepoint(self, tx):
            yield tx

    def mark(self) -> tuple[int, int]:
        """A savepoint in the open transaction, for :meth:`rollback`."""
        return self._tx.mark() if self._tx is not None else (0, 0)

    def rollback(self, mark: tuple[int, int] = (0, 0)) -> None:
        """Undo the open transaction's writes since ``mark`` (default: all of them, for ``allOrNone``)."""
        if self._tx is not None:
            self._undo(self._tx, mark)

    def _undo(self, tx: Transaction, mark: tuple[int, int]) -> None:
        undo_len, change_len = mark
        for record, previous in reversed(tx.undo[undo_len:]):
            self._index.update(record.type, record.id, record.values, previous)
            if previous is None:
                self.table(record.type).pop(record.id, None)
            else:
                record.values = previous
        del tx.undo[undo_len:]
        del tx.changes[change_len:]

    def allow_save(self) -> bool:
        """Whether the open transaction sent ``Sforce-Duplicate-Rule-Header: allowSave=true``."""
        return self._tx is not None and self._tx.allow_save

    def api_version(self) -> int:
        """The API version of the open transaction (0 outside the REST API)."""
        return self._tx.version if self._tx is not None else 0

    # -- saves ----------------------------------------------------------------------------------------------
    def _changes(self, obj: ObjectDef, body: Mapping[str, Any], tx: Transaction, *, creating: bool) -> dict[str, Any]:
        return parse_body(obj, body, self.schema, creating=creating, lenient=tx.lenient)

    def create(self, type_name: str, body: Mapping[str, Any], record_id: str | None = None) -> SObject:
        """Insert a record (``POST .../sobjects/{Type}``); ``record_id`` pins the id (provider states)."""
        obj = self.describe(type_name)
        if not obj.createable:
            raise MethodNotAllowed("HTTP Method 'POST' not allowed. Allowed are GET,HEAD")
        with self.savepoint() as tx:
            return self._insert(tx, obj, self._changes(obj, body, tx, creating=True), record_id)

    def insert(self, obj: ObjectDef, changes: dict[str, Any], record_id: str | None = None) -> SObject:
        """Insert checked values (also for system records such as approval processes)."""
        with self.savepoint() as tx:
            return self._insert(tx, obj, changes, record_id)

    def _insert(self, tx: Transaction, obj: ObjectDef, changes: dict[str, Any], record_id: str | None) -> SObject:
        now = self.ctx.clock.now()
        values = dict(obj.blank)
        if obj.priced:
            values["CurrencyIsoCode"] = "USD"
        if obj.owned:
            values["OwnerId"] = tx.user
        values["CreatedDate"] = now
        values["CreatedById"] = tx.user
        values.update(changes)
        rules.check(self, obj, values, changes, None)
        table = self.table(obj.name)
        new_id = values["Id"] = record_id or self.next_id(obj.key_prefix, table)
        rules.stamp(obj, values, now, tx.user)
        record = SObject(obj.name, values)
        table[new_id] = record
        self._index.update(obj.name, new_id, None, values)
        tx.remember(record, None)
        event_values = {k: v for k, v in values.items() if v is not None and k not in _NOT_IN_EVENTS}
        tx.record(Change(obj.name, new_id, "CREATE", event_values, tx.user))
        self._after_save(obj, record)
        return record

    def update(self, type_name: str, ref: str, body: Mapping[str, Any]) -> SObject:
        """Update a record (``PATCH .../sobjects/{Type}/{Id}``); all rules run on the merged values."""
        obj = self.describe(type_name)
        if not obj.updateable:
            raise MethodNotAllowed("HTTP Method 'PATCH' not allowed. Allowed are GET,HEAD")
        record = self.live(obj, ref)
        with self.savepoint() as tx:
            return self._apply(obj, record, self._changes(obj, body, tx, creating=False))

    def system_update(self, record: SObject, changes: dict[str, Any]) -> SObject:
        """Write derived values (roll-ups, approval status) through the rules, skipping locks and duplicates."""
        return self._apply(self.describe(record.type), record, changes, system=True)

    def _apply(self, obj: ObjectDef, record: SObject, changes: dict[str, Any], *, system: bool = False) -> SObject:
        with self.savepoint() as tx:
            values = {**record.values, **changes}
            rules.check(self, obj, values, changes, record, system=system)
            rules.stamp(obj, values, self.ctx.clock.now(), tx.user)
            previous = record.values
            changed = {
                f.name: values.get(f.name)
                for f in obj.fields
                if values.get(f.name) != previous.get(f.name) and f.name not in _NOT_IN_EVENTS
            }
            if "LastModifiedDate" in values:
                changed["LastModifiedDate"] = values["LastModifiedDate"]
            self._index.update(obj.name, record.id, previous, values)
            record.values = values
            tx.remember(record, previous)
            tx.record(Change(obj.name, record.id, "UPDATE", changed, tx.user))
            self._after_save(obj, record)
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
            with self.savepoint() as tx:
                return self._apply(obj, found[0], self._changes(obj, body, tx, creating=False)), False
        if f.name == "Id":
            raise NotFound(RESOURCE_MISSING)
        return self.create(obj.name, {f.name: value, **body}), True

    def delete(self, type_name: str, ref: str) -> None:
        """Move a record to the recycle bin, with the records that cascade from it (master-detail)."""
        obj = self.describe(type_name)
        if not obj.deletable:
            raise MethodNotAllowed("HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD,PATCH")
        record = self.live(obj, ref)
        with self.savepoint():
            rules.check_not_locked(self, record)
            self._delete(obj, record, cascade=False)

    def _delete(self, obj: ObjectDef, record: SObject, *, cascade: bool) -> None:
        tx = self._require_tx()
        now = self.ctx.clock.now()
        previous = record.values
        record.values = {**previous, "IsDeleted": True, "LastModifiedDate": now, "SystemModstamp": now}
        tx.remember(record, previous)
        tx.record(Change(obj.name, record.id, "DELETE", {}, tx.user))
        for child_obj, lookup in self.schema.cascade_children(obj.name):
            for child in list(self.table(child_obj.name).values()):
                if not child.deleted and child.values.get(lookup.name) == record.id:
                    self._delete(child_obj, child, cascade=True)
        if not cascade:
            self._after_save(obj, record)

    def _require_tx(self) -> Transaction:
        if self._tx is None:
            raise RuntimeError("write outside a transaction")
        return self._tx

    def _after_save(self, obj: ObjectDef, record: SObject) -> None:
        if obj.name == rules.LINE_ITEM:
            rules.roll_up(self, str(record.values.get("OpportunityId") or ""))

    # -- SOQL -----------------------------------------------------------------------------------------------
    def query(self, text: str, *, include_deleted: bool = False, batch_size: int = 2000, owner: str = "") -> QueryPage:
        """Run SOQL (``GET .../query`` or ``.../queryAll``); the first batch, with a locator if more follow."""
        return self.queries.run(self, text, include_deleted=include_deleted, batch_size=batch_size, owner=owner)

    def query_more(self, locator: str, owner: str = "") -> QueryPage:
        """The batch a ``nextRecordsUrl`` locator (``01g...-2000``) points to."""
        return self.queries.more(self, locator, owner)

    # -- control plane --------------------------------------------------------------------------------------
    def load_world(self, world: World) -> None:
        """Load the CRM's share of a world (users, products, accounts, opportunities) without change events."""
        from simulators.crm.factories import load_world

        self._quiet = True
        try:
            with self.transaction(allow_save=True):
                load_world(self, world)
        finally:
            self._quiet = False
        freeze_startup_heap()

    def snapshot(self) -> dict[str, Any]:
        """Every record (deleted ones too), per sObject type, in id order, JSON-ready."""
        return snapshot_tables(self.schema, self.records)

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace every record with those of a snapshot taken by :meth:`snapshot`."""
        schema = self.schema
        self.records = restore_tables(schema, snapshot)
        self._counters = {
            obj.key_prefix: max((counter_of(i) for i in self.table(obj.name)), default=0)
            for obj in schema.objects.values()
        }
        self._index.rebuild(self.records)
        self.queries.clear()


class _TransactionScope:
    """``with store.transaction(...)``: opens ``tx`` (or joins the open transaction); commits or rolls back."""

    __slots__ = ("_store", "_tx")

    def __init__(self, store: CrmStore, tx: Transaction) -> None:
        self._store, self._tx = store, tx

    def __enter__(self) -> Transaction:
        return self._store._begin(self._tx)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self._store._end(self._tx, failed=exc is not None)


class _Savepoint:
    """A savepoint in an open transaction: a Salesforce error undoes the writes made since it was taken."""

    __slots__ = ("_mark", "_store", "_tx")

    def __init__(self, store: CrmStore, tx: Transaction) -> None:
        self._store, self._tx = store, tx
        self._mark = (0, 0)

    def __enter__(self) -> Transaction:
        self._mark = self._tx.mark()
        return self._tx

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, CrmError):
            self._store._undo(self._tx, self._mark)
