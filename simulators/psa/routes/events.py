"""``subscribed_events``: the change feed (up to 9 days back; events may be out of order).

See https://developer.kantata.com/kantata/specification/events/get-subscribed-events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.routes.common import API, ERRORS, Paging, route, store
from simulators.psa.routes.render import envelope
from simulators.psa.schemas import SubscribedEventsEnvelope

router = APIRouter(prefix=API, responses=ERRORS)
OK: dict[int | str, dict[str, Any]] = {200: {"model": SubscribedEventsEnvelope, "description": "The envelope."}}


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@route(router, "GET", "/subscribed_events", responses=OK, operation_id="listSubscribedEvents")
async def list_subscribed_events(
    request: Request,
    query: Paging,
    event_types: Annotated[str | None, Query(description="Comma-separated, e.g. time_entry:created.")] = None,
    created_after: Annotated[datetime | None, Query(description="ISO 8601; strictly after.")] = None,
    created_before: Annotated[datetime | None, Query(description="ISO 8601; strictly before.")] = None,
) -> Response:
    """Events of the account in delivery order, which may differ from the order they happened in."""
    s = store(request)
    types = {t.strip() for t in (event_types or "").split(",") if t.strip()} or None
    page = s.list_events(
        query, event_types=types, created_after=_aware(created_after), created_before=_aware(created_before)
    )
    return envelope(s, "subscribed_events", page.items, total=page.total, query=page.query)
