"""sObject Collections: ``/composite/sobjects`` create, update, upsert, delete and retrieve of up to 200 records.

A well-formed call answers 200 with one result per record (``{id, success, errors[{statusCode, message,
fields}]}``); with ``allOrNone`` one failure rolls every record back and the others report
``ALL_OR_NONE_OPERATION_ROLLED_BACK``; without it each record saves or fails alone. Records are processed in
request order inside one transaction (reference/vendor-apis.md 1.1, FM-09).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from simulators.crm.exceptions import (
    RESOURCE_MISSING,
    AllOrNoneRolledBack,
    CrmError,
    DuplicateExternalId,
    ExceededIdLimit,
    InvalidCrossReferenceKey,
    InvalidType,
    MalformedId,
    MissingArgument,
    MultipleMatches,
    NotFound,
    record_error,
)
from simulators.crm.ids import normalize_id
from simulators.crm.models import CrmStore
from simulators.crm.routes import operations as ops
from simulators.crm.routes.render import Call, call_of, record_out, store_of, writing
from simulators.crm.schemas import ERRORS, CollectionRequest, CollectionResult

router = APIRouter(prefix="/services/data/{version}/composite/sobjects", responses=ERRORS, tags=["Collections"])
RESULTS: dict[int | str, dict[str, Any]] = {
    200: {"model": list[CollectionResult], "description": "One result per record, in request order."}
}
ROLLED_BACK = "Record rolled back because not all records were valid and the request was using AllOrNone header"
RecordOp = Callable[[], dict[str, Any]]


def _available(call: Call, *, upsert: bool = False) -> None:
    if not call.profile.composite or (upsert and not call.profile.collection_upsert):
        raise NotFound(RESOURCE_MISSING)


def _limit(call: Call, count: int) -> None:
    largest = call.profile.collection_max_records
    if count > largest:
        raise ExceededIdLimit(f"record limit reached. cannot submit more than {largest} records into this call")


def run(
    store: CrmStore, items: list[tuple[str | None, RecordOp]], all_or_none: bool
) -> tuple[list[dict[str, Any]], bool]:
    """Run record operations, each under its own savepoint; returns the results and whether one failed.

    Each operation comes with the id to report when it fails or is rolled back (None for creates).
    """
    results: list[dict[str, Any]] = []
    failed = False
    start = store.mark()
    for known_id, op in items:
        try:
            with store.savepoint():
                results.append(op())
        except CrmError as err:
            failed = True
            results.append({**_id(known_id), "success": False, "errors": [record_error(err)]})
    if failed and all_or_none:
        store.rollback(start)
        rolled_back = [record_error(AllOrNoneRolledBack(ROLLED_BACK))]
        for n, (known_id, _) in enumerate(items):
            if results[n]["success"]:
                results[n] = {**_id(known_id), "success": False, "errors": rolled_back}
    return results, failed


def _id(known: str | None) -> dict[str, Any]:
    return {"id": known} if known is not None else {}


def _type_of(record: dict[str, Any]) -> str:
    attributes = record.get("attributes")
    type_name = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(type_name, str) or not type_name:
        raise InvalidType("sObject type must be specified in the attributes of every record", fields=[])
    return type_name


def _body(record: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "attributes" and k.lower() not in drop}


def _record_id(record: dict[str, Any]) -> str | None:
    value = next((v for k, v in record.items() if k.lower() == "id"), None)
    return value if isinstance(value, str) and value else None


def create_all(store: CrmStore, call: Call, body: CollectionRequest, force: bool = False) -> tuple[ops.Outcome, bool]:
    """``POST /composite/sobjects``."""
    _available(call)
    _limit(call, len(body.records))

    def creator(record: dict[str, Any]) -> RecordOp:
        def op() -> dict[str, Any]:
            saved = store.create(_type_of(record), _body(record))
            return {"id": saved.id, "success": True, "errors": []}

        return op

    results, failed = run(store, [(None, creator(r)) for r in body.records], body.allOrNone or force)
    return ops.Outcome(200, results), failed


def update_all(store: CrmStore, call: Call, body: CollectionRequest, force: bool = False) -> tuple[ops.Outcome, bool]:
    """``PATCH /composite/sobjects`` (every record has its ``id``)."""
    _available(call)
    _limit(call, len(body.records))

    def updater(record: dict[str, Any]) -> RecordOp:
        def op() -> dict[str, Any]:
            record_id = _record_id(record)
            if record_id is None:
                raise MissingArgument("Id not specified in an update call", fields=[])
            saved = store.update(_type_of(record), record_id, _body(record, "id"))
            return {"id": saved.id, "success": True, "errors": []}

        return op

    results, failed = run(store, [(_record_id(r), updater(r)) for r in body.records], body.allOrNone or force)
    return ops.Outcome(200, results), failed


def upsert_all(
    store: CrmStore, call: Call, sobject: str, field: str, body: CollectionRequest, force: bool = False
) -> tuple[ops.Outcome, bool]:
    """``PATCH /composite/sobjects/{Type}/{ExternalIdField}``."""
    _available(call, upsert=True)
    _limit(call, len(body.records))
    obj = store.describe(sobject)
    key = store.external_field(obj, field)

    def upserter(record: dict[str, Any]) -> RecordOp:
        def op() -> dict[str, Any]:
            if _type_of(record).lower() != obj.name.lower():
                raise InvalidType(f"Record type {_type_of(record)} does not match {obj.name}", fields=[])
            value = next((v for k, v in record.items() if k.lower() == key.name.lower()), None)
            if value is None or value == "":
                raise MissingArgument(f"{key.name} not specified", fields=[key.name])
            try:
                saved, created = store.upsert(obj.name, key.name, str(value), _body(record))
            except MultipleMatches as exc:
                raise DuplicateExternalId(f"more than one record found for external id field: {exc.ids}") from None
            return {"id": saved.id, "success": True, "errors": [], "created": created}

        return op

    results, failed = run(store, [(None, upserter(r)) for r in body.records], body.allOrNone or force)
    return ops.Outcome(200, results), failed


def delete_all(store: CrmStore, call: Call, ids: list[str], all_or_none: bool) -> tuple[ops.Outcome, bool]:
    """``DELETE /composite/sobjects?ids=...``."""
    _available(call)
    _limit(call, len(ids))

    def deleter(ref: str) -> RecordOp:
        def op() -> dict[str, Any]:
            record_id = normalize_id(ref)
            if record_id is None:
                raise MalformedId(f"malformed id {ref}", fields=[])
            obj = store.schema.of_id(record_id)
            if obj is None or record_id not in store.table(obj.name):
                raise InvalidCrossReferenceKey("invalid cross reference id", fields=[])
            store.delete(obj.name, record_id)
            return {"id": record_id, "success": True, "errors": []}

        return op

    results, failed = run(store, [(ref, deleter(ref)) for ref in ids], all_or_none)
    return ops.Outcome(200, results), failed


def _ids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@router.post("", responses=RESULTS, operation_id="createCollection")
async def create_records(request: Request, version: str, body: CollectionRequest) -> Response:
    """Create up to 200 records of any types."""
    call = call_of(request, version)
    store = store_of(request)
    with writing(store, call):
        return ops.respond(create_all(store, call, body)[0])


@router.patch("", responses=RESULTS, operation_id="updateCollection")
async def update_records(request: Request, version: str, body: CollectionRequest) -> Response:
    """Update up to 200 records (each with its ``id``)."""
    call = call_of(request, version)
    store = store_of(request)
    with writing(store, call):
        return ops.respond(update_all(store, call, body)[0])


@router.delete("", responses=RESULTS, operation_id="deleteCollection")
async def delete_records(
    request: Request,
    version: str,
    ids: Annotated[str | None, Query(description="Comma-separated record ids (up to 200).")] = None,
    allOrNone: Annotated[bool, Query(description="Roll back every deletion when one fails.")] = False,  # noqa: N803
) -> Response:
    """Delete up to 200 records."""
    call = call_of(request, version)
    store = store_of(request)
    with writing(store, call):
        return ops.respond(delete_all(store, call, _ids(ids), allOrNone)[0])


@router.get(
    "/{sobject}",
    responses={200: {"description": "The records in request order (null where an id matched nothing)."}},
    operation_id="retrieveCollection",
)
async def retrieve_records(
    request: Request,
    version: str,
    sobject: str,
    ids: Annotated[str | None, Query(description="Comma-separated record ids (up to 200).")] = None,
    fields: Annotated[str | None, Query(description="Comma-separated field names (default: all).")] = None,
) -> Response:
    """Read up to 200 records of one type."""
    call = call_of(request, version)
    _available(call)
    store = store_of(request)
    obj = store.describe(sobject)
    wanted = _ids(ids)
    _limit(call, len(wanted))
    selected = ops.selected_fields(store, obj.name, fields)
    out: list[dict[str, Any] | None] = []
    for ref in wanted:
        record_id = normalize_id(ref)
        record = store.table(obj.name).get(record_id or "")
        out.append(record_out(call.version, obj, record, selected) if record and not record.deleted else None)
    return ops.respond(ops.Outcome(200, out))


@router.patch("/{sobject}/{field}", responses=RESULTS, operation_id="upsertCollection")
async def upsert_records(request: Request, version: str, sobject: str, field: str, body: CollectionRequest) -> Response:
    """Upsert up to 200 records of one type by an external-id field (API v46.0 and later)."""
    call = call_of(request, version)
    store = store_of(request)
    with writing(store, call):
        return ops.respond(upsert_all(store, call, sobject, field, body)[0])
