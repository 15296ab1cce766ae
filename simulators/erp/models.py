"""ERP domain: records, accounting-period and credit rules, one store method per operation.

Synchronous and free of FastAPI; time comes only from the simulated clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import TypeAdapter

from simulators._core.runtime import StoreContext
from simulators._core.snapshot import jsonable
from simulators.datagen import World
from simulators.erp.exceptions import InvalidContent, NonexistentId, PeriodClosed, UserError
from simulators.erp.settings import ErpSettings

RecordType = Literal["customer", "job", "employee", "timeBill", "accountingPeriod"]
HoldOverride = Literal["AUTO", "ON", "OFF"]
PeriodState = Literal["open", "ar_locked", "closed"]


@dataclass(slots=True)
class Customer:
    """A legal customer (``customer``)."""

    id: int
    externalId: str | None
    companyName: str
    currency: str
    creditLimit: Decimal
    creditHoldOverride: HoldOverride = "AUTO"
    balance: Decimal = Decimal("0")
    terms: str | None = None
    created: datetime | None = None


@dataclass(slots=True)
class Employee:
    """An employee who books time (``employee``)."""

    id: int
    externalId: str | None
    firstName: str
    lastName: str
    email: str
    laborCost: Decimal = Decimal("0")
    created: datetime | None = None


@dataclass(slots=True)
class Job:
    """A project (``job``), belonging to a customer."""

    id: int
    externalId: str | None
    entityId: str
    companyName: str
    parent: int
    billingType: str = "time_and_materials"
    created: datetime | None = None


@dataclass(slots=True)
class AccountingPeriod:
    """A monthly accounting period (``accountingPeriod``): open -> AR locked -> closed."""

    id: int
    periodName: str
    key: str
    startDate: date
    endDate: date
    state: PeriodState = "open"

    @property
    def closed(self) -> bool:
        """Closed to all postings."""
        return self.state == "closed"


@dataclass(slots=True)
class TimeBill:
    """A time entry (``timeBill``, 'Track Time')."""

    id: int
    externalId: str | None
    employee: int
    customer: int
    hours: Decimal
    tranDate: date
    postingPeriod: int
    isBillable: bool = True
    approvalStatus: str = "approved"
    rate: Decimal | None = None
    memo: str | None = None
    created: datetime | None = None
    lastModified: datetime | None = None


Record = Customer | Employee | Job | AccountingPeriod | TimeBill
RECORD_CLASSES: dict[str, type[Any]] = {
    "customer": Customer,
    "employee": Employee,
    "job": Job,
    "accountingPeriod": AccountingPeriod,
    "timeBill": TimeBill,
}
_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    name: TypeAdapter(list[cls])  # type: ignore[valid-type]
    for name, cls in RECORD_CLASSES.items()
}


@dataclass(slots=True)
class Page:
    """A page of a record list."""

    items: list[Any]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        """More records after this page."""
        return self.offset + len(self.items) < self.total


@dataclass(slots=True)
class TimeBillInput:
    """Validated timeBill fields for create, upsert and update."""

    employee: int
    customer: int
    hours: Decimal
    tranDate: date
    isBillable: bool = True
    approvalStatus: str = "approved"
    rate: Decimal | None = None
    memo: str | None = None
    externalId: str | None = None


@dataclass(slots=True)
class ErpStore:
    """All records of one tenant, with NetSuite's rules."""

    ctx: StoreContext[ErpSettings]
    records: dict[str, dict[int, Any]] = field(default_factory=lambda: {name: {} for name in RECORD_CLASSES})
    _ids: dict[str, Iterator[int]] = field(default_factory=dict)
    state_memo: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- identity -------------------------------------------------------------------------------------------
    def _next_id(self, record_type: str) -> int:
        counter = self._ids.get(record_type)
        if counter is None:
            start = max(self.records[record_type], default=0) + 1
            counter = self._ids[record_type] = itertools.count(start)
        return next(counter)

    def get(self, record_type: str, ref: str) -> Any:
        """A record by internal id (``"647"``) or external id (``"eid:CID001"``)."""
        table = self.records[record_type]
        if ref.startswith("eid:"):
            ext = ref[4:]
            for rec in table.values():
                if getattr(rec, "externalId", None) == ext:
                    return rec
        elif ref.isdigit() and int(ref) in table:
            return table[int(ref)]
        raise NonexistentId(
            f"The record instance does not exist. Provide a valid record instance ID. ({record_type} {ref})"
        )

    def find_external(self, record_type: str, external_id: str) -> Any | None:
        """The record with this external id, if any."""
        try:
            return self.get(record_type, f"eid:{external_id}")
        except NonexistentId:
            return None

    def list(self, record_type: str, limit: int, offset: int) -> Page:
        """A page of records in internal-id order."""
        table = self.records[record_type]
        ids = sorted(table)
        return Page([table[i] for i in ids[offset : offset + limit]], offset, len(ids))

    def delete(self, record_type: str, ref: str) -> None:
        """Delete a record (a timeBill in a closed period cannot be deleted)."""
        rec = self.get(record_type, ref)
        if isinstance(rec, TimeBill):
            self._ensure_posting_period_open(rec)
        del self.records[record_type][rec.id]

    # -- periods --------------------------------------------------------------------------------------------
    def period_for(self, day: date) -> AccountingPeriod | None:
        """The period that contains ``day``."""
        for p in self.records["accountingPeriod"].values():
            if p.startDate <= day <= p.endDate:
                return p  # type: ignore[no-any-return]
        return None

    def period_by_key(self, key: str) -> AccountingPeriod:
        """A period by ``YYYY-MM``."""
        for p in self.records["accountingPeriod"].values():
            if p.key == key:
                return p  # type: ignore[no-any-return]
        raise NonexistentId(f"No accounting period {key}.")

    def set_period_state(self, key: str, state: PeriodState) -> AccountingPeriod:
        """Open, AR-lock or close a period (the control plane's way to run a close)."""
        period = self.period_by_key(key)
        period.state = state
        return period

    def _period_for_posting(self, day: date) -> AccountingPeriod:
        period = self.period_for(day)
        if period is None:
            raise UserError(
                f"No accounting period covers the transaction date {day.isoformat()}.", error_path="tranDate"
            )
        if not period.closed:
            return period
        if self.ctx.settings().closed_period_policy == "redate_to_first_open":
            later = sorted(
                (p for p in self.records["accountingPeriod"].values() if p.startDate > period.endDate and not p.closed),
                key=lambda p: p.startDate,
            )
            if later:
                return later[0]  # type: ignore[no-any-return]
        raise PeriodClosed(
            f"The transaction date {day.isoformat()} falls in the closed accounting period {period.periodName}. "
            "Posting is not allowed by your NetSuite settings.",
            error_path="tranDate",
        )

    def _ensure_posting_period_open(self, bill: TimeBill) -> None:
        period = self.records["accountingPeriod"].get(bill.postingPeriod)
        if period is not None and period.closed:
            raise PeriodClosed(
                f"The transaction date {bill.tranDate.isoformat()} falls in the closed accounting period "
                f"{period.periodName}. Posting is not allowed by your NetSuite settings.",
                error_path="tranDate",
            )

    # -- timeBill -------------------------------------------------------------------------------------------
    def _check_refs(self, data: TimeBillInput) -> None:
        if data.employee not in self.records["employee"]:
            raise InvalidContent(
                f"Invalid value for field employee: no employee with internal id {data.employee}.",
                error_path="employee",
            )
        if data.customer not in self.records["job"] and data.customer not in self.records["customer"]:
            raise InvalidContent(
                f"Invalid value for field customer: no customer or project with internal id {data.customer}.",
                error_path="customer",
            )
        if data.hours <= 0 or data.hours > 24:
            raise InvalidContent(
                "Invalid value for field hours: must be more than 0 and at most 24.", error_path="hours"
            )

    def create_time_bill(self, data: TimeBillInput) -> TimeBill:
        """Create a timeBill (POST). NetSuite has no idempotency on synchronous creates: a retry duplicates."""
        if data.externalId and self.find_external("timeBill", data.externalId) is not None:
            raise UserError(f"A record with the external ID {data.externalId} already exists.", error_path="externalId")
        self._check_refs(data)
        period = self._period_for_posting(data.tranDate)
        now = self.ctx.clock.now()
        bill = TimeBill(
            id=self._next_id("timeBill"),
            externalId=data.externalId,
            employee=data.employee,
            customer=data.customer,
            hours=data.hours,
            tranDate=data.tranDate,
            postingPeriod=period.id,
            isBillable=data.isBillable,
            approvalStatus=data.approvalStatus,
            rate=data.rate,
            memo=data.memo,
            created=now,
            lastModified=now,
        )
        self.records["timeBill"][bill.id] = bill
        return bill

    def upsert_time_bill(self, external_id: str, data: TimeBillInput) -> tuple[TimeBill, bool]:
        """Insert or update by external id (``PUT .../eid:{value}``); returns (record, created)."""
        existing = self.find_external("timeBill", external_id)
        if existing is None:
            data.externalId = external_id
            return self.create_time_bill(data), True
        self._check_refs(data)
        self._ensure_posting_period_open(existing)
        period = self._period_for_posting(data.tranDate)
        for name in ("employee", "customer", "hours", "tranDate", "isBillable", "approvalStatus", "rate", "memo"):
            setattr(existing, name, getattr(data, name))
        existing.postingPeriod = period.id
        existing.lastModified = self.ctx.clock.now()
        return existing, False

    # -- masters --------------------------------------------------------------------------------------------
    def upsert_customer(self, external_id: str, company_name: str, currency: str, credit_limit: Decimal) -> Customer:
        """Insert or update a customer by external id."""
        existing = self.find_external("customer", external_id)
        if existing is not None:
            existing.companyName, existing.currency, existing.creditLimit = company_name, currency, credit_limit
            return existing  # type: ignore[no-any-return]
        cust = Customer(
            self._next_id("customer"), external_id, company_name, currency, credit_limit, created=self.ctx.clock.now()
        )
        self.records["customer"][cust.id] = cust
        return cust

    def add(self, record: Any) -> Any:
        """Insert a fully built record, assigning an id if it has none (seeding and provider states)."""
        record_type = next(k for k, v in RECORD_CLASSES.items() if isinstance(record, v))
        if not record.id:
            record.id = self._next_id(record_type)
        elif record.id in self.records[record_type]:
            raise UserError(f"Internal id {record.id} is taken for {record_type}.")
        self.records[record_type][record.id] = record
        self._ids.pop(record_type, None)
        return record

    # -- control plane ---------------------------------------------------------------------------------------
    def load_world(self, world: World) -> None:
        """Load the ERP's share of a world: periods, customers, employees and projects."""
        from simulators.erp.factories import load_world

        load_world(self, world)

    def snapshot(self) -> dict[str, Any]:
        """Every record, per type, in id order, JSON-ready."""
        return {
            name: [jsonable(asdict(rec)) for _, rec in sorted(table.items())] for name, table in self.records.items()
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace every record with those of a snapshot."""
        records: dict[str, dict[int, Any]] = {name: {} for name in RECORD_CLASSES}
        for name, rows in snapshot.items():
            if name not in RECORD_CLASSES:
                raise UserError(f"Unknown record type in snapshot: {name}.")
            for rec in _ADAPTERS[name].validate_python(rows):
                records[name][int(rec.id)] = rec
        self.records = records
        self._ids.clear()


def field_names(record_type: str) -> list[str]:
    """Field names of a record type (for SuiteQL-like views and tests)."""
    return [f.name for f in fields(RECORD_CLASSES[record_type])]
