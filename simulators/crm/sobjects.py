"""sObject metadata (Account, Contact, Opportunity) and the per-field value rules of a save.

One :class:`ObjectDef` per sObject type describes its fields as describe() would; :func:`coerce` turns a
JSON value into the stored Python value or raises the error Salesforce gives for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from simulators.crm.exceptions import (
    FieldIntegrityException,
    InvalidEmailAddress,
    InvalidOrNullForRestrictedPicklist,
    JsonParserError,
    MalformedId,
    NumberOutsideValidRange,
    StringTooLong,
)
from simulators.crm.ids import make_id, normalize_id

FieldType = Literal[
    "id", "reference", "string", "email", "picklist", "boolean", "currency", "double", "percent", "date", "datetime"
]
TEXT_TYPES: frozenset[str] = frozenset({"id", "reference", "string", "email", "picklist"})
NUMBER_TYPES: frozenset[str] = frozenset({"currency", "double", "percent"})

INTEGRATION_USER_ID = make_id("005", 1)
"""The user every simulated call runs as (owner and creator of new records)."""


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One field, as describe() reports it."""

    name: str
    label: str
    type: FieldType
    length: int = 0
    precision: int = 0
    scale: int = 0
    required: bool = False
    writable: bool = True
    external_id: bool = False
    unique: bool = False
    reference_to: str | None = None
    relationship: str | None = None
    picklist: tuple[str, ...] = ()
    restricted: bool = False

    @property
    def nillable(self) -> bool:
        """Whether the field may be null (checkboxes never are)."""
        return not self.required and self.type != "boolean"


@dataclass(frozen=True, slots=True)
class Stage:
    """An OpportunityStage: what a StageName implies."""

    probability: int
    closed: bool
    won: bool
    forecast: str


STAGES: dict[str, Stage] = {
    "Prospecting": Stage(10, False, False, "Pipeline"),
    "Qualification": Stage(10, False, False, "Pipeline"),
    "Needs Analysis": Stage(20, False, False, "Pipeline"),
    "Value Proposition": Stage(50, False, False, "Pipeline"),
    "Id. Decision Makers": Stage(60, False, False, "Pipeline"),
    "Perception Analysis": Stage(70, False, False, "Pipeline"),
    "Proposal/Price Quote": Stage(75, False, False, "Pipeline"),
    "Negotiation/Review": Stage(90, False, False, "Pipeline"),
    "Closed Won": Stage(100, True, True, "Closed"),
    "Closed Lost": Stage(0, True, False, "Omitted"),
}
"""The default sales process of a new org (Setup > Opportunity Stages)."""

CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY")


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One sObject type."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: tuple[FieldDef, ...]
    _lower: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)
    _relationships: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._lower.update({f.name.lower(): f for f in self.fields})
        self._relationships.update({f.relationship.lower(): f for f in self.fields if f.relationship})

    def field(self, name: str) -> FieldDef | None:
        """A field by API name, case-insensitively."""
        return self._lower.get(name.lower())

    def relationship(self, name: str) -> FieldDef | None:
        """The lookup field behind a relationship name (``Account`` -> ``AccountId``), case-insensitively."""
        return self._relationships.get(name.lower())


def _system(prefix: str) -> tuple[FieldDef, ...]:
    return (
        FieldDef("Id", f"{prefix} ID", "id", length=18, writable=False),
        FieldDef("IsDeleted", "Deleted", "boolean", writable=False),
    )


_AUDIT = (
    FieldDef("CreatedDate", "Created Date", "datetime", writable=False),
    FieldDef("CreatedById", "Created By ID", "reference", length=18, writable=False, reference_to="User"),
    FieldDef("LastModifiedDate", "Last Modified Date", "datetime", writable=False),
    FieldDef("LastModifiedById", "Last Modified By ID", "reference", length=18, writable=False, reference_to="User"),
    FieldDef("SystemModstamp", "System Modstamp", "datetime", writable=False),
)
_OWNER = FieldDef("OwnerId", "Owner ID", "reference", length=18, reference_to="User")
_CURRENCY = FieldDef("CurrencyIsoCode", "Currency ISO Code", "picklist", length=3, picklist=CURRENCIES, restricted=True)
_ACCOUNT_ID = FieldDef(
    "AccountId", "Account ID", "reference", length=18, reference_to="Account", relationship="Account"
)

ACCOUNT = ObjectDef(
    "Account",
    "Account",
    "Accounts",
    "001",
    (
        *_system("Account"),
        FieldDef("Name", "Account Name", "string", length=255, required=True),
        FieldDef(
            "Type",
            "Account Type",
            "picklist",
            length=255,
            picklist=("Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller", "Other"),
        ),
        FieldDef(
            "Industry",
            "Industry",
            "picklist",
            length=255,
            picklist=("Banking", "Consulting", "Energy", "Healthcare", "Manufacturing", "Retail", "Technology"),
        ),
        FieldDef("BillingCity", "Billing City", "string", length=40),
        FieldDef("BillingCountry", "Billing Country", "string", length=80),
        _CURRENCY,
        _OWNER,
        FieldDef("ERP_Customer_Id__c", "ERP Customer Id", "string", length=50, external_id=True, unique=True),
        FieldDef("Credit_Hold__c", "Credit Hold", "boolean"),
        *_AUDIT,
    ),
)
CONTACT = ObjectDef(
    "Contact",
    "Contact",
    "Contacts",
    "003",
    (
        *_system("Contact"),
        _ACCOUNT_ID,
        FieldDef("LastName", "Last Name", "string", length=80, required=True),
        FieldDef("FirstName", "First Name", "string", length=40),
        FieldDef("Name", "Full Name", "string", length=121, writable=False),
        FieldDef("Email", "Email", "email", length=80),
        _CURRENCY,
        _OWNER,
        *_AUDIT,
    ),
)
OPPORTUNITY = ObjectDef(
    "Opportunity",
    "Opportunity",
    "Opportunities",
    "006",
    (
        *_system("Opportunity"),
        _ACCOUNT_ID,
        FieldDef("Name", "Name", "string", length=120, required=True),
        FieldDef("StageName", "Stage", "picklist", length=255, required=True, picklist=tuple(STAGES), restricted=True),
        FieldDef("Amount", "Amount", "currency", precision=18, scale=2),
        FieldDef("Probability", "Probability (%)", "percent", precision=3, scale=0),
        FieldDef("CloseDate", "Close Date", "date", required=True),
        FieldDef("IsClosed", "Closed", "boolean", writable=False),
        FieldDef("IsWon", "Won", "boolean", writable=False),
        FieldDef(
            "ForecastCategoryName",
            "Forecast Category",
            "picklist",
            length=255,
            writable=False,
            picklist=("Pipeline", "Best Case", "Commit", "Omitted", "Closed"),
        ),
        _CURRENCY,
        _OWNER,
        FieldDef("PSA_Project_Id__c", "PSA Project Id", "string", length=50),
        FieldDef("ERP_Job_Id__c", "ERP Job Id", "string", length=50),
        FieldDef("External_Id__c", "External Id", "string", length=50, external_id=True),
        *_AUDIT,
    ),
)

OBJECTS: dict[str, ObjectDef] = {o.name: o for o in (ACCOUNT, CONTACT, OPPORTUNITY)}
_OBJECTS_LOWER = {name.lower(): o for name, o in OBJECTS.items()}
PREFIXES: dict[str, str] = {o.key_prefix: o.name for o in OBJECTS.values()}


def object_def(name: str) -> ObjectDef | None:
    """An sObject type by name, case-insensitively."""
    return _OBJECTS_LOWER.get(name.lower())


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SF_TYPE = {"currency": "currency", "double": "double", "percent": "double", "date": "date", "boolean": "boolean"}


def json_token(raw: Any) -> str:
    """The Jackson token name Salesforce's JSON errors use for a value."""
    if raw is None:
        return "VALUE_NULL"
    if isinstance(raw, bool):
        return "VALUE_TRUE" if raw else "VALUE_FALSE"
    if isinstance(raw, int):
        return "VALUE_NUMBER_INT"
    if isinstance(raw, Decimal | float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(raw, dict):
        return "START_OBJECT"
    if isinstance(raw, list):
        return "START_ARRAY"
    return "VALUE_STRING"


def _cannot_deserialize(f: FieldDef, raw: Any) -> JsonParserError:
    kind = _SF_TYPE.get(f.type, "string")
    shown = "" if isinstance(raw, dict | list) else f" value {raw}"
    return JsonParserError(
        f"Cannot deserialize instance of {kind} from {json_token(raw)}{shown} "
        "or request may be missing a required field"
    )


def coerce(f: FieldDef, raw: Any) -> Any:
    """The stored value of a JSON value written to field ``f``, or the error Salesforce gives for it.

    Lenient where Salesforce's deserializer is (numbers given as strings, ``"true"``/``"false"``);
    existence of looked-up records is checked by the store, not here.
    """
    if raw is None:
        return False if f.type == "boolean" else None
    if f.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise _cannot_deserialize(f, raw)
    if f.type in NUMBER_TYPES:
        return _number(f, raw)
    if f.type == "date":
        if isinstance(raw, str) and _DATE.match(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        raise _cannot_deserialize(f, raw)
    if isinstance(raw, dict | list):
        raise _cannot_deserialize(f, raw)
    text = str(raw).lower() if isinstance(raw, bool) else str(raw)
    return _text(f, text)


def _number(f: FieldDef, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | float | str):
        raise _cannot_deserialize(f, raw)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _cannot_deserialize(f, raw) from None
    if not value.is_finite():
        raise _cannot_deserialize(f, raw)
    value = value.quantize(Decimal(1).scaleb(-f.scale), rounding=ROUND_HALF_UP)
    if abs(value) >= Decimal(10) ** (f.precision - f.scale):
        raise NumberOutsideValidRange(
            f"{f.label}: value outside of valid range on numeric field: {raw}", fields=[f.name]
        )
    return value


def _text(f: FieldDef, text: str) -> str | None:
    if f.type in ("reference", "id"):
        return check_reference(f, text)
    if f.length and len(text) > f.length:
        raise StringTooLong(f"{f.label}: data value too large: {text} (max length={f.length})", fields=[f.name])
    if f.type == "email" and text and not _EMAIL.match(text):
        raise InvalidEmailAddress(f"{f.label}: invalid email address: {text}", fields=[f.name])
    if f.type == "picklist" and f.restricted and text not in f.picklist:
        raise InvalidOrNullForRestrictedPicklist(
            f"{f.label}: bad value for restricted picklist field: {text}", fields=[f.name]
        )
    return text if text != "" else None


def check_reference(f: FieldDef, text: str) -> str | None:
    """The canonical 18-character id of a lookup value, checked for form and target type."""
    if text == "":
        return None
    record_id = normalize_id(text)
    if record_id is None:
        raise MalformedId(f"{f.label}: id value of incorrect type: {text}", fields=[f.name])
    target = OBJECTS.get(f.reference_to or "")
    prefix = target.key_prefix if target else "005"
    if record_id[:3] != prefix:
        raise FieldIntegrityException(f"{f.label}: id value of incorrect type: {text}", fields=[f.name])
    return record_id
