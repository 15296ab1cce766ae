"""``timesheet_submissions``: submit, list, read, and the approve / reject / cancel resolutions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.models import PsaStore
from simulators.psa.records import TimesheetSubmission
from simulators.psa.routes.common import API, ERRORS, Include, Listing, includes, route, store
from simulators.psa.routes.render import envelope
from simulators.psa.schemas import TimesheetSubmissionCreateBody, TimesheetSubmissionsEnvelope

router = APIRouter(prefix=API, responses=ERRORS)
OK: dict[int | str, dict[str, Any]] = {200: {"model": TimesheetSubmissionsEnvelope, "description": "The envelope."}}
KEY = "timesheet_submissions"


@route(router, "POST", "/timesheet_submissions", responses=OK, operation_id="createTimesheetSubmission")
async def create_submission(request: Request, body: TimesheetSubmissionCreateBody) -> Response:
    """Submit a user's time entries for approval."""
    s = store(request)
    data = body.timesheet_submission
    return envelope(s, KEY, [s.submit_timesheet(data.user_id, data.time_entry_ids, data.comment)])


@route(router, "GET", "/timesheet_submissions", responses=OK, operation_id="listTimesheetSubmissions")
async def list_submissions(
    request: Request,
    params: Listing,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    status: Annotated[Literal["pending", "approved", "rejected", "canceled"] | None, Query()] = None,
) -> Response:
    """List timesheet submissions."""
    s = store(request)
    page = s.list_submissions(params.query, user_id=user_id, status=status)
    return envelope(s, KEY, page.items, total=page.total, query=page.query, include=params.include)


@route(router, "GET", "/timesheet_submissions/{submission_id}", responses=OK, operation_id="getTimesheetSubmission")
async def get_submission(request: Request, submission_id: str, include: Include = None) -> Response:
    """Read one timesheet submission."""
    s = store(request)
    return envelope(s, KEY, [s.get(KEY, submission_id)], include=includes(include))


Resolve = Callable[[PsaStore, str], TimesheetSubmission]


def _resolution(resolve: Resolve, doc: str) -> Callable[..., Awaitable[Response]]:
    """A PUT handler that applies ``resolve`` to the submission and answers with its envelope."""

    async def handler(request: Request, submission_id: str, include: Include = None) -> Response:
        s = store(request)
        return envelope(s, KEY, [resolve(s, submission_id)], include=includes(include))

    handler.__doc__ = doc
    return handler


RESOLUTIONS: list[tuple[str, str, Resolve, str]] = [
    (
        "approve",
        "approveTimesheetSubmission",
        PsaStore.approve_submission,
        "Approve a pending submission: its time entries become approved and locked.",
    ),
    (
        "reject",
        "rejectTimesheetSubmission",
        PsaStore.reject_submission,
        "Reject a pending submission: its time entries are reopened for editing and resubmission.",
    ),
    (
        "cancel",
        "cancelTimesheetSubmission",
        PsaStore.cancel_submission,
        "Cancel a pending submission: its time entries are reopened.",
    ),
]
for _verb, _operation, _resolve, _doc in RESOLUTIONS:
    route(
        router,
        "PUT",
        f"/timesheet_submissions/{{submission_id}}/{_verb}",
        responses=OK,
        operation_id=_operation,
        summary=_doc.split(":")[0],
    )(_resolution(_resolve, _doc))
