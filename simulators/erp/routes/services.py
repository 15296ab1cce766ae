"""The query and async services: ``POST /services/rest/query/v1/suiteql`` and ``/services/rest/async/v1/job``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from simulators._core.responses import json_response
from simulators.erp.exceptions import InvalidParameter, NonexistentId, UserError
from simulators.erp.models import AsyncJob
from simulators.erp.models.jobs import ASYNC_BASE
from simulators.erp.routes.common import ERRORS, Limit, Offset, Prefer, store_of
from simulators.erp.routes.render import base_url
from simulators.erp.schemas.common import ErrorBody, Link, ListItem, RecordList
from simulators.erp.schemas.services import AsyncJobOut, AsyncTaskOut, LinksOnly, SuiteQLIn, SuiteQLResult

router = APIRouter(responses=ERRORS)
SUITEQL = "/services/rest/query/v1/suiteql"
JobId = Annotated[str, Path(pattern=r"^[0-9]{1,10}$")]
TaskId = Annotated[str, Path(pattern=r"^[0-9]{1,10}$")]


@router.post(SUITEQL, response_model=SuiteQLResult, operation_id="runSuiteQL")
async def run_suiteql(
    request: Request, body: SuiteQLIn, limit: Limit = 1000, offset: Offset = 0, prefer: Prefer = None
) -> SuiteQLResult:
    """Run a SuiteQL SELECT; pages of at most 1000 rows; rows past the 100,000th are unreachable."""
    store = store_of(request)
    if store.ctx.settings().suiteql_require_transient and "transient" not in (prefer or "").lower():
        raise InvalidParameter('SuiteQL requests need the header "Prefer: transient".')
    result = store.suiteql(body.q, limit, offset)
    href = f"{base_url(request)}{SUITEQL}"
    links = [Link(rel="self", href=f"{href}?limit={limit}&offset={offset}")]
    if result.has_more:
        links.append(Link(rel="next", href=f"{href}?limit={limit}&offset={offset + limit}"))
    if offset > 0:
        links.append(Link(rel="previous", href=f"{href}?limit={limit}&offset={max(0, offset - limit)}"))
    items: list[dict[str, Any]] = [{"links": [], **row} for row in result.items]
    return SuiteQLResult(
        links=links,
        count=len(items),
        hasMore=result.has_more,
        items=items,
        offset=offset,
        totalResults=result.total,
    )


def _job(request: Request, job_id: str) -> AsyncJob:
    store = store_of(request)
    store.tick()
    job: AsyncJob | None = store.records["asyncJob"].get(int(job_id))
    if job is None:
        raise NonexistentId(f"The async job {job_id} does not exist.")
    return job


def _task(request: Request, job_id: str, task_id: str) -> AsyncJob:
    job = _job(request, job_id)
    if task_id != "1":
        raise NonexistentId(f"The task {task_id} of async job {job_id} does not exist.")
    return job


@router.get(f"{ASYNC_BASE}/{{job_id}}", response_model=AsyncJobOut, operation_id="getAsyncJob")
async def get_job(request: Request, job_id: JobId) -> AsyncJobOut:
    """An async job: ``pending`` until it has run, then ``succeeded`` or ``failed``."""
    job = _job(request, job_id)
    href = f"{base_url(request)}{ASYNC_BASE}/{job.id}"
    return AsyncJobOut(
        links=[Link(rel="self", href=href)],
        completed=job.progress != "pending",
        id=str(job.id),
        progress=job.progress,
        task=LinksOnly(links=[Link(rel="self", href=f"{href}/task")]),
    )


@router.get(f"{ASYNC_BASE}/{{job_id}}/task", response_model=RecordList, operation_id="listAsyncJobTasks")
async def list_tasks(request: Request, job_id: JobId) -> RecordList:
    """The job's tasks (one per request)."""
    job = _job(request, job_id)
    href = f"{base_url(request)}{ASYNC_BASE}/{job.id}/task"
    item = ListItem(links=[Link(rel="self", href=f"{href}/1")], id="1")
    return RecordList(
        links=[Link(rel="self", href=href)], count=1, hasMore=False, items=[item], offset=0, totalResults=1
    )


@router.get(f"{ASYNC_BASE}/{{job_id}}/task/{{task_id}}", response_model=AsyncTaskOut, operation_id="getAsyncJobTask")
async def get_task(request: Request, job_id: JobId, task_id: TaskId) -> AsyncTaskOut:
    """A task: its progress, start and end (simulated time), and a link to its result."""
    job = _task(request, job_id, task_id)
    href = f"{base_url(request)}{ASYNC_BASE}/{job.id}/task/1"
    return AsyncTaskOut(
        links=[Link(rel="related", href=f"{href}/result"), Link(rel="self", href=href)],
        completed=job.progress != "pending",
        id="1",
        progress=job.progress,
        startTime=job.startTime,
        endTime=job.endTime,
    )


@router.get(
    f"{ASYNC_BASE}/{{job_id}}/task/{{task_id}}/result",
    status_code=204,
    response_class=Response,
    operation_id="getAsyncJobTaskResult",
    responses={
        204: {
            "description": "The request succeeded; the written record's URL is in Location.",
            "headers": {"Location": {"description": "Absolute URL of the record.", "schema": {"type": "string"}}},
        },
        409: {"model": ErrorBody, "description": "The job has not run yet."},
        500: {"model": ErrorBody, "description": "The request failed with a system error."},
    },
)
async def get_result(request: Request, job_id: JobId, task_id: TaskId) -> Response:
    """What the request answered: 204 + Location, or its error envelope with its status."""
    job = _task(request, job_id, task_id)
    if job.progress == "pending":
        raise UserError(f"The async job {job.id} has not completed yet.", status=409)
    if job.progress == "failed":
        return json_response(job.resultBody or {}, status_code=job.resultStatus or 500)
    return Response(status_code=204, headers={"Location": job.resultLocation} if job.resultLocation else None)
