"""The ERP store of one tenant: one method per operation, each atomic, with NetSuite's rules.

Synchronous and free of FastAPI; time comes only from the simulated clock. Every operation first lets the
clock act (:meth:`ErpStore.tick`: periods set up ahead and closed by the close calendar, overdue holds,
due async jobs), then runs, then re-evaluates the credit holds it touched (emitting webhook events).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import TypeAdapter

from simulators._core.runtime import StoreContext
from simulators.datagen import World
from simulators.erp.exceptions import UserError
from simulators.erp.models.billing import Billing
from simulators.erp.models.credit import Credit
from simulators.erp.models.jobs import AsyncJobs, Operation
from simulators.erp.models.masters import SPECS, Masters
from simulators.erp.models.payments import Payments
from simulators.erp.models.periods import Periods
from simulators.erp.models.postings import Postings
from simulators.erp.models.records import RECORD_CLASSES, AccountingPeriod, AsyncJob, Invoice, PeriodState
from simulators.erp.models.suiteql import QueryResult, run_suiteql
from simulators.erp.models.tables import Page, Tables, record_type_of
from simulators.erp.settings import ErpSettings

_ADAPTERS: dict[str, TypeAdapter[Any]] = {name: TypeAdapter(list[cls]) for name, cls in RECORD_CLASSES.items()}  # type: ignore[valid-type]
Values = dict[str, Any]


def _plain(value: Any) -> Any:
    """JSON-ready form of record fields (Decimal as string, dates as ISO 8601), recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class ErpStore:
    """All records of one tenant, with NetSuite's rules."""

    def __init__(self, ctx: StoreContext[ErpSettings]) -> None:
        self.ctx = ctx
        self.db = Tables()
        self.periods = Periods(self)
        self.credit = Credit(self)
        self.masters = Masters(self)
        self.postings = Postings(self)
        self.billing = Billing(self)
        self.payments = Payments(self)
        self.jobs = AsyncJobs(self)
        self.state_memo: dict[str, dict[str, Any]] = {}
        self._clock_seen: tuple[Any, ...] | None = None
        self._ticking = False
        self._writers: dict[str, tuple[Callable[[Values], Any], Callable[[Any, Values], None], Callable[[Any], None]]]
        self._writers = {
            "timeBill": (
                self.postings.create_time_bill,
                self.postings.update_time_bill,
                self.postings.delete_time_bill,
            ),
            "expenseReport": (
                self.postings.create_expense_report,
                self.postings.update_expense_report,
                self.postings.delete_expense_report,
            ),
            "invoice": (self.billing.create_invoice, self.billing.update_invoice, self.billing.delete_invoice),
            "customerPayment": (
                self.payments.create_payment,
                self.payments.update_payment,
                self.payments.delete_payment,
            ),
        }
        for name in SPECS:
            self._writers[name] = self._master_writers(name)

    def _master_writers(
        self, record_type: str
    ) -> tuple[Callable[[Values], Any], Callable[[Any, Values], None], Callable[[Any], None]]:
        masters = self.masters

        def create(values: Values) -> Any:
            return masters.create(record_type, values)

        def update(record: Any, values: Values) -> None:
            masters.update(record_type, record, values)

        def delete(record: Any) -> None:
            masters.delete(record_type, record)

        return create, update, delete

    @property
    def records(self) -> dict[str, dict[int, Any]]:
        """Every table, by record type then internal id."""
        return self.db.data

    # -- the clock --------------------------------------------------------------------------------------------
    def tick(self) -> None:
        """Let simulated time act: set up and close periods, re-check overdue holds, run due async jobs."""
        if self._ticking:
            return
        self._ticking = True
        try:
            now = self.ctx.clock.now()
            s = self.ctx.settings()
            seen = (now.date(), s.close_calendar, s.open_periods_ahead, s.credit_overdue_grace_days)
            if seen != self._clock_seen:
                self.periods.advance_to(now.date())
                self.credit.refresh(everyone=True)
                self._clock_seen = seen
            self.jobs.run_due(now)
            self.credit.refresh()
        finally:
            self._ticking = False

    def money(self, amount: Decimal, customer: int | None) -> Decimal:
        """``amount`` rounded half up to the precision of the customer's currency (2 when unknown)."""
        precision = 2
        cust = self.db.data["customer"].get(customer) if customer is not None else None
        if cust is not None:
            currency = self.db.data["currency"].get(cust.currency)
            precision = currency.precision if currency is not None else 2
        return amount.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)

    # -- record operations ------------------------------------------------------------------------------------
    def get(self, record_type: str, ref: str) -> Any:
        """A record by internal id (``"647"``) or external id (``"eid:CID001"``)."""
        self.tick()
        return self.db.get(record_type, ref)

    def find_external(self, record_type: str, external_id: str) -> Any | None:
        """The record with this external id, if any."""
        return self.db.find_external(record_type, external_id)

    def create(self, record_type: str, values: Values) -> Any:
        """Create a record (POST)."""
        self.tick()
        record = self._writers[record_type][0](values)
        self.credit.refresh()
        return record

    def update(self, record_type: str, ref: str, values: Values) -> Any:
        """Change the fields given (PATCH)."""
        self.tick()
        record = self.db.get(record_type, ref)
        self._writers[record_type][1](record, values)
        self.credit.refresh()
        return record

    def upsert(self, record_type: str, external_id: str, values: Values) -> tuple[Any, bool]:
        """Insert or update by external id (``PUT .../eid:{value}``); returns (record, created)."""
        self.tick()
        existing = self.db.find_external(record_type, external_id)
        if existing is None:
            record = self._writers[record_type][0]({**values, "externalId": external_id})
        else:
            self._writers[record_type][1](existing, {k: v for k, v in values.items() if k != "externalId"})
            record = existing
        self.credit.refresh()
        return record, existing is None

    def delete(self, record_type: str, ref: str) -> None:
        """Delete a record (refused while it is billed, in a closed period, or referred to)."""
        self.tick()
        self._writers[record_type][2](self.db.get(record_type, ref))
        self.credit.refresh()

    def bill_job(self, ref: str, values: Values) -> Invoice:
        """Bill a project's unbilled work (``job/{id}/!transform/invoice``)."""
        self.tick()
        invoice = self.billing.bill_job(self.db.get("job", ref), values)
        self.credit.refresh()
        return invoice

    def suiteql(self, query: str, limit: int, offset: int) -> QueryResult:
        """Run a SuiteQL query."""
        self.tick()
        return run_suiteql(self, query, limit, offset)

    def submit(self, method: str, path: str, idempotency_key: str | None, operation: Operation) -> AsyncJob:
        """Queue an async request (``Prefer: respond-async``)."""
        self.tick()
        return self.jobs.submit(method, path, idempotency_key, operation)

    # -- periods (control plane) ------------------------------------------------------------------------------
    def period_by_key(self, key: str) -> AccountingPeriod:
        """A period by ``YYYY-MM``."""
        return self.periods.by_key(key)

    def set_period_state(self, key: str, state: PeriodState) -> AccountingPeriod:
        """Open, AR-lock or close a period."""
        return self.periods.set_state(key, state)

    def add(self, record: Any) -> Any:
        """Insert a fully built record, assigning an id if it has none (seeding and provider states)."""
        record_type = record_type_of(record)
        self.db.insert(record_type, record)
        self.credit.recompute_all(emit=True)
        return record

    # -- control plane ----------------------------------------------------------------------------------------
    def load_world(self, world: World) -> None:
        """Load the ERP's share of a world: account setup, periods, customers, employees and projects."""
        from simulators.erp.factories import load_world

        load_world(self, world)
        self.credit.recompute_all(emit=False)

    def snapshot(self) -> dict[str, Any]:
        """Every record, per type, in id order, JSON-ready."""
        self.tick()
        return {name: [_plain(asdict(rec)) for _, rec in sorted(table.items())] for name, table in self.db.data.items()}

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Replace every record with those of a snapshot (pending async jobs fail: their requests are gone)."""
        tables: dict[str, dict[int, Any]] = {name: {} for name in RECORD_CLASSES}
        for name, rows in snapshot.items():
            if name not in RECORD_CLASSES:
                raise UserError(f"Unknown record type in snapshot: {name}.")
            for rec in _ADAPTERS[name].validate_python(rows):
                tables[name][int(rec.id)] = rec
        self.db.replace_all(tables)
        self.periods.invalidate()
        self.jobs.orphan_pending()
        self.credit.recompute_all(emit=False)

    def list(self, record_type: str, limit: int, offset: int, where: Callable[[Any], bool] | None = None) -> Page:
        """A page of records in internal-id order, optionally filtered (defined last: it shadows ``list``)."""
        self.tick()
        return self.db.page(record_type, limit, offset, where)
