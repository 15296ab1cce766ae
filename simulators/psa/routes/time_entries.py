"""``time_entries``: create (single or bulk, no idempotency), list, read, update, delete."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.exceptions import ValidationError
from simulators.psa.models import TimeEntryInput
from simulators.psa.routes.common import API, ERRORS, Include, Listing, includes, route, store
from simulators.psa.routes.render import envelope
from simulators.psa.schemas import TimeEntriesEnvelope, TimeEntryCreateBody, TimeEntryIn, TimeEntryUpdateBody

router = APIRouter(prefix=API, responses=ERRORS)
OK: dict[int | str, dict[str, Any]] = {200: {"model": TimeEntriesEnvelope, "description": "The envelope."}}


def _input(body: TimeEntryIn) -> TimeEntryInput:
    return TimeEntryInput(
        workspace_id=body.workspace_id,
        user_id=body.user_id,
        date_performed=body.date_performed,
        time_in_minutes=body.time_in_minutes,
        billable=body.billable,
        notes=body.notes,
        rate=None if body.rate_in_cents is None else Decimal(body.rate_in_cents) / 100,
        story_id=body.story_id,
    )


def _between(text: str | None) -> tuple[date, date] | None:
    if text is None:
        return None
    start, sep, end = text.partition(":")
    try:
        if not sep:
            raise ValueError(text)
        return date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise ValidationError(
            "Date performed between must be YYYY-MM-DD:YYYY-MM-DD", field="date_performed_between"
        ) from None


@route(router, "POST", "/time_entries", responses=OK, operation_id="createTimeEntries")
async def create_time_entries(request: Request, body: TimeEntryCreateBody) -> Response:
    """Create one time entry (``time_entry``) or up to 100 (``time_entries``).

    There is no idempotency key: a retried POST creates duplicates, as in Kantata.
    """
    if body.time_entry is not None and body.time_entries is not None:
        raise ValidationError("Send either time_entry or time_entries, not both", field="time_entries")
    items = [body.time_entry] if body.time_entry is not None else body.time_entries
    if items is None:
        raise ValidationError("Time entry can't be blank", field="time_entry")
    s = store(request)
    return envelope(s, "time_entries", s.create_time_entries([_input(item) for item in items]))


@route(router, "GET", "/time_entries", responses=OK, operation_id="listTimeEntries")
async def list_time_entries(
    request: Request,
    params: Listing,
    workspace_id: Annotated[int | None, Query(ge=1)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    approved: Annotated[bool | None, Query(description="Only approved (true) or unapproved (false).")] = None,
    date_performed_between: Annotated[str | None, Query(description="YYYY-MM-DD:YYYY-MM-DD, inclusive.")] = None,
) -> Response:
    """List time entries."""
    s = store(request)
    page = s.list_time_entries(
        params.query,
        workspace_id=workspace_id,
        user_id=user_id,
        approved=approved,
        performed_between=_between(date_performed_between),
    )
    return envelope(s, "time_entries", page.items, total=page.total, query=page.query, include=params.include)


@route(router, "GET", "/time_entries/{entry_id}", responses=OK, operation_id="getTimeEntry")
async def get_time_entry(request: Request, entry_id: str, include: Include = None) -> Response:
    """Read one time entry."""
    s = store(request)
    return envelope(s, "time_entries", [s.get("time_entries", entry_id)], include=includes(include))


@route(router, "PUT", "/time_entries/{entry_id}", responses=OK, operation_id="updateTimeEntry")
async def update_time_entry(request: Request, entry_id: str, body: TimeEntryUpdateBody) -> Response:
    """Change a time entry; refused once it is approved."""
    sent = body.time_entry.model_dump(include=body.time_entry.model_fields_set)
    changes: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "rate_in_cents":
            if value is not None:
                changes["rate"] = Decimal(value) / 100
        elif value is not None or name in ("notes", "story_id"):
            changes[name] = value
    s = store(request)
    return envelope(s, "time_entries", [s.update_time_entry(entry_id, changes)])


@route(router, "DELETE", "/time_entries/{entry_id}", status_code=204, operation_id="deleteTimeEntry")
async def delete_time_entry(request: Request, entry_id: str) -> Response:
    """Delete a time entry (hard delete); refused once it is approved."""
    store(request).delete_time_entry(entry_id)
    return Response(status_code=204)
