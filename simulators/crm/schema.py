"""The org's schema: the standard sObjects merged with the metadata's custom fields and custom objects.

:func:`build_schema` checks the metadata (unknown objects, clashing names or key prefixes, lookups to
nowhere) and raises ``ValueError`` with a readable reason, so a bad ``PUT /__admin/settings`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from simulators.crm.fields import FieldDef, ObjectDef
from simulators.crm.metadata import (
    CustomFieldSpec,
    CustomObjectSpec,
    DuplicateRuleSpec,
    OrgMetadata,
    ValidationRuleSpec,
)
from simulators.crm.standard import ACTIVITY_TARGETS, AUDIT_FIELDS, CURRENCY, OWNER, STANDARD_OBJECTS, system_fields

EXTERNAL_ID_TYPES = frozenset({"string", "email", "double"})


@dataclass(frozen=True, slots=True)
class Schema:
    """Every sObject type of the org, with lookups by name (case-insensitive), key prefix and id."""

    objects: dict[str, ObjectDef]
    metadata: OrgMetadata
    _lower: dict[str, ObjectDef] = field(default_factory=dict, compare=False, repr=False)
    _prefixes: dict[str, ObjectDef] = field(default_factory=dict, compare=False, repr=False)
    _children: dict[str, tuple[tuple[ObjectDef, FieldDef], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _validation: dict[str, tuple[ValidationRuleSpec, ...]] = field(default_factory=dict, compare=False, repr=False)
    _duplicates: dict[str, tuple[DuplicateRuleSpec, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._lower.update({name.lower(): obj for name, obj in self.objects.items()})
        self._prefixes.update({obj.key_prefix: obj for obj in self.objects.values()})
        for obj in self.objects.values():
            for f in obj.fields:
                if f.cascade_delete:
                    for target in f.reference_to:
                        self._children[target] = (*self._children.get(target, ()), (obj, f))
        for rule in self.metadata.validation_rules:
            if rule.active:
                self._validation[rule.object] = (*self._validation.get(rule.object, ()), rule)
        for dup in self.metadata.duplicate_rules:
            if dup.active:
                self._duplicates[dup.object] = (*self._duplicates.get(dup.object, ()), dup)

    def get(self, name: str) -> ObjectDef | None:
        """An sObject type by name, case-insensitively."""
        return self._lower.get(name.lower())

    def of_id(self, record_id: str) -> ObjectDef | None:
        """The sObject type an id belongs to (by its key prefix)."""
        return self._prefixes.get(record_id[:3])

    def targets(self, f: FieldDef) -> tuple[ObjectDef, ...]:
        """The sObject types a lookup may point to (several for polymorphic lookups such as Task.WhatId)."""
        return tuple(self.objects[name] for name in f.reference_to if name in self.objects)

    def cascade_children(self, type_name: str) -> tuple[tuple[ObjectDef, FieldDef], ...]:
        """(child type, lookup field) pairs whose records are deleted with a record of ``type_name``."""
        return self._children.get(type_name, ())

    def validation_rules(self, type_name: str) -> tuple[ValidationRuleSpec, ...]:
        """The active validation rules of an sObject type, in declaration order."""
        return self._validation.get(type_name, ())

    def duplicate_rules(self, type_name: str) -> tuple[DuplicateRuleSpec, ...]:
        """The active duplicate rules of an sObject type, in declaration order."""
        return self._duplicates.get(type_name, ())


def build_schema(metadata: OrgMetadata) -> Schema:
    """The schema of an org with this metadata (memoised: metadata documents are small and immutable)."""
    return _build(metadata.model_dump_json())


@lru_cache(maxsize=32)
def _build(document: str) -> Schema:
    metadata = OrgMetadata.model_validate_json(document)
    standard = {o.name: o for o in STANDARD_OBJECTS}
    names = set(standard)
    for spec in metadata.custom_objects:
        if spec.name in names:
            raise ValueError(f"custom object {spec.name} is declared twice")
        names.add(spec.name)
    prefixes = {o.key_prefix for o in STANDARD_OBJECTS}
    objects: dict[str, ObjectDef] = {}
    for type_name, obj in standard.items():
        extra = tuple(_custom_field(type_name, s, names) for s in metadata.custom_fields.get(type_name, ()))
        activity = tuple(s.name for s in metadata.custom_objects if s.allow_activities)
        for owner, field_name in ACTIVITY_TARGETS:
            if type_name == owner and activity:
                obj = _with_targets(obj, field_name, activity)
        objects[type_name] = _with_fields(obj, extra) if extra else obj
    for spec in metadata.custom_objects:
        if spec.key_prefix in prefixes:
            raise ValueError(f"key prefix {spec.key_prefix} of {spec.name} is already used")
        prefixes.add(spec.key_prefix)
        objects[spec.name] = _custom_object(spec, metadata.custom_fields.get(spec.name, ()), names)
    unknown = sorted(set(metadata.custom_fields) - names)
    if unknown:
        raise ValueError(f"custom fields declared on unknown sObject types: {', '.join(unknown)}")
    for obj in objects.values():
        _check_unique_names(obj)
    schema = Schema(objects, metadata)
    _check_rules(schema)
    return schema


def _label(name: str) -> str:
    return name.removesuffix("__c").replace("_", " ")


def _custom_field(owner: str, spec: CustomFieldSpec, names: set[str]) -> FieldDef:
    if spec.type == "reference":
        if spec.reference_to not in names:
            raise ValueError(f"{owner}.{spec.name} looks up an unknown sObject type: {spec.reference_to}")
    elif spec.reference_to or spec.master_detail:
        raise ValueError(f"{owner}.{spec.name}: only reference fields look up other records")
    if (spec.external_id or spec.unique) and spec.type not in EXTERNAL_ID_TYPES:
        raise ValueError(f"{owner}.{spec.name}: a {spec.type} field cannot be an external id or unique")
    if spec.type == "picklist" and not spec.picklist:
        raise ValueError(f"{owner}.{spec.name}: a picklist needs values")
    is_text = spec.type in ("string", "textarea", "email", "picklist")
    is_number = spec.type in ("currency", "double", "percent")
    return FieldDef(
        spec.name,
        spec.label or _label(spec.name),
        spec.type,
        length=spec.length if is_text else (18 if spec.type == "reference" else 0),
        precision=spec.precision if is_number else 0,
        scale=spec.scale if is_number else 0,
        required=spec.required or spec.master_detail,
        create_only=spec.master_detail,
        external_id=spec.external_id,
        unique=spec.unique,
        reference_to=(spec.reference_to,) if spec.reference_to else (),
        relationship=(spec.relationship_name or spec.name.removesuffix("c") + "r") if spec.reference_to else None,
        cascade_delete=spec.master_detail,
        picklist=tuple(spec.picklist),
        restricted=spec.restricted,
        default=spec.default,
    )


def _with_fields(obj: ObjectDef, extra: tuple[FieldDef, ...]) -> ObjectDef:
    """``obj`` with custom fields inserted before the audit fields (describe() order)."""
    audit = {f.name for f in AUDIT_FIELDS}
    head = tuple(f for f in obj.fields if f.name not in audit)
    tail = tuple(f for f in obj.fields if f.name in audit)
    return replace(obj, fields=(*head, *extra, *tail), _lower={}, _relationships={})


def _with_targets(obj: ObjectDef, field_name: str, extra: tuple[str, ...]) -> ObjectDef:
    fields = tuple(
        replace(f, reference_to=(*f.reference_to, *extra)) if f.name == field_name else f for f in obj.fields
    )
    return replace(obj, fields=fields, _lower={}, _relationships={})


def _custom_object(spec: CustomObjectSpec, more: tuple[CustomFieldSpec, ...], names: set[str]) -> ObjectDef:
    custom = tuple(_custom_field(spec.name, f, names) for f in (*spec.fields, *more))
    return ObjectDef(
        spec.name,
        spec.label,
        spec.label_plural,
        spec.key_prefix,
        (
            *system_fields(spec.label),
            FieldDef("Name", spec.name_field_label, "string", length=80, required=True),
            *custom,
            CURRENCY,
            OWNER,
            *AUDIT_FIELDS,
        ),
        custom=True,
    )


def _check_unique_names(obj: ObjectDef) -> None:
    seen: set[str] = set()
    relationships: set[str] = set()
    for f in obj.fields:
        if f.name.lower() in seen:
            raise ValueError(f"{obj.name} has two fields named {f.name}")
        seen.add(f.name.lower())
        if f.relationship:
            if f.relationship.lower() in relationships:
                raise ValueError(f"{obj.name} has two relationships named {f.relationship}")
            relationships.add(f.relationship.lower())


def _check_rules(schema: Schema) -> None:
    for rule in schema.metadata.validation_rules:
        obj = schema.objects.get(rule.object)
        if obj is None:
            raise ValueError(f"validation rule {rule.name} is on an unknown sObject type: {rule.object}")
        if rule.error_field is not None and obj.field(rule.error_field) is None:
            raise ValueError(f"validation rule {rule.name} shows its error on an unknown field: {rule.error_field}")
    for dup in schema.metadata.duplicate_rules:
        obj = schema.objects.get(dup.object)
        if obj is None:
            raise ValueError(f"duplicate rule {dup.name} is on an unknown sObject type: {dup.object}")
        missing = [name for name in dup.fields if obj.field(name) is None]
        if missing:
            raise ValueError(f"duplicate rule {dup.name} matches unknown fields: {', '.join(missing)}")
