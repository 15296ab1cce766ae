"""``/services/data/vNN.0/query`` and ``queryAll``: SOQL, in batches linked by ``nextRecordsUrl``."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from simulators._core.responses import json_response
from simulators.crm.models import QueryPage
from simulators.crm.routes.render import api_version, query_row, store_of, version_base
from simulators.crm.schemas import ERRORS, QueryResult

DEFAULT_BATCH = 2000
MIN_BATCH = 200
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)

router = APIRouter(prefix="/services/data/{version}", responses=ERRORS, tags=["Query"])
Soql = Annotated[str | None, Query(description="The SOQL query.")]
OK: dict[int | str, dict[str, Any]] = {200: {"model": QueryResult, "description": "A batch of records."}}


def _batch_size(request: Request) -> int:
    """``Sforce-Query-Options: batchSize=n`` (200 to 2,000; the default and the maximum is 2,000)."""
    found = _BATCH_OPTION.search(request.headers.get("sforce-query-options", ""))
    if found is None:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(DEFAULT_BATCH, int(found.group(1))))


def _result(request: Request, version: int, endpoint: str, page: QueryPage) -> Response:
    store = store_of(request)
    body: dict[str, object] = {"totalSize": page.total, "done": page.locator is None}
    if page.locator is not None:
        body["nextRecordsUrl"] = f"{version_base(version)}/{endpoint}/{page.locator}"
    body["records"] = [query_row(version, store, r, page.query.select) for r in page.records]
    return json_response(body)


@router.get("/query", responses=OK, operation_id="query")
async def query(request: Request, version: str, q: Soql = None) -> Response:
    """Run a SOQL query over live records."""
    v = api_version(version)
    page = store_of(request).query(q or "", batch_size=_batch_size(request))
    return _result(request, v, "query", page)


@router.get("/queryAll", responses=OK, operation_id="queryAll")
async def query_all(request: Request, version: str, q: Soql = None) -> Response:
    """Run a SOQL query over live and deleted records."""
    v = api_version(version)
    page = store_of(request).query(q or "", include_deleted=True, batch_size=_batch_size(request))
    return _result(request, v, "queryAll", page)


@router.get("/query/{locator}", responses=OK, operation_id="queryMore")
async def query_more(request: Request, version: str, locator: str) -> Response:
    """The next batch of a query (the ``nextRecordsUrl`` of the previous batch)."""
    v = api_version(version)
    return _result(request, v, "query", store_of(request).query_more(locator))


@router.get("/queryAll/{locator}", responses=OK, operation_id="queryAllMore")
async def query_all_more(request: Request, version: str, locator: str) -> Response:
    """The next batch of a queryAll."""
    v = api_version(version)
    return _result(request, v, "queryAll", store_of(request).query_more(locator))
