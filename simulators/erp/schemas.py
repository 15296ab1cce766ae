"""NetSuite REST wire shapes (requests in, records out) and the translation from domain records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

EXTERNAL_ID = r"^[A-Za-z0-9_\-]{1,255}$"


def number(**bounds: float) -> WithJsonSchema:
    """Money and hours are JSON numbers on the wire (numeric strings are accepted too)."""
    return WithJsonSchema({"type": "number", **bounds})


APPROVAL = {"pending": ("1", "Pending Approval"), "approved": ("2", "Approved"), "rejected": ("3", "Rejected")}
APPROVAL_BY_ID = {v[0]: k for k, v in APPROVAL.items()}
HOLD_NAMES = {"AUTO": "Auto", "ON": "On", "OFF": "Off"}


class Link(BaseModel):
    """A HATEOAS link."""

    rel: str
    href: str


class RefIn(BaseModel):
    """A reference to another record by internal id."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[0-9]{1,10}$")


class SelectIn(BaseModel):
    """A select (list) field value."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=40)


class RefOut(BaseModel):
    """A reference as NetSuite returns it."""

    id: str
    refName: str | None = None
    links: list[Link] = Field(default_factory=list)


class TimeBillIn(BaseModel):
    """Body of a timeBill create, upsert or update."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    employee: RefIn
    customer: RefIn = Field(description="The customer or project (job) the time is for.")
    hours: Annotated[Decimal, Field(gt=0, le=24), number(exclusiveMinimum=0, maximum=24)] = Field(
        description="Rounded to the hundredth."
    )
    tranDate: date
    isBillable: bool = True
    approvalStatus: SelectIn | None = Field(default=None, description="1 Pending Approval, 2 Approved, 3 Rejected.")
    rate: Annotated[Decimal, Field(ge=0, le=100_000), number(minimum=0, maximum=100_000)] | None = None
    memo: str | None = Field(default=None, max_length=4000)


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
    createdDate: datetime | None = None
    lastModifiedDate: datetime | None = None


class CustomerIn(BaseModel):
    """Body of a customer create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    companyName: str = Field(min_length=1, max_length=83)
    currency: RefIn | None = None
    creditLimit: Annotated[Decimal, Field(ge=0, le=10**12), number(minimum=0, maximum=10**12)] = Decimal("0")
    creditHoldOverride: SelectIn | None = None


class CustomerOut(BaseModel):
    """A customer record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    entityId: str
    companyName: str
    currency: RefOut
    creditLimit: float
    creditHoldOverride: RefOut
    balance: float
    terms: RefOut | None = None
    dateCreated: datetime | None = None


class EmployeeOut(BaseModel):
    """An employee record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    firstName: str
    lastName: str
    email: str
    laborCost: float


class JobOut(BaseModel):
    """A project (job) record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    entityId: str
    companyName: str
    parent: RefOut
    jobBillingType: RefOut


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


class ListItem(BaseModel):
    """A list item: links only, as NetSuite returns them."""

    links: list[Link]
    id: str


class RecordList(BaseModel):
    """A page of a record collection."""

    links: list[Link]
    count: int
    hasMore: bool
    items: list[ListItem]
    offset: int
    totalResults: int


class ErrorDetail(BaseModel):
    """One entry of ``o:errorDetails``."""

    model_config = ConfigDict(populate_by_name=True)
    detail: str
    errorCode: str = Field(alias="o:errorCode")
    errorPath: str | None = Field(default=None, alias="o:errorPath")


class ErrorBody(BaseModel):
    """NetSuite's error envelope."""

    model_config = ConfigDict(populate_by_name=True)
    type: str
    title: str
    status: int
    errorDetails: list[ErrorDetail] = Field(alias="o:errorDetails")


HoldId = Literal["AUTO", "ON", "OFF"]
