"""Shapes every NetSuite record shares: links, references, selects, sublists, lists, the error envelope.

``to_values`` turns a validated request body into the domain's field values: references become internal
ids, selects their domain keys (an unknown key is NetSuite's "Invalid ... reference key"), sublists lists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from simulators.erp.exceptions import InvalidContent, UserError

EXTERNAL_ID = r"^[A-Za-z0-9_\-]{1,255}$"
CENT = Decimal("0.01")


def number(**bounds: float) -> WithJsonSchema:
    """Money and hours are JSON numbers on the wire (numeric strings are accepted too)."""
    return WithJsonSchema({"type": "number", **bounds})


Money = Annotated[Decimal, Field(ge=0, le=10**12), number(minimum=0, maximum=10**12)]
Rate = Annotated[Decimal, Field(ge=0, le=100_000), number(minimum=0, maximum=100_000)]
Hours = Annotated[Decimal, Field(gt=0, le=24), number(exclusiveMinimum=0, maximum=24)]

APPROVAL = {"pending": ("1", "Pending Approval"), "approved": ("2", "Approved"), "rejected": ("3", "Rejected")}
APPROVAL_BY_ID = {v[0]: k for k, v in APPROVAL.items()}
HOLD_NAMES = {"AUTO": "Auto", "ON": "On", "OFF": "Off"}
TERMS = {"1": "Net 15", "2": "Net 30", "3": "Net 45", "4": "Net 60", "5": "Due on receipt"}
TERMS_BY_NAME = {v: k for k, v in TERMS.items()}
BILLING_TYPES = {"time_and_materials": "Time And Materials", "fixed_fee": "Fixed Fee", "milestone": "Milestone"}
TASK_STATUS = {"NOTSTART": "Not Started", "PROGRESS": "In Progress", "COMPLETE": "Completed"}


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


ItemT = TypeVar("ItemT")


class Sublist(BaseModel, Generic[ItemT]):
    """A sublist in a request body: ``{"items": [...]}``."""

    model_config = ConfigDict(extra="forbid")
    items: list[ItemT] = Field(max_length=1000)


class SublistOut(BaseModel, Generic[ItemT]):
    """A sublist as a record returns it (always expanded here)."""

    items: list[ItemT]


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
    errorQueryParam: str | None = Field(default=None, alias="o:errorQueryParam")


class ErrorBody(BaseModel):
    """NetSuite's error envelope."""

    model_config = ConfigDict(populate_by_name=True)
    type: str
    title: str
    status: int
    errorDetails: list[ErrorDetail] = Field(alias="o:errorDetails")


def select(field: str, keys: Mapping[str, Any]) -> Callable[[str], Any]:
    """A select converter: the domain value of a key, or NetSuite's invalid-key error."""

    def convert(key: str) -> Any:
        if key not in keys:
            raise UserError(f"Invalid {field} reference key {key}.", error_path=field)
        return keys[key]

    return convert


SELECTS: dict[str, Callable[[str], Any]] = {
    "approvalStatus": select("approvalStatus", APPROVAL_BY_ID),
    "creditHoldOverride": select("creditHoldOverride", {k: k for k in HOLD_NAMES}),
    "terms": select("terms", TERMS),
    "jobBillingType": select("jobBillingType", {k: k for k in BILLING_TYPES}),
    "status": select("status", {k: k for k in TASK_STATUS}),
}
RENAMES = {"jobBillingType": "billingType", "currencyPrecision": "precision"}
ROUNDED = frozenset({"hours", "rate", "creditLimit", "laborCost", "amount", "payment", "plannedWork", "quantity"})


def _value(name: str, value: Any) -> Any:
    if isinstance(value, RefIn):
        return int(value.id)
    if isinstance(value, SelectIn):
        return SELECTS[name](value.id)
    if isinstance(value, Sublist):
        return [to_values(item) for item in value.items]
    if isinstance(value, Decimal) and name in ROUNDED:
        return value.quantize(CENT, ROUND_HALF_UP)
    return value


def to_values(body: BaseModel, required: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The domain values of the fields a request body sets (``required`` ones may not be set to null)."""
    out: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name in required:
            raise InvalidContent(f"Invalid value for field {name}: the field cannot be empty.", error_path=name)
        out[RENAMES.get(name, name)] = None if value is None else _value(name, value)
    return out
