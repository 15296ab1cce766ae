"""``/services/data/vNN.0/query`` and ``queryAll``: SOQL, in batches linked by ``nextRecordsUrl``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from simulators.crm.routes import operations as ops
from simulators.crm.routes.render import call_of, store_of
from simulators.crm.schemas import ERRORS, QueryResult

router = APIRouter(prefix="/services/data/{version}", responses=ERRORS, tags=["Query"])
Soql = Annotated[str | None, Query(description="The SOQL query.")]
OK: dict[int | str, dict[str, Any]] = {200: {"model": QueryResult, "description": "A batch of records."}}


@router.get("/query", responses=OK, operation_id="query")
async def query(request: Request, version: str, q: Soql = None) -> Response:
    """Run a SOQL query over live records (``Sforce-Query-Options: batchSize=200..2000``)."""
    call = call_of(request, version)
    batch = ops.batch_size(request.headers, call)
    return ops.respond(ops.query(store_of(request), call, q, include_deleted=False, batch=batch))


@router.get("/queryAll", responses=OK, operation_id="queryAll")
async def query_all(request: Request, version: str, q: Soql = None) -> Response:
    """Run a SOQL query over live and deleted records."""
    call = call_of(request, version)
    batch = ops.batch_size(request.headers, call)
    return ops.respond(ops.query(store_of(request), call, q, include_deleted=True, batch=batch))


@router.get("/query/{locator}", responses=OK, operation_id="queryMore")
async def query_more(request: Request, version: str, locator: str) -> Response:
    """The next batch of a query (the ``nextRecordsUrl`` of the previous batch)."""
    call = call_of(request, version)
    return ops.respond(ops.query_more(store_of(request), call, locator, include_deleted=False))


@router.get("/queryAll/{locator}", responses=OK, operation_id="queryAllMore")
async def query_all_more(request: Request, version: str, locator: str) -> Response:
    """The next batch of a queryAll."""
    call = call_of(request, version)
    return ops.respond(ops.query_more(store_of(request), call, locator, include_deleted=True))
