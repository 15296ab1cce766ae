"""Field and sObject definitions as describe() reports them, and the per-field value rules of a save.

A :class:`FieldDef` describes one field; an :class:`ObjectDef` one sObject type. :func:`coerce` turns a
JSON value into the stored Python value or raises the error Salesforce gives for it. Which objects exist
is the org's :class:`~simulators.crm.schema.Schema` (standard objects plus metadata).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from simulators.crm.exceptions import (
    FieldIntegrityException,
    InvalidEmailAddress,
    InvalidField,
    InvalidFieldForInsertUpdate,
    InvalidOrNullForRestrictedPicklist,
    JsonParserError,
    MalformedId,
    NumberOutsideValidRange,
    StringTooLong,
)
from simulators.crm.ids import normalize_id

if TYPE_CHECKING:
    from simulators.crm.schema import Schema

FieldType = Literal[
    "id",
    "reference",
    "string",
    "textarea",
    "email",
    "picklist",
    "boolean",
    "currency",
    "double",
    "percent",
    "date",
    "datetime",
]
TEXT_TYPES: frozenset[str] = frozenset({"id", "reference", "string", "textarea", "email", "picklist"})
NUMBER_TYPES: frozenset[str] = frozenset({"currency", "double", "percent"})


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One field, as describe() reports it.

    ``writable`` fields are createable and updateable; ``create_only`` ones only createable (for example
    the master of a master-detail relationship). ``cascade_delete`` lookups delete the child with its parent.
    """

    name: str
    label: str
    type: FieldType
    length: int = 0
    precision: int = 0
    scale: int = 0
    required: bool = False
    writable: bool = True
    create_only: bool = False
    external_id: bool = False
    unique: bool = False
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    cascade_delete: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    default: Any = None

    @property
    def nillable(self) -> bool:
        """Whether the field may be null (checkboxes never are)."""
        return not self.required and self.type != "boolean"

    @property
    def custom(self) -> bool:
        """A custom field (``__c``)."""
        return self.name.endswith("__c")

    @property
    def createable(self) -> bool:
        """Writable on insert."""
        return self.writable

    @property
    def updateable(self) -> bool:
        """Writable on update."""
        return self.writable and not self.create_only

    def empty(self) -> Any:
        """The value of a field nobody wrote: the default, ``False`` for checkboxes, else null."""
        if self.default is not None:
            return self.default
        return False if self.type == "boolean" else None


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """One sObject type."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: tuple[FieldDef, ...]
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    _lower: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)
    _relationships: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)
    blank: dict[str, Any] = field(init=False, compare=False, repr=False)
    """Every field's value before anything is written (:meth:`FieldDef.empty`), in describe() order."""
    required_fields: tuple[str, ...] = field(init=False, compare=False, repr=False)
    """The names of the required fields."""
    lookups: tuple[FieldDef, ...] = field(init=False, compare=False, repr=False)
    """The reference fields."""
    unique_fields: tuple[FieldDef, ...] = field(init=False, compare=False, repr=False)
    """The fields whose values must be unique."""
    audited: bool = field(init=False, compare=False, repr=False)
    """Whether saves stamp ``LastModifiedDate``, ``LastModifiedById`` and ``SystemModstamp``."""
    owned: bool = field(init=False, compare=False, repr=False)
    """Whether records have an ``OwnerId`` (the saving user, unless the body names another)."""
    priced: bool = field(init=False, compare=False, repr=False)
    """Whether records have a ``CurrencyIsoCode`` (USD, unless the body names another)."""
    event_name: str = field(init=False, compare=False, repr=False)
    """The change event entity: ``AccountChangeEvent``, ``Project__ChangeEvent`` for ``Project__c``."""

    def __post_init__(self) -> None:
        self._lower.update({f.name.lower(): f for f in self.fields})
        self._relationships.update({f.relationship.lower(): f for f in self.fields if f.relationship})
        # Derived once per type: a save reads them on every record.
        derived = {
            "blank": {f.name: f.empty() for f in self.fields},
            "required_fields": tuple(f.name for f in self.fields if f.required),
            "lookups": tuple(f for f in self.fields if f.reference_to),
            "unique_fields": tuple(f for f in self.fields if f.unique),
            "audited": "lastmodifieddate" in self._lower,
            "owned": "ownerid" in self._lower,
            "priced": "currencyisocode" in self._lower,
            "event_name": f"{self.name[:-1] if self.custom else self.name}ChangeEvent",
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def field(self, name: str) -> FieldDef | None:
        """A field by API name, case-insensitively."""
        return self._lower.get(name.lower())

    def relationship(self, name: str) -> FieldDef | None:
        """The lookup field behind a relationship name (``Account`` -> ``AccountId``), case-insensitively."""
        return self._relationships.get(name.lower())


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


def coerce(f: FieldDef, raw: Any, schema: Schema, *, lenient: bool = True) -> Any:
    """The stored value of a JSON value written to field ``f``, or the error Salesforce gives for it.

    With ``lenient`` (the version profile's ``lenient_json_types``) numbers given as strings and
    ``"true"``/``"false"`` are accepted, as Salesforce's deserializer does; existence of looked-up
    records is checked by the store, not here.
    """
    if raw is None:
        return False if f.type == "boolean" else None
    if f.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if lenient and isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise _cannot_deserialize(f, raw)
    if f.type in NUMBER_TYPES:
        if not lenient and isinstance(raw, str):
            raise _cannot_deserialize(f, raw)
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
    if f.type in ("reference", "id"):
        return check_reference(f, text, schema)
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
    if f.length and len(text) > f.length:
        raise StringTooLong(f"{f.label}: data value too large: {text} (max length={f.length})", fields=[f.name])
    if f.type == "email" and text and not _EMAIL.match(text):
        raise InvalidEmailAddress(f"{f.label}: invalid email address: {text}", fields=[f.name])
    if f.type == "picklist" and f.restricted and text not in f.picklist:
        raise InvalidOrNullForRestrictedPicklist(
            f"{f.label}: bad value for restricted picklist field: {text}", fields=[f.name]
        )
    return text if text != "" else None


def check_reference(f: FieldDef, text: str, schema: Schema) -> str | None:
    """The canonical 18-character id of a lookup value, checked for form and target type."""
    if text == "":
        return None
    record_id = normalize_id(text)
    if record_id is None:
        raise MalformedId(f"{f.label}: id value of incorrect type: {text}", fields=[f.name])
    prefixes = {o.key_prefix for o in schema.targets(f)}
    if record_id[:3] not in prefixes:
        raise FieldIntegrityException(f"{f.label}: id value of incorrect type: {text}", fields=[f.name])
    return record_id


_READ_ONLY_HINT = (
    "Please check the security settings of this field and verify that it is read/write for your profile or "
    "permission set."
)


def parse_body(
    obj: ObjectDef, body: Mapping[str, Any], schema: Schema, *, creating: bool, lenient: bool
) -> dict[str, Any]:
    """The stored values a create or update body writes (``attributes`` ignored), or the save error."""
    defs: list[tuple[FieldDef, Any]] = []
    for key, raw in body.items():
        if key == "attributes":
            continue
        f = obj.field(key)
        if f is None:
            raise InvalidField(f"No such column '{key}' on sobject of type {obj.name}")
        defs.append((f, raw))
    read_only = [f.name for f, _ in defs if not (f.createable if creating else f.updateable)]
    if read_only:
        raise InvalidFieldForInsertUpdate(
            f"Unable to create/update fields: {', '.join(read_only)}. {_READ_ONLY_HINT}", fields=read_only
        )
    return {f.name: coerce(f, raw, schema, lenient=lenient) for f, raw in defs}
