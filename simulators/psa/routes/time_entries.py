"""``time_entries``: create (single or bulk up to 100, no idempotency), list, read, update, delete."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError as PydanticValidationError

from simulators._core.hot import hot_route, json_object
from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER
from simulators.psa.exceptions import ValidationError
from simulators.psa.models import PsaStore, TimeEntryInput
from simulators.psa.records import ListQuery
from simulators.psa.routes.common import (
    API,
    ERRORS,
    Listing,
    ListParams,
    References,
    Showing,
    domain_fields,
    ok,
    reference_of,
    route,
    runtime,
    store,
)
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import TimeEntriesEnvelope
from simulators.psa.schemas.inputs import TimeEntryCreateBody, TimeEntryIn, TimeEntryUpdateBody

router = APIRouter(prefix=API, responses=ERRORS)
KEY = "time_entries"
NULLABLE = frozenset({"notes", "story_id"})


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
        external_reference=reference_of(body),
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


@route(router, "POST", "/time_entries", responses=ok(TimeEntriesEnvelope), operation_id="createTimeEntries")
async def create_time_entries(request: Request, body: TimeEntryCreateBody, params: Showing) -> Response:
    """Create one time entry (``time_entry``) or up to 100 (``time_entries``), all or none.

    The user must be a participant of the workspace, the day within the participation's dates, and the
    workspace not on hold. There is no idempotency key: a retried POST creates duplicates, as in Kantata.
    """
    return _create(store(request), body, params)


def _create(s: PsaStore, body: TimeEntryCreateBody, params: ListParams) -> Response:
    if body.time_entry is not None and body.time_entries is not None:
        raise ValidationError("Send either time_entry or time_entries, not both", field="time_entries")
    items = [body.time_entry] if body.time_entry is not None else body.time_entries
    if items is None:
        raise ValidationError("Time entry can't be blank", field="time_entry")
    return shown(s, KEY, s.create_time_entries([_input(item) for item in items]), params)


@route(router, "GET", "/time_entries", responses=ok(TimeEntriesEnvelope), operation_id="listTimeEntries")
async def list_time_entries(
    request: Request,
    params: Listing,
    refs: References,
    workspace_id: Annotated[int | None, Query(ge=1)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    story_id: Annotated[int | None, Query(ge=1)] = None,
    approved: Annotated[bool | None, Query(description="Only approved (true) or unapproved (false).")] = None,
    billable: Annotated[bool | None, Query()] = None,
    is_invoiced: Annotated[bool | None, Query(description="Only entries on (true) or off (false) an invoice.")] = None,
    date_performed_between: Annotated[str | None, Query(description="YYYY-MM-DD:YYYY-MM-DD, inclusive.")] = None,
) -> Response:
    """List time entries; ``approved=true&billable=true&is_invoiced=false`` are the billing-eligible ones."""
    s = store(request)
    page = s.list_time_entries(
        params.query,
        workspace_id=workspace_id,
        user_id=user_id,
        story_id=story_id,
        approved=approved,
        billable=billable,
        is_invoiced=is_invoiced,
        performed_between=_between(date_performed_between),
        references=refs,
    )
    return listed(s, KEY, page, params)


@route(router, "GET", "/time_entries/{entry_id}", responses=ok(TimeEntriesEnvelope), operation_id="getTimeEntry")
async def get_time_entry(request: Request, entry_id: str, params: Showing) -> Response:
    """Read one time entry."""
    s = store(request)
    return shown(s, KEY, [s.get(KEY, entry_id)], params)


@route(router, "PUT", "/time_entries/{entry_id}", responses=ok(TimeEntriesEnvelope), operation_id="updateTimeEntry")
async def update_time_entry(request: Request, entry_id: str, body: TimeEntryUpdateBody, params: Showing) -> Response:
    """Change a time entry; refused once it is submitted or approved ("locked")."""
    changes: dict[str, Any] = domain_fields(body.time_entry, sent_only=True, nullable=NULLABLE)
    s = store(request)
    return shown(s, KEY, [s.update_time_entry(entry_id, changes)], params)


@route(router, "DELETE", "/time_entries/{entry_id}", status_code=204, operation_id="deleteTimeEntry")
async def delete_time_entry(request: Request, entry_id: str) -> Response:
    """Delete a time entry (hard delete); refused once it is submitted or approved."""
    store(request).delete_time_entry(entry_id)
    return Response(status_code=204)


_PLAIN = ListParams(ListQuery(), (), ())
"""What ``show_params`` gives a request without ``include`` or ``optional_fields``."""
_CONTENT_TYPE, _TENANT = b"content-type", TENANT_HEADER.encode("latin-1")


def _sent(request: Request) -> tuple[str, str]:
    """The request's content type and tenant (the first of each header, as ``request.headers`` reads them)."""
    content_type, tenant = "", DEFAULT_TENANT
    seen_type = seen_tenant = False
    raw: list[tuple[bytes, bytes]] = request.scope["headers"]
    for name, value in raw:
        if name == _CONTENT_TYPE and not seen_type:
            content_type, seen_type = value.decode("latin-1"), True
        elif name == _TENANT and not seen_tenant:
            tenant, seen_tenant = value.decode("latin-1"), True
    return content_type, tenant


async def _hot_create(request: Request, params: dict[str, str]) -> Response | None:
    if request.scope["query_string"]:
        return None  # include/optional_fields: the FastAPI route
    content_type, tenant = _sent(request)
    if not content_type.startswith("application/json"):
        return None  # other content types: the FastAPI route
    doc = json_object(await request.body())
    if doc is None:
        return None
    try:
        body = TimeEntryCreateBody.model_validate(doc)
    except PydanticValidationError:
        return None  # the FastAPI route renders Kantata's error
    return _create(runtime(request).tenant(tenant).store, body, _PLAIN)


async def _hot_read(request: Request, params: dict[str, str]) -> Response | None:
    if request.scope["query_string"]:
        return None
    s = runtime(request).tenant(_sent(request)[1]).store
    return shown(s, KEY, [s.get(KEY, params["entry_id"])], _PLAIN)  # as get_time_entry answers


HOT = [
    hot_route("POST", re.escape(f"{API}/{KEY}.json"), _hot_create),
    hot_route("GET", re.escape(f"{API}/{KEY}/") + r"(?P<entry_id>[0-9]{1,18})\.json", _hot_read),
]
"""Create and read of time entries without FastAPI's routing (``_core.hot``): the routes' store calls and envelope."""
