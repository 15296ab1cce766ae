"""The records of a world: the firm, its customers and people, engagements, periods and history.

Plain frozen, slotted dataclasses; money is ``Decimal``. The closing month's timesheets are columns
(:mod:`simulators.datagen.timesheets`), not records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

BillingModel = Literal["time_and_materials", "fixed_fee", "milestone", "retainer"]
PeriodState = Literal["open", "ar_locked", "closed"]
Defect = Literal["unmapped", "near_duplicate", "missing_tax"]
TaskKind = Literal["task", "milestone"]


@dataclass(frozen=True, slots=True)
class Subsidiary:
    """A legal entity of the firm: one country, one functional currency, one holiday calendar."""

    key: str
    name: str
    country: str
    currency: str
    locale: str
    offices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Customer:
    """A legal customer, known in all three systems by ``key``.

    ``defect`` marks a deliberate data-quality problem: ``unmapped`` (the CRM Account carries no ERP id),
    ``near_duplicate`` (the CRM has a second Account with a near-identical name and no ERP id),
    ``missing_tax`` (no tax id anywhere).
    """

    key: str
    name: str
    currency: str
    country: str
    credit_limit: Decimal
    terms: str
    parent_key: str | None = None
    street: str = ""
    city: str = ""
    postcode: str = ""
    tax_id: str | None = None
    subsidiary: str = ""
    defect: Defect | None = None
    domain: str = ""

    @property
    def terms_days(self) -> int:
        """Payment terms in days (``Net 30`` -> 30)."""
        return int(self.terms.split()[-1])


@dataclass(frozen=True, slots=True)
class Contact:
    """A person at a customer (a CRM Contact)."""

    key: str
    customer_key: str
    first_name: str
    last_name: str
    email: str
    title: str
    phone: str


@dataclass(frozen=True, slots=True)
class Consultant:
    """A PSA user who books time; an ERP employee ``psa-user-<psa_id>``."""

    psa_id: int
    first_name: str
    last_name: str
    email: str
    role: str
    bill_rate: Decimal
    cost_rate: Decimal
    country: str = "US"
    location: str = ""
    currency: str = "USD"

    @property
    def erp_external_id(self) -> str:
        """The ERP employee's external id."""
        return f"psa-user-{self.psa_id}"


@dataclass(frozen=True, slots=True)
class Project:
    """A PSA workspace; an ERP job ``psa-ws-<psa_id>`` under its customer."""

    psa_id: int
    key: str
    name: str
    customer_key: str
    billing_model: BillingModel
    currency: str
    budget: Decimal
    start_date: date
    end_date: date | None = None

    @property
    def erp_external_id(self) -> str:
        """The ERP job's external id."""
        return f"psa-ws-{self.psa_id}"


@dataclass(frozen=True, slots=True)
class Task:
    """A task or milestone of a project (a PSA story; a milestone is also an ERP project task)."""

    psa_id: int
    project_psa_id: int
    title: str
    kind: TaskKind
    start_date: date
    due_date: date
    amount: Decimal | None = None
    completed: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    """A consultant staffed on a project (a PSA participation) at a bill rate, between two dates."""

    psa_id: int
    project_psa_id: int
    consultant_psa_id: int
    bill_rate: Decimal
    start_date: date | None = None
    end_date: date | None = None
    role: str = ""


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A CRM opportunity for a customer."""

    key: str
    customer_key: str
    name: str
    stage: str
    amount: Decimal
    close_date: date


@dataclass(frozen=True, slots=True)
class Period:
    """A monthly accounting period ``YYYY-MM``."""

    key: str
    start: date
    end: date
    state: PeriodState


@dataclass(frozen=True, slots=True)
class Expense:
    """An expense a consultant logged on a project in the closing month (a PSA expense)."""

    psa_id: int
    project_psa_id: int
    consultant_psa_id: int
    day: date
    category: str
    amount: Decimal
    currency: str
    billable: bool
    notes: str


@dataclass(frozen=True, slots=True)
class HistoricalInvoice:
    """An invoice of a closed month (an ERP invoice), with what has been paid of it."""

    key: str
    customer_key: str
    project_psa_id: int
    period_key: str
    tran_date: date
    due_date: date
    currency: str
    amount: Decimal
    description: str


@dataclass(frozen=True, slots=True)
class Payment:
    """A customer payment applied to one historical invoice (an ERP customer payment)."""

    key: str
    invoice_key: str
    customer_key: str
    tran_date: date
    amount: Decimal
