"""Wire shapes of time and expense postings: timeBill, expenseReport."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from simulators.erp.schemas.common import (
    EXTERNAL_ID,
    Hours,
    Link,
    Money,
    Rate,
    RefIn,
    RefOut,
    SelectIn,
    Sublist,
    SublistOut,
)


class TimeBillIn(BaseModel):
    """Body of a timeBill create, upsert or update."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    employee: RefIn
    customer: RefIn = Field(description="The customer or project (job) the time is for.")
    hours: Hours = Field(description="Rounded to the hundredth.")
    tranDate: date
    isBillable: bool = True
    approvalStatus: SelectIn | None = Field(default=None, description="1 Pending Approval, 2 Approved, 3 Rejected.")
    rate: Rate | None = None
    memo: str | None = Field(default=None, max_length=4000)
    item: RefIn | None = Field(default=None, description="The service item; its rate applies when none is given.")
    caseTaskEvent: RefIn | None = Field(default=None, description="The project task (of the project in customer).")
    overrideRate: bool = False
    supervisorApproval: bool = False
    rejectionNote: str | None = Field(default=None, max_length=4000)
    subsidiary: RefIn | None = None


class TimeBillOut(BaseModel):
    """A timeBill record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    employee: RefOut
    customer: RefOut
    hours: float
    tranDate: date
    postingPeriod: RefOut
    isBillable: bool
    approvalStatus: RefOut
    rate: float | None = None
    memo: str | None = None
    item: RefOut | None = None
    caseTaskEvent: RefOut | None = None
    overrideRate: bool = False
    supervisorApproval: bool = False
    rejectionNote: str | None = None
    subsidiary: RefOut | None = None
    createdDate: datetime | None = None
    lastModifiedDate: datetime | None = None


class ExpenseLineIn(BaseModel):
    """One expense line; billable lines name the customer or project to bill."""

    model_config = ConfigDict(extra="forbid")
    amount: Money
    memo: str | None = Field(default=None, max_length=4000)
    category: str | None = Field(default=None, max_length=99)
    customer: RefIn | None = None
    isBillable: bool = False


class ExpenseReportIn(BaseModel):
    """Body of an expense report create, upsert or update (``expense`` replaces every line)."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    entity: RefIn = Field(description="The employee.")
    tranDate: date
    approvalStatus: SelectIn | None = Field(default=None, description="1 Pending Approval, 2 Approved, 3 Rejected.")
    memo: str | None = Field(default=None, max_length=4000)
    expense: Sublist[ExpenseLineIn]


class ExpenseLineOut(BaseModel):
    """An expense line as the record returns it."""

    line: int
    amount: float
    memo: str | None = None
    category: str | None = None
    customer: RefOut | None = None
    isBillable: bool
    isBilled: bool


class ExpenseReportOut(BaseModel):
    """An expense report record (the ``expense`` sublist expanded)."""

    links: list[Link]
    id: str
    externalId: str | None = None
    tranId: str
    entity: RefOut
    tranDate: date
    postingPeriod: RefOut
    approvalStatus: RefOut
    memo: str | None = None
    total: float
    expense: SublistOut[ExpenseLineOut]
    createdDate: datetime | None = None
    lastModifiedDate: datetime | None = None
