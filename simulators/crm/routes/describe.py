"""Describe payloads: global describe entries, ``objectDescribe`` and field describes, built from the schema."""

from __future__ import annotations

from typing import Any

from simulators.crm.fields import FieldDef, ObjectDef
from simulators.crm.routes.render import version_base
from simulators.crm.schema import Schema


def object_describe(version: int, obj: ObjectDef) -> dict[str, Any]:
    """The ``objectDescribe`` / global-describe entry of an sObject type."""
    base = f"{version_base(version)}/sobjects/{obj.name}"
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "keyPrefix": obj.key_prefix,
        "custom": obj.custom,
        "createable": obj.createable,
        "deletable": obj.deletable,
        "queryable": True,
        "retrieveable": True,
        "searchable": obj.createable,
        "undeletable": obj.deletable,
        "updateable": obj.updateable,
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
    }


def field_describe(f: FieldDef) -> dict[str, Any]:
    """One entry of a describe's ``fields``."""
    return {
        "name": f.name,
        "label": f.label,
        "type": f.type,
        "length": f.length,
        "precision": f.precision,
        "scale": f.scale,
        "nillable": f.nillable,
        "createable": f.createable,
        "updateable": f.updateable,
        "defaultedOnCreate": f.default is not None or f.type == "boolean" or f.name in ("OwnerId", "CurrencyIsoCode"),
        "defaultValue": f.default,
        "custom": f.custom,
        "externalId": f.external_id,
        "unique": f.unique,
        "idLookup": f.name == "Id" or f.external_id,
        "cascadeDelete": f.cascade_delete,
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship,
        "polymorphicForeignKey": len(f.reference_to) > 1,
        "restrictedPicklist": f.restricted,
        "picklistValues": [
            {"active": True, "defaultValue": v == f.default, "label": v, "validFor": None, "value": v}
            for v in f.picklist
        ],
    }


def child_relationships(schema: Schema, obj: ObjectDef) -> list[dict[str, Any]]:
    """The ``childRelationships`` of a full describe: every lookup from another type to ``obj``."""
    out = []
    for child in schema.objects.values():
        for f in child.fields:
            if obj.name in f.reference_to and f.writable:
                out.append(
                    {
                        "childSObject": child.name,
                        "field": f.name,
                        "cascadeDelete": f.cascade_delete,
                        "relationshipName": None,
                    }
                )
    return out


def full_describe(version: int, schema: Schema, obj: ObjectDef) -> dict[str, Any]:
    """``GET .../sobjects/{Type}/describe``."""
    return {
        **object_describe(version, obj),
        "fields": [field_describe(f) for f in obj.fields],
        "childRelationships": child_relationships(schema, obj),
    }


def global_describe(version: int, schema: Schema) -> dict[str, Any]:
    """``GET .../sobjects``."""
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [object_describe(version, obj) for obj in schema.objects.values()],
    }
