"""``/services/data/vNN.0/sobjects``: describe, create, read, update, delete, and external-id upsert."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from simulators._core.hot import hot_route
from simulators._core.responses import json_response
from simulators.crm.routes import operations as ops
from simulators.crm.routes.describe import full_describe, global_describe, object_describe
from simulators.crm.routes.render import (
    call_of,
    expect_object,
    parse_json,
    record_out,
    runtime_of,
    store_of,
    writing,
)
from simulators.crm.schemas import ERRORS, SaveResult

router = APIRouter(prefix="/services/data/{version}/sobjects", responses=ERRORS, tags=["sObjects"])

SObjectName = Annotated[
    str, Path(description="sObject type: Account, Contact, Opportunity, OpportunityLineItem, Task, User, Project__c...")
]
RecordId = Annotated[str, Path(description="15- or 18-character record id.")]
MULTIPLE: dict[int | str, dict[str, Any]] = {
    300: {"description": "Several records match the external id: a JSON array of their URLs."}
}


@router.get("", operation_id="describeGlobal")
async def describe_global(request: Request, version: str) -> Response:
    """List the sObject types (global describe)."""
    call = call_of(request, version)
    return json_response(global_describe(call.version, store_of(request).schema))


@router.get("/{sobject}", operation_id="describeSObjectBasic")
async def describe_basic(request: Request, version: str, sobject: SObjectName) -> Response:
    """Basic information about an sObject type and its most recently modified records."""
    call = call_of(request, version)
    store = store_of(request)
    obj = store.describe(sobject)
    live = [r for r in store.table(obj.name).values() if not r.deleted]
    live.sort(key=lambda r: r.values.get("LastModifiedDate") or r.values["CreatedDate"], reverse=True)
    shown = [f for f in (obj.field("Id"), obj.field("Name")) if f is not None]
    recent = [record_out(call.version, obj, r, shown) for r in live[:5]]
    return json_response({"objectDescribe": object_describe(call.version, obj), "recentItems": recent})


@router.post("/{sobject}", status_code=201, response_model=SaveResult, operation_id="createRecord")
async def create_record(request: Request, version: str, sobject: SObjectName) -> Response:
    """Create a record. A retried POST creates a second record: only upserts are idempotent."""
    runtime = runtime_of(request)
    call = call_of(request, version, runtime)
    store = store_of(request, runtime)
    obj = store.describe(sobject)
    body = parse_json(await request.body())
    with writing(store, call):
        record = store.create(obj.name, expect_object(body, obj.name))
    return json_response(ops.save_result(record.id, True), status_code=201)  # as ops.create answers


@router.get("/{sobject}/describe", operation_id="describeSObject")
async def describe(request: Request, version: str, sobject: SObjectName) -> Response:
    """Full metadata of an sObject type, with its fields and child relationships."""
    call = call_of(request, version)
    store = store_of(request)
    return json_response(full_describe(call.version, store.schema, store.describe(sobject)))


@router.get("/{sobject}/{record_id}", operation_id="getRecord")
async def get_record(
    request: Request,
    version: str,
    sobject: SObjectName,
    record_id: RecordId,
    fields: Annotated[str | None, Query(description="Comma-separated field names to return.")] = None,
) -> Response:
    """Read a record by id."""
    runtime = runtime_of(request)
    call = call_of(request, version, runtime)
    return ops.respond(ops.read(store_of(request, runtime), call, sobject, record_id, fields))


@router.patch("/{sobject}/{record_id}", status_code=204, operation_id="updateRecord")
async def update_record(request: Request, version: str, sobject: SObjectName, record_id: RecordId) -> Response:
    """Update some fields of a record."""
    call = call_of(request, version)
    store = store_of(request)
    store.describe(sobject)
    body = parse_json(await request.body())
    with writing(store, call):
        return ops.respond(ops.update(store, call, sobject, record_id, body))


@router.delete("/{sobject}/{record_id}", status_code=204, operation_id="deleteRecord")
async def delete_record(request: Request, version: str, sobject: SObjectName, record_id: RecordId) -> Response:
    """Delete a record (to the recycle bin, with the records that cascade from it)."""
    call = call_of(request, version)
    store = store_of(request)
    with writing(store, call):
        return ops.respond(ops.delete(store, call, sobject, record_id))


@router.get("/{sobject}/{field}/{value:path}", responses=MULTIPLE, operation_id="getRecordByExternalId")
async def get_by_external_id(request: Request, version: str, sobject: SObjectName, field: str, value: str) -> Response:
    """Read a record by an external-id field."""
    call = call_of(request, version)
    return ops.respond(ops.read_external(store_of(request), call, sobject, field, value))


@router.patch(
    "/{sobject}/{field}/{value:path}",
    responses={
        201: {"model": SaveResult, "description": "Created."},
        200: {"model": SaveResult, "description": "Updated (API v46.0 and later)."},
        204: {"description": "Updated (before API v46.0)."},
        **MULTIPLE,
    },
    operation_id="upsertRecord",
)
async def upsert_record(request: Request, version: str, sobject: SObjectName, field: str, value: str) -> Response:
    """Upsert by external id: no match creates (201), one match updates (200), several answer 300."""
    call = call_of(request, version)
    store = store_of(request)
    store.external_field(store.describe(sobject), field)
    body = parse_json(await request.body())
    with writing(store, call):
        return ops.respond(ops.upsert(store, call, sobject, field, value, body))


@router.delete(
    "/{sobject}/{field}/{value:path}", status_code=204, responses=MULTIPLE, operation_id="deleteByExternalId"
)
async def delete_by_external_id(
    request: Request, version: str, sobject: SObjectName, field: str, value: str
) -> Response:
    """Delete a record found by an external-id field."""
    call = call_of(request, version)
    store = store_of(request)
    with writing(store, call):
        return ops.respond(ops.delete_external(store, call, sobject, field, value))


async def _hot_create(request: Request, params: dict[str, str]) -> Response | None:
    return await create_record(request, params["version"], params["sobject"])


async def _hot_read(request: Request, params: dict[str, str]) -> Response | None:
    if request.scope["query_string"]:
        return None  # ?fields=...: the FastAPI route
    return await get_record(request, params["version"], params["sobject"], params["record_id"])


_SOBJECT = r"/services/data/(?P<version>[^/]+)/sobjects/(?P<sobject>[A-Za-z][A-Za-z0-9_]*)"
HOT = [
    hot_route("POST", _SOBJECT, _hot_create),
    hot_route("GET", _SOBJECT + r"/(?P<record_id>[A-Za-z0-9]{15}|[A-Za-z0-9]{18})", _hot_read),
]
"""Create and read by id, answered without FastAPI's routing (``_core.hot``): the same handlers."""
