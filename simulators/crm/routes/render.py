"""Domain records -> Salesforce wire records, request helpers shared by the routes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fastapi import Request

from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, SimRuntime
from simulators.crm.exceptions import RESOURCE_MISSING, JsonParserError, NotFound
from simulators.crm.limits import parse_version
from simulators.crm.models import CrmStore
from simulators.crm.records import SObject
from simulators.crm.settings import CrmSettings
from simulators.crm.sobjects import FieldDef, ObjectDef, json_token
from simulators.crm.soql import FieldRef

DATA_BASE = "/services/data"
_SEASONS = ("Summer", "Winter", "Spring")


# -- requests ---------------------------------------------------------------------------------------------------
def runtime_of(request: Request) -> SimRuntime[CrmStore, CrmSettings]:
    """The simulator runtime behind a request."""
    runtime: SimRuntime[CrmStore, CrmSettings] = request.app.state.sim
    return runtime


def tenant_of(request: Request) -> str:
    """The tenant a request addresses."""
    return request.headers.get(TENANT_HEADER, DEFAULT_TENANT)


def store_of(request: Request) -> CrmStore:
    """The tenant's store."""
    return runtime_of(request).tenant(tenant_of(request)).store


def api_version(segment: str) -> int:
    """The major version of a ``vNN.0`` path segment (the request policy has checked the window)."""
    version = parse_version(segment)
    if version is None:
        raise NotFound(RESOURCE_MISSING)
    return version


async def json_object(request: Request, type_name: str) -> dict[str, Any]:
    """The request body as a JSON object (floats as ``Decimal``), or ``JSON_PARSER_ERROR``."""
    raw = await request.body()
    if not raw.strip():
        raise JsonParserError("The HTTP entity body is required, but this request has no entity body.")
    try:
        doc = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        char = exc.doc[exc.pos] if exc.pos < len(exc.doc) else "EOF"
        raise JsonParserError(
            f"Unexpected character ('{char}' (code {ord(char[0])})): expected a valid value (number, String, array, "
            f"object, 'true', 'false' or 'null') at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None
    except UnicodeDecodeError:
        raise JsonParserError("Invalid UTF-8 in the request body") from None
    if not isinstance(doc, dict):
        raise JsonParserError(
            f"Cannot deserialize instance of {type_name} from {json_token(doc)} value or request may be missing a "
            "required field at [line:1, column:1]"
        )
    return doc


# -- values and records -----------------------------------------------------------------------------------------
def sf_datetime(value: datetime) -> str:
    """Salesforce's dateTime format: ``2026-10-30T09:00:00.000+0000``."""
    utc = value.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"


def wire(value: Any) -> Any:
    """A stored value as JSON: money and percentages as numbers, dates as Salesforce writes them."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return sf_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def version_base(version: int) -> str:
    """``/services/data/vNN.0``."""
    return f"{DATA_BASE}/v{version}.0"


def sobject_url(version: int, type_name: str, record_id: str) -> str:
    """The relative URL of a record, as in ``attributes.url``."""
    return f"{version_base(version)}/sobjects/{type_name}/{record_id}"


def attributes(version: int, record: SObject) -> dict[str, str]:
    """A record's ``attributes``."""
    return {"type": record.type, "url": sobject_url(version, record.type, record.id)}


def record_out(
    version: int, obj: ObjectDef, record: SObject, fields: Iterable[FieldDef] | None = None
) -> dict[str, Any]:
    """A record as ``GET .../sobjects/{Type}/{Id}`` returns it: ``attributes`` then the fields."""
    out: dict[str, Any] = {"attributes": attributes(version, record)}
    for f in fields if fields is not None else obj.fields:
        out[f.name] = wire(record.values.get(f.name))
    return out


def query_row(version: int, store: CrmStore, record: SObject, select: Sequence[FieldRef]) -> dict[str, Any]:
    """A SOQL result row: the selected fields, parent fields nested under the relationship name."""
    out: dict[str, Any] = {"attributes": attributes(version, record)}
    for ref in select:
        if ref.lookup is None:
            out[ref.field.name] = wire(record.values.get(ref.field.name))
            continue
        name = ref.path[0]
        parent = store.parent(record, ref)
        if parent is None:
            out[name] = None
            continue
        nested = out.get(name) or {"attributes": attributes(version, parent)}
        nested[ref.field.name] = wire(parent.values.get(ref.field.name))
        out[name] = nested
    return out


# -- metadata ---------------------------------------------------------------------------------------------------
def release_label(version: int) -> str:
    """The release an API version shipped in: three a year, v64.0 = Summer '25, v67.0 = Summer '26."""
    step = version - 64
    season = _SEASONS[step % 3]
    year = 25 + (step - step % 3) // 3 + (0 if season == "Summer" else 1)
    return f"{season} '{year:02d}"


def object_describe(version: int, obj: ObjectDef) -> dict[str, Any]:
    """The ``objectDescribe`` / global-describe entry of an sObject type."""
    base = f"{version_base(version)}/sobjects/{obj.name}"
    flags = ("createable", "deletable", "queryable", "retrieveable", "searchable", "undeletable", "updateable")
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "keyPrefix": obj.key_prefix,
        "custom": False,
        **dict.fromkeys(flags, True),
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
        "createable": f.writable,
        "updateable": f.writable,
        "custom": f.name.endswith("__c"),
        "externalId": f.external_id,
        "unique": f.unique,
        "idLookup": f.name == "Id" or f.external_id,
        "referenceTo": [f.reference_to] if f.reference_to else [],
        "relationshipName": f.relationship,
        "restrictedPicklist": f.restricted,
        "picklistValues": [
            {"active": True, "defaultValue": False, "label": v, "validFor": None, "value": v} for v in f.picklist
        ],
    }
