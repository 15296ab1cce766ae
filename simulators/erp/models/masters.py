"""Master records: currency, subsidiary, customer, employee, job (project), projectTask, serviceItem.

One spec per type says which fields it takes, which of them reference other records, and which records
depend on it (a delete is refused while any does, as NetSuite refuses deleting a record in use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulators.erp.exceptions import DependentRecords, InvalidContent, UserError
from simulators.erp.models.records import RECORD_CLASSES, Customer

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore


@dataclass(frozen=True, slots=True)
class MasterSpec:
    """How a master record type is written."""

    fields: tuple[str, ...]
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    """field -> (record type, label) of reference fields."""
    dependents: tuple[tuple[str, str], ...] = ()
    """(record type, field) pairs whose value may be this record's id."""
    rebuild_on: frozenset[str] = frozenset()
    """Fields whose change alters credit exposure everywhere (rebuilt from the records)."""


SPECS: dict[str, MasterSpec] = {
    "currency": MasterSpec(
        ("symbol", "name", "precision", "exchangeRate", "isBaseCurrency"),
        dependents=(("subsidiary", "currency"), ("customer", "currency"), ("invoice", "currency")),
        rebuild_on=frozenset({"precision"}),
    ),
    "subsidiary": MasterSpec(
        ("name", "country", "currency"),
        refs={"currency": ("currency", "currency")},
        dependents=(("customer", "subsidiary"), ("employee", "subsidiary"), ("timeBill", "subsidiary")),
    ),
    "customer": MasterSpec(
        ("companyName", "currency", "creditLimit", "creditHoldOverride", "subsidiary", "terms", "email"),
        refs={"currency": ("currency", "currency"), "subsidiary": ("subsidiary", "subsidiary")},
        dependents=(
            ("job", "parent"),
            ("timeBill", "customer"),
            ("invoice", "entity"),
            ("customerPayment", "customer"),
        ),
        rebuild_on=frozenset({"currency"}),
    ),
    "employee": MasterSpec(
        ("firstName", "lastName", "email", "laborCost", "subsidiary", "title"),
        refs={"subsidiary": ("subsidiary", "subsidiary")},
        dependents=(("timeBill", "employee"), ("expenseReport", "entity")),
    ),
    "job": MasterSpec(
        ("companyName", "entityId", "parent", "billingType", "startDate"),
        refs={"parent": ("customer", "customer")},
        dependents=(("projectTask", "company"), ("timeBill", "customer"), ("invoice", "job")),
        rebuild_on=frozenset({"parent"}),
    ),
    "projectTask": MasterSpec(
        ("title", "company", "isMilestone", "status", "amount", "plannedWork", "endDate"),
        refs={"company": ("job", "project")},
        dependents=(("timeBill", "caseTaskEvent"),),
    ),
    "serviceItem": MasterSpec(
        ("itemId", "displayName", "rate", "isInactive"),
        dependents=(("timeBill", "item"),),
        rebuild_on=frozenset({"rate"}),
    ),
}


class Masters:
    """Create, change and delete master records of one tenant."""

    def __init__(self, store: ErpStore) -> None:
        self._store = store

    def _check(self, record_type: str, values: dict[str, Any], own: int | None = None) -> None:
        db = self._store.db
        for name, (target, label) in SPECS[record_type].refs.items():
            if values.get(name) is not None:
                db.ref(target, values[name], name, label)
        if record_type == "currency" and "symbol" in values:
            for cur in db.data["currency"].values():
                if cur.symbol == values["symbol"] and cur.id != own:
                    raise UserError(
                        f"A currency with the symbol {values['symbol']} already exists.", error_path="symbol"
                    )

    def _defaults(self, record_type: str, values: dict[str, Any], record_id: int) -> dict[str, Any]:
        db = self._store.db
        out = dict(values)
        if record_type == "customer":
            if out.get("subsidiary") is None and db.data["subsidiary"]:
                out["subsidiary"] = min(db.data["subsidiary"])
            if out.get("currency") is None:
                sub = db.data["subsidiary"].get(out["subsidiary"]) if out.get("subsidiary") is not None else None
                base = [c.id for c in db.data["currency"].values() if c.isBaseCurrency]
                if sub is not None:
                    out["currency"] = sub.currency
                elif base:
                    out["currency"] = base[0]
                else:
                    raise InvalidContent("Invalid value for field currency: the account has no base currency.")
            out.setdefault("creditLimit", None)
        if record_type == "job" and out.get("entityId") is None:
            out["entityId"] = out.get("externalId") or f"PRJ-{record_id}"
        return out

    def create(self, record_type: str, values: dict[str, Any]) -> Any:
        """Create a master record (POST, or PUT upsert of a new external id)."""
        db, spec = self._store.db, SPECS[record_type]
        ext = values.get("externalId")
        if ext is not None and db.find_external(record_type, ext) is not None:
            raise UserError(f"A record with the external ID {ext} already exists.", error_path="externalId")
        self._check(record_type, values)
        record_id = db.next_id(record_type)
        full = self._defaults(record_type, values, record_id)
        cls = RECORD_CLASSES[record_type]
        kwargs = {k: full[k] for k in spec.fields if full.get(k) is not None}
        stamps = {s: self._store.ctx.clock.now() for s in ("created", "lastModified") if s in cls.__dataclass_fields__}
        record = db.insert(record_type, cls(id=record_id, externalId=ext, **kwargs, **stamps))
        if isinstance(record, Customer):
            self._store.credit.touch(record.id)
        return record

    def update(self, record_type: str, record: Any, values: dict[str, Any]) -> None:
        """Change the fields given (PATCH, or PUT upsert of an existing external id)."""
        spec = SPECS[record_type]
        self._check(record_type, values, own=record.id)
        if record_type == "projectTask" and record.invoice is not None and ({"amount", "status"} & set(values)):
            raise UserError(f"The milestone {record.title} has been billed and can no longer be changed.")
        if "externalId" in values:
            self._store.db.set_external_id(record_type, record, values["externalId"])
        changed = {k for k in spec.fields if k in values and getattr(record, k) != values[k]}
        for name in changed:
            setattr(record, name, values[name])
        if "lastModified" in type(record).__dataclass_fields__:
            record.lastModified = self._store.ctx.clock.now()
        if changed & spec.rebuild_on:
            self._store.credit.recompute_all(emit=True)
        elif isinstance(record, Customer):
            self._store.credit.touch(record.id)

    def delete(self, record_type: str, record: Any) -> None:
        """Delete a master record nothing refers to."""
        data = self._store.db.data
        for other, name in SPECS[record_type].dependents:
            if any(getattr(r, name) == record.id for r in data[other].values()):
                raise DependentRecords("This record cannot be deleted because it has dependent records.")
        if record_type in ("customer", "job"):
            for report in data["expenseReport"].values():
                if any(line.customer == record.id for line in report.expense):
                    raise DependentRecords("This record cannot be deleted because it has dependent records.")
        self._store.db.remove(record_type, record)
