"""Wire shapes of master records: currency, subsidiary, customer, employee, job, projectTask, serviceItem,
accountingPeriod."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from simulators.erp.schemas.common import EXTERNAL_ID, Link, Money, Rate, RefIn, RefOut, SelectIn, number

Name = Annotated[str, Field(min_length=1, max_length=83)]


class CurrencyIn(BaseModel):
    """Body of a currency create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    symbol: str = Field(pattern=r"^[A-Z]{3}$")
    name: Name
    currencyPrecision: int = Field(default=2, ge=0, le=3)
    exchangeRate: Annotated[Decimal, Field(gt=0, le=10**6), number(exclusiveMinimum=0, maximum=10**6)] = Decimal(1)
    isBaseCurrency: bool = False


class CurrencyOut(BaseModel):
    """A currency record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    symbol: str
    name: str
    currencyPrecision: int
    exchangeRate: float
    isBaseCurrency: bool


class SubsidiaryIn(BaseModel):
    """Body of a subsidiary create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    name: Name
    country: str = Field(pattern=r"^[A-Z]{2}$")
    currency: RefIn


class SubsidiaryOut(BaseModel):
    """A subsidiary record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    name: str
    country: str
    currency: RefOut


class CustomerIn(BaseModel):
    """Body of a customer create or upsert (no ``creditLimit``: no limit)."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    companyName: Name
    currency: RefIn | None = None
    subsidiary: RefIn | None = None
    creditLimit: Money | None = None
    creditHoldOverride: SelectIn | None = Field(default=None, description="AUTO, ON or OFF (the 'Hold' field).")
    terms: SelectIn | None = Field(default=None, description="1 Net 15, 2 Net 30, 3 Net 45, 4 Net 60, 5 on receipt.")
    email: str | None = Field(default=None, max_length=254)


class CustomerOut(BaseModel):
    """A customer record, with its AR aggregates and effective credit hold."""

    links: list[Link]
    id: str
    externalId: str | None = None
    entityId: str
    companyName: str
    currency: RefOut
    subsidiary: RefOut | None = None
    creditLimit: float | None = None
    creditHoldOverride: RefOut
    onCreditHold: bool
    balance: float
    overdueBalance: float
    unbilledOrders: float
    daysOverdue: int
    terms: RefOut | None = None
    email: str | None = None
    dateCreated: datetime | None = None
    lastModifiedDate: datetime | None = None


class EmployeeIn(BaseModel):
    """Body of an employee create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    firstName: Name
    lastName: Name
    email: str = Field(min_length=3, max_length=254)
    laborCost: Rate | None = None
    subsidiary: RefIn | None = None
    title: str | None = Field(default=None, max_length=99)


class EmployeeOut(BaseModel):
    """An employee record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    firstName: str
    lastName: str
    email: str
    laborCost: float
    subsidiary: RefOut | None = None
    title: str | None = None


class JobIn(BaseModel):
    """Body of a project (job) create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    companyName: Name
    entityId: str | None = Field(default=None, min_length=1, max_length=83)
    parent: RefIn = Field(description="The customer.")
    jobBillingType: SelectIn | None = Field(default=None, description="time_and_materials, fixed_fee or milestone.")
    startDate: date | None = None


class JobOut(BaseModel):
    """A project (job) record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    entityId: str
    companyName: str
    parent: RefOut
    jobBillingType: RefOut
    startDate: date | None = None


class ProjectTaskIn(BaseModel):
    """Body of a project task create or upsert; a completed milestone with an ``amount`` is billable."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    title: Name
    company: RefIn = Field(description="The project.")
    isMilestone: bool = False
    status: SelectIn | None = Field(default=None, description="NOTSTART, PROGRESS or COMPLETE.")
    amount: Money | None = Field(default=None, description="The milestone's billing amount.")
    plannedWork: Annotated[Decimal, Field(ge=0, le=100_000), number(minimum=0, maximum=100_000)] | None = None
    endDate: date | None = None


class ProjectTaskOut(BaseModel):
    """A project task record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    title: str
    company: RefOut
    isMilestone: bool
    status: RefOut
    amount: float | None = None
    plannedWork: float | None = None
    endDate: date | None = None


class ServiceItemIn(BaseModel):
    """Body of a service item create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    itemId: Name
    displayName: str | None = Field(default=None, max_length=250)
    rate: Rate | None = None
    isInactive: bool = False


class ServiceItemOut(BaseModel):
    """A service item record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    itemId: str
    displayName: str | None = None
    rate: float | None = None
    isInactive: bool


class AccountingPeriodOut(BaseModel):
    """An accounting period record."""

    links: list[Link]
    id: str
    periodName: str
    startDate: date
    endDate: date
    closed: bool
    arLocked: bool
    allLocked: bool
    isPosting: bool = True
    isQuarter: bool = False
    isYear: bool = False
