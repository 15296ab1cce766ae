"""ERP records as domain dataclasses (field names follow NetSuite's REST record fields).

References to other records are internal ids (``int``); money and hours are ``Decimal``; dates come from the
simulated clock. Aggregates a NetSuite customer shows (``balance``, ``overdueBalance``, ``unbilledOrders``)
and the effective credit hold are kept on the customer by :mod:`simulators.erp.models.credit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

HoldOverride = Literal["AUTO", "ON", "OFF"]
PeriodState = Literal["open", "ar_locked", "closed"]
ApprovalStatus = Literal["pending", "approved", "rejected"]
BillingType = Literal["time_and_materials", "fixed_fee", "milestone"]
TaskStatus = Literal["NOTSTART", "PROGRESS", "COMPLETE"]
InvoiceStatus = Literal["open", "paidInFull"]
LineKind = Literal["item", "time", "expense", "milestone"]
JobProgress = Literal["pending", "succeeded", "failed"]
ZERO = Decimal("0")


@dataclass(slots=True)
class Currency:
    """A currency (``currency``); ``precision`` is the number of decimals of posted amounts."""

    id: int
    externalId: str | None
    symbol: str
    name: str
    precision: int = 2
    exchangeRate: Decimal = Decimal("1")
    isBaseCurrency: bool = False


@dataclass(slots=True)
class Subsidiary:
    """A legal entity (``subsidiary``) with its base currency."""

    id: int
    externalId: str | None
    name: str
    country: str
    currency: int


@dataclass(slots=True)
class Customer:
    """A legal customer (``customer``). ``creditLimit`` None means no limit."""

    id: int
    externalId: str | None
    companyName: str
    currency: int
    creditLimit: Decimal | None = None
    creditHoldOverride: HoldOverride = "AUTO"
    subsidiary: int | None = None
    terms: str | None = None
    email: str | None = None
    balance: Decimal = ZERO
    overdueBalance: Decimal = ZERO
    unbilledOrders: Decimal = ZERO
    daysOverdue: int = 0
    onCreditHold: bool = False
    creditHoldReason: str | None = None
    created: datetime | None = None
    lastModified: datetime | None = None


@dataclass(slots=True)
class Employee:
    """An employee who books time and expenses (``employee``)."""

    id: int
    externalId: str | None
    firstName: str
    lastName: str
    email: str
    laborCost: Decimal = ZERO
    subsidiary: int | None = None
    title: str | None = None
    created: datetime | None = None


@dataclass(slots=True)
class Job:
    """A project (``job``), belonging to a customer (``parent``); shares the entity id space with customers."""

    id: int
    externalId: str | None
    entityId: str
    companyName: str
    parent: int
    billingType: BillingType = "time_and_materials"
    startDate: date | None = None
    created: datetime | None = None
    lastModified: datetime | None = None


@dataclass(slots=True)
class ProjectTask:
    """A project task (``projectTask``); a completed milestone task with an ``amount`` is billable."""

    id: int
    externalId: str | None
    title: str
    company: int
    isMilestone: bool = False
    status: TaskStatus = "NOTSTART"
    amount: Decimal | None = None
    plannedWork: Decimal | None = None
    endDate: date | None = None
    invoice: int | None = None
    created: datetime | None = None
    lastModified: datetime | None = None


@dataclass(slots=True)
class ServiceItem:
    """A service item (``serviceItem``); its ``rate`` is the default bill rate of time booked against it."""

    id: int
    externalId: str | None
    itemId: str
    displayName: str | None = None
    rate: Decimal | None = None
    isInactive: bool = False


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
    """A time entry (``timeBill``, 'Track Time'); ``invoice`` is set once it is billed."""

    id: int
    externalId: str | None
    employee: int
    customer: int
    hours: Decimal
    tranDate: date
    postingPeriod: int
    isBillable: bool = True
    approvalStatus: ApprovalStatus = "approved"
    rate: Decimal | None = None
    memo: str | None = None
    item: int | None = None
    caseTaskEvent: int | None = None
    overrideRate: bool = False
    supervisorApproval: bool = False
    rejectionNote: str | None = None
    subsidiary: int | None = None
    invoice: int | None = None
    created: datetime | None = None
    lastModified: datetime | None = None


@dataclass(slots=True)
class ExpenseLine:
    """One line of an expense report; billable when it names a customer or project."""

    line: int
    amount: Decimal
    memo: str | None = None
    category: str | None = None
    customer: int | None = None
    isBillable: bool = False
    invoice: int | None = None


@dataclass(slots=True)
class ExpenseReport:
    """An employee's expense report (``expenseReport``)."""

    id: int
    externalId: str | None
    tranId: str
    entity: int
    tranDate: date
    postingPeriod: int
    approvalStatus: ApprovalStatus = "approved"
    memo: str | None = None
    expense: list[ExpenseLine] = field(default_factory=list)
    total: Decimal = ZERO
    created: datetime | None = None
    lastModified: datetime | None = None


@dataclass(slots=True)
class InvoiceLine:
    """One invoice line: an item, a billed time entry, a billed expense line or a completed milestone."""

    line: int
    kind: LineKind
    amount: Decimal
    quantity: Decimal = Decimal("1")
    rate: Decimal = ZERO
    item: int | None = None
    description: str | None = None
    source: int | None = None
    sourceLine: int | None = None


@dataclass(slots=True)
class Invoice:
    """A customer invoice (``invoice``); ``tranId`` is unique among invoices."""

    id: int
    externalId: str | None
    tranId: str
    entity: int
    tranDate: date
    dueDate: date
    postingPeriod: int
    currency: int
    job: int | None = None
    subsidiary: int | None = None
    memo: str | None = None
    lines: list[InvoiceLine] = field(default_factory=list)
    total: Decimal = ZERO
    amountPaid: Decimal = ZERO
    amountRemaining: Decimal = ZERO
    status: InvoiceStatus = "open"
    created: datetime | None = None
    lastModified: datetime | None = None


@dataclass(slots=True)
class PaymentApplication:
    """The part of a payment applied to one invoice."""

    invoice: int
    amount: Decimal


@dataclass(slots=True)
class CustomerPayment:
    """A customer payment (``customerPayment``) applied to open invoices; the rest stays ``unapplied``."""

    id: int
    externalId: str | None
    tranId: str
    customer: int
    tranDate: date
    postingPeriod: int
    currency: int
    payment: Decimal
    apply: list[PaymentApplication] = field(default_factory=list)
    unapplied: Decimal = ZERO
    memo: str | None = None
    created: datetime | None = None


@dataclass(slots=True)
class AsyncJob:
    """An asynchronous request (``Prefer: respond-async``) and, once run, its outcome."""

    id: int
    method: str
    path: str
    submitted: datetime
    due: datetime
    idempotencyKey: str | None = None
    progress: JobProgress = "pending"
    startTime: datetime | None = None
    endTime: datetime | None = None
    resultStatus: int | None = None
    resultLocation: str | None = None
    resultBody: dict[str, Any] | None = None


RECORD_CLASSES: dict[str, type[Any]] = {
    "currency": Currency,
    "subsidiary": Subsidiary,
    "customer": Customer,
    "employee": Employee,
    "job": Job,
    "projectTask": ProjectTask,
    "serviceItem": ServiceItem,
    "accountingPeriod": AccountingPeriod,
    "timeBill": TimeBill,
    "expenseReport": ExpenseReport,
    "invoice": Invoice,
    "customerPayment": CustomerPayment,
    "asyncJob": AsyncJob,
}
"""Every table of a tenant, in snapshot order (``asyncJob`` is the simulator's job queue, not a REST record)."""

ID_SPACES: dict[str, str] = {"customer": "entity", "job": "entity"}
"""Customers and projects share one internal-id space, as entities do in NetSuite, so a ``customer`` reference
on a timeBill names exactly one of them."""

CUSTOMER_TYPES = ("job", "customer")
