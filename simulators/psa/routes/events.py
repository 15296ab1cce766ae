"""``subscribed_events``: the change feed (up to 9 days back; events may be out of order).

See https://developer.kantata.com/kantata/specification/events/get-subscribed-events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.routes.common import API, ERRORS, Include, Paging, names, ok, route, store
from simulators.psa.routes.envelope import envelope
from simulators.psa.schemas.envelopes import SubscribedEventsEnvelope

router = APIRouter(prefix=API, responses=ERRORS)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@route(router, "GET", "/subscribed_events", responses=ok(SubscribedEventsEnvelope), operation_id="listSubscribedEvents")
async def list_subscribed_events(
    request: Request,
    query: Paging,
    event_types: Annotated[str | None, Query(description="Comma-separated, e.g. time_entry:created.")] = None,
    created_after: Annotated[datetime | None, Query(description="ISO 8601; strictly after.")] = None,
    created_before: Annotated[datetime | None, Query(description="ISO 8601; strictly before.")] = None,
    include: Include = None,
) -> Response:
    """Events of the account in delivery order, which may differ from the order they happened in.

    Each carries ``current_payload``, ``previous_payload`` and ``payload_changes``; ``include=subject``
    side-loads the record it is about (when it still exists) and sets ``subject_ref``.
    """
    s = store(request)
    page = s.list_events(
        query,
        event_types=set(names(event_types)),
        created_after=_aware(created_after),
        created_before=_aware(created_before),
    )
    return envelope(s, "subscribed_events", page.items, total=page.total, query=page.query, include=names(include))
