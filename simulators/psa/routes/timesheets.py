"""``timesheet_submissions`` (submit, list, read, approve / reject / cancel) and the bulk resolution objects
``timesheet_approvals``, ``timesheet_rejections`` and ``timesheet_cancellations``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.entities import ResolutionType
from simulators.psa.routes.common import (
    API,
    ERRORS,
    Listing,
    References,
    Showing,
    names,
    ok,
    reference_of,
    route,
    store,
)
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import ResolutionsEnvelope, TimesheetSubmissionsEnvelope
from simulators.psa.schemas.inputs import ResolutionBody, ResolutionNoteBody, TimesheetSubmissionCreateBody

router = APIRouter(prefix=API, responses=ERRORS)
KEY = "timesheet_submissions"
Status = Literal["new", "approved", "rejected", "cancelled"]


@route(
    router,
    "POST",
    "/timesheet_submissions",
    responses=ok(TimesheetSubmissionsEnvelope),
    operation_id="createTimesheetSubmission",
)
async def create_submission(request: Request, body: TimesheetSubmissionCreateBody, params: Showing) -> Response:
    """Submit one user's time entries of one workspace (``line_item_ids``; ``time_entry_ids`` is accepted too)."""
    s = store(request)
    data = body.timesheet_submission
    ids = list(data.line_item_ids or []) + list(data.time_entry_ids or [])
    sub = s.submit_timesheet(
        data.user_id,
        ids,
        data.comment,
        workspace_id=data.workspace_id,
        title=data.title,
        external_reference=reference_of(data),
    )
    return shown(s, KEY, [sub], params)


@route(
    router,
    "GET",
    "/timesheet_submissions",
    responses=ok(TimesheetSubmissionsEnvelope),
    operation_id="listTimesheetSubmissions",
)
async def list_submissions(
    request: Request,
    params: Listing,
    refs: References,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    workspace_id: Annotated[int | None, Query(ge=1)] = None,
    status: Annotated[Status | None, Query(description="One status.")] = None,
    statuses: Annotated[str | None, Query(description="Comma-separated: new, approved, rejected, cancelled.")] = None,
) -> Response:
    """List timesheet submissions (``new`` ones await approval)."""
    s = store(request)
    wanted = set(names(statuses)) | ({status} if status else set())
    page = s.list_submissions(
        params.query, user_id=user_id, workspace_id=workspace_id, statuses=wanted, references=refs
    )
    return listed(s, KEY, page, params)


@route(
    router,
    "GET",
    "/timesheet_submissions/{submission_id}",
    responses=ok(TimesheetSubmissionsEnvelope),
    operation_id="getTimesheetSubmission",
)
async def get_submission(request: Request, submission_id: str, params: Showing) -> Response:
    """Read one timesheet submission."""
    s = store(request)
    return shown(s, KEY, [s.get(KEY, submission_id)], params)


def _single(kind: ResolutionType, doc: str) -> Callable[..., Awaitable[Response]]:
    """A PUT handler that resolves one submission and answers with its envelope."""

    async def handler(
        request: Request, submission_id: str, params: Showing, body: ResolutionNoteBody | None = None
    ) -> Response:
        s = store(request)
        note = body.resolution.description if body is not None and body.resolution is not None else None
        return shown(s, KEY, [s.resolve_submission(submission_id, kind, note)], params)

    handler.__doc__ = doc
    return handler


def _bulk(kind: ResolutionType, doc: str) -> Callable[..., Awaitable[Response]]:
    """A POST handler that resolves many submissions, all or none, and answers with the resolutions."""

    async def handler(request: Request, body: ResolutionBody, params: Showing) -> Response:
        s = store(request)
        data = body.resolution
        return shown(s, "resolutions", s.resolve_many(kind, data.submission_ids, data.description), params)

    handler.__doc__ = doc
    return handler


RESOLUTIONS: list[tuple[ResolutionType, str, str, str, str]] = [
    (
        "approval",
        "approve",
        "Approve",
        "timesheet_approvals",
        "Approve new submissions: their time entries become approved and locked.",
    ),
    (
        "rejection",
        "reject",
        "Reject",
        "timesheet_rejections",
        "Reject new or approved submissions: their time entries are reopened for editing and resubmission.",
    ),
    (
        "cancellation",
        "cancel",
        "Cancel",
        "timesheet_cancellations",
        "Cancel new submissions: their time entries are reopened.",
    ),
]
for _kind, _verb, _name, _bulk_path, _doc in RESOLUTIONS:
    route(
        router,
        "PUT",
        f"/timesheet_submissions/{{submission_id}}/{_verb}",
        responses=ok(TimesheetSubmissionsEnvelope),
        operation_id=f"{_verb}TimesheetSubmission",
        summary=f"{_name} a single timesheet submission",
    )(_single(_kind, _doc.replace("submissions: their", "submission: its")))
    route(
        router,
        "POST",
        f"/{_bulk_path}",
        responses=ok(ResolutionsEnvelope, "One resolution per submission, in the side-loaded envelope."),
        operation_id=f"{_verb}TimesheetSubmissions",
        summary=f"{_name} several timesheet submissions",
    )(_bulk(_kind, _doc + " All or none."))
