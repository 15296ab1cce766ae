"""``/services/data/vNN.0/sobjects``: describe, create, read, update, delete, and external-id upsert."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from simulators._core.responses import dumps, json_response
from simulators.crm.exceptions import InvalidField, MultipleMatches
from simulators.crm.routes.render import (
    api_version,
    field_describe,
    json_object,
    object_describe,
    record_out,
    sobject_url,
    store_of,
)
from simulators.crm.schemas import ERRORS, SaveResult
from simulators.crm.sobjects import OBJECTS, FieldDef

UPSERT_UPDATE_BODY_SINCE = 46
"""From this API version an upsert that updates answers 200 with a body; before it, 204 (UNCONFIRMED)."""

router = APIRouter(prefix="/services/data/{version}/sobjects", responses=ERRORS, tags=["sObjects"])

SObjectName = Annotated[str, Path(description="sObject type: Account, Contact or Opportunity.")]
RecordId = Annotated[str, Path(description="15- or 18-character record id.")]
MULTIPLE: dict[int | str, dict[str, Any]] = {
    300: {"description": "Several records match the external id: a JSON array of their URLs."}
}


def _multiple(version: int, exc: MultipleMatches) -> Response:
    urls = [sobject_url(version, exc.record_type, record_id) for record_id in exc.ids]
    return Response(dumps(urls), status_code=300, media_type="application/json")


@router.get("", operation_id="describeGlobal")
async def describe_global(request: Request, version: str) -> Response:
    """List the sObject types (global describe)."""
    v = api_version(version)
    objects = [object_describe(v, obj) for obj in OBJECTS.values()]
    return json_response({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": objects})


@router.get("/{sobject}", operation_id="describeSObjectBasic")
async def describe_basic(request: Request, version: str, sobject: SObjectName) -> Response:
    """Basic information about an sObject type and its most recently modified records."""
    v = api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    live = [r for r in store.records[obj.name].values() if not r.deleted]
    live.sort(key=lambda r: r.values["LastModifiedDate"], reverse=True)
    shown = [f for f in (obj.field("Id"), obj.field("Name")) if f is not None]
    recent = [record_out(v, obj, r, shown) for r in live[:5]]
    return json_response({"objectDescribe": object_describe(v, obj), "recentItems": recent})


@router.post("/{sobject}", status_code=201, response_model=SaveResult, operation_id="createRecord")
async def create_record(request: Request, version: str, sobject: SObjectName) -> SaveResult:
    """Create a record. A retried POST creates a second record: only upserts are idempotent."""
    api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    record = store.create(obj.name, await json_object(request, obj.name))
    return SaveResult(id=record.id, created=True)


@router.get("/{sobject}/describe", operation_id="describeSObject")
async def describe(request: Request, version: str, sobject: SObjectName) -> Response:
    """Full metadata of an sObject type, with its fields."""
    v = api_version(version)
    obj = store_of(request).describe(sobject)
    return json_response({**object_describe(v, obj), "fields": [field_describe(f) for f in obj.fields]})


@router.get("/{sobject}/{record_id}", operation_id="getRecord")
async def get_record(
    request: Request,
    version: str,
    sobject: SObjectName,
    record_id: RecordId,
    fields: Annotated[str | None, Query(description="Comma-separated field names to return.")] = None,
) -> Response:
    """Read a record by id."""
    v = api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    record = store.get(obj.name, record_id)
    selected: list[FieldDef] | None = None
    if fields:
        selected = []
        for name in (n.strip() for n in fields.split(",") if n.strip()):
            found = obj.field(name)
            if found is None:
                raise InvalidField(f"No such column '{name}' on entity '{obj.name}'.", fields=[])
            selected.append(found)
    return json_response(record_out(v, obj, record, selected))


@router.patch("/{sobject}/{record_id}", status_code=204, operation_id="updateRecord")
async def update_record(request: Request, version: str, sobject: SObjectName, record_id: RecordId) -> Response:
    """Update some fields of a record."""
    api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    store.update(obj.name, record_id, await json_object(request, obj.name))
    return Response(status_code=204)


@router.delete("/{sobject}/{record_id}", status_code=204, operation_id="deleteRecord")
async def delete_record(request: Request, version: str, sobject: SObjectName, record_id: RecordId) -> Response:
    """Delete a record (to the recycle bin; an Account takes its Contacts and Opportunities along)."""
    api_version(version)
    store_of(request).delete(sobject, record_id)
    return Response(status_code=204)


@router.get("/{sobject}/{field}/{value:path}", responses=MULTIPLE, operation_id="getRecordByExternalId")
async def get_by_external_id(request: Request, version: str, sobject: SObjectName, field: str, value: str) -> Response:
    """Read a record by an external-id field."""
    v = api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    try:
        record = store.find_one_external(obj.name, field, value)
    except MultipleMatches as exc:
        return _multiple(v, exc)
    return json_response(record_out(v, obj, record))


@router.patch(
    "/{sobject}/{field}/{value:path}",
    responses={201: {"model": SaveResult}, 200: {"model": SaveResult}, **MULTIPLE},
    operation_id="upsertRecord",
)
async def upsert_record(request: Request, version: str, sobject: SObjectName, field: str, value: str) -> Response:
    """Upsert by external id: no match creates (201), one match updates (200), several answer 300."""
    v = api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    store.external_field(obj, field)
    body = await json_object(request, obj.name)
    try:
        record, created = store.upsert(obj.name, field, value, body)
    except MultipleMatches as exc:
        return _multiple(v, exc)
    if not created and v < UPSERT_UPDATE_BODY_SINCE:
        return Response(status_code=204)
    result = SaveResult(id=record.id, created=created)
    return json_response(result.model_dump(), status_code=201 if created else 200)


@router.delete(
    "/{sobject}/{field}/{value:path}", status_code=204, responses=MULTIPLE, operation_id="deleteByExternalId"
)
async def delete_by_external_id(
    request: Request, version: str, sobject: SObjectName, field: str, value: str
) -> Response:
    """Delete a record found by an external-id field."""
    v = api_version(version)
    store = store_of(request)
    obj = store.describe(sobject)
    try:
        record = store.find_one_external(obj.name, field, value)
    except MultipleMatches as exc:
        return _multiple(v, exc)
    store.delete(obj.name, record.id)
    return Response(status_code=204)
