"""Wire shapes of receivables: invoice (created, or billed from a project), customerPayment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from simulators.erp.schemas.common import EXTERNAL_ID, Link, Money, Rate, RefIn, RefOut, Sublist, SublistOut, number

TranId = Annotated[str, Field(min_length=1, max_length=45, pattern=r"^[A-Za-z0-9_\-/.]+$")]
Quantity = Annotated[Decimal, Field(gt=0, le=10**6), number(exclusiveMinimum=0, maximum=10**6)]
Payment = Annotated[Decimal, Field(gt=0, le=10**12), number(exclusiveMinimum=0, maximum=10**12)]


class InvoiceItemIn(BaseModel):
    """An item line of a new invoice; ``rate`` defaults to the item's."""

    model_config = ConfigDict(extra="forbid")
    item: RefIn
    quantity: Quantity = Decimal(1)
    rate: Rate | None = None
    description: str | None = Field(default=None, max_length=4000)


class InvoiceIn(BaseModel):
    """Body of an invoice create or upsert."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    entity: RefIn = Field(description="The customer.")
    job: RefIn | None = Field(default=None, description="The project, a project of that customer.")
    tranId: TranId | None = Field(default=None, description="The document number (unique; generated if absent).")
    tranDate: date | None = Field(default=None, description="Defaults to today (simulated).")
    dueDate: date | None = Field(default=None, description="Defaults to tranDate plus the customer's terms.")
    memo: str | None = Field(default=None, max_length=4000)
    item: Sublist[InvoiceItemIn]


class InvoicePatch(BaseModel):
    """The invoice fields a PATCH may change (lines are not editable here)."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    tranId: TranId | None = None
    dueDate: date | None = None
    memo: str | None = Field(default=None, max_length=4000)


class TransformIn(BaseModel):
    """Body of ``job/{id}/!transform/invoice`` (all optional)."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    tranId: TranId | None = None
    tranDate: date | None = Field(default=None, description="Bills work dated up to it; defaults to today.")
    dueDate: date | None = None
    memo: str | None = Field(default=None, max_length=4000)


class ItemLineOut(BaseModel):
    """An item or milestone line."""

    line: int
    item: RefOut | None = None
    projectTask: RefOut | None = None
    description: str | None = None
    quantity: float
    rate: float
    amount: float


class TimeLineOut(BaseModel):
    """A billed time entry."""

    line: int
    doc: RefOut
    apply: bool = True
    item: RefOut | None = None
    quantity: float
    rate: float
    amount: float
    memo: str | None = None


class ExpenseCostLineOut(BaseModel):
    """A billed expense line."""

    line: int
    doc: RefOut
    expenseLine: int
    apply: bool = True
    amount: float
    memo: str | None = None


class InvoiceOut(BaseModel):
    """An invoice record (sublists expanded)."""

    links: list[Link]
    id: str
    externalId: str | None = None
    tranId: str
    entity: RefOut
    job: RefOut | None = None
    tranDate: date
    dueDate: date
    postingPeriod: RefOut
    currency: RefOut
    subsidiary: RefOut | None = None
    status: RefOut
    memo: str | None = None
    total: float
    amountPaid: float
    amountRemaining: float
    item: SublistOut[ItemLineOut]
    time: SublistOut[TimeLineOut]
    expCost: SublistOut[ExpenseCostLineOut]
    createdDate: datetime | None = None
    lastModifiedDate: datetime | None = None


class PaymentApplyIn(BaseModel):
    """An invoice the payment pays (``amount`` defaults to what is due, within the payment)."""

    model_config = ConfigDict(extra="forbid")
    doc: RefIn = Field(description="The invoice.")
    amount: Money | None = None
    apply: bool = True


class CustomerPaymentIn(BaseModel):
    """Body of a customer payment; without ``apply`` it pays open invoices oldest due first."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    customer: RefIn
    payment: Payment
    tranDate: date | None = None
    memo: str | None = Field(default=None, max_length=4000)
    apply: Sublist[PaymentApplyIn] | None = None


class CustomerPaymentPatch(BaseModel):
    """The payment fields a PATCH may change."""

    model_config = ConfigDict(extra="forbid")
    externalId: str | None = Field(default=None, pattern=EXTERNAL_ID)
    memo: str | None = Field(default=None, max_length=4000)


class PaymentApplyOut(BaseModel):
    """An applied invoice."""

    doc: RefOut
    apply: bool = True
    amount: float


class CustomerPaymentOut(BaseModel):
    """A customer payment record."""

    links: list[Link]
    id: str
    externalId: str | None = None
    tranId: str
    customer: RefOut
    tranDate: date
    postingPeriod: RefOut
    currency: RefOut
    payment: float
    applied: float
    unapplied: float
    memo: str | None = None
    apply: SublistOut[PaymentApplyOut]
    createdDate: datetime | None = None
