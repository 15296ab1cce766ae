"""``GET /services/data/vNN.0/p2c/changeEvents``: the change-event replay feed (a simulator resource).

Salesforce delivers change events over the Streaming API (CometD) and the Pub/Sub API (gRPC); neither
suits a plain HTTP client, so the simulator serves the same messages from a replay endpoint under the
``p2c`` segment: ``channel`` is ``/data/ChangeEvents`` or ``/data/<Entity>ChangeEvent``, ``replayId`` is
where to resume (-2: every retained event, -1: none, only the latest replay id). Authenticated like the
REST API, but not counted against the daily allocation (streaming has its own allocations).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from simulators._core.responses import json_response
from simulators.crm.changes import ALL_CHANNEL, REPLAY_ALL
from simulators.crm.routes.render import call_of, store_of
from simulators.crm.schemas import ERRORS, ChangeEventFeed

router = APIRouter(prefix="/services/data/{version}/p2c", responses=ERRORS, tags=["Change events (simulator)"])
MAX_BATCH = 1000


@router.get("/changeEvents", response_model=ChangeEventFeed, operation_id="replayChangeEvents")
async def change_events(
    request: Request,
    version: str,
    channel: Annotated[str, Query(description="/data/ChangeEvents or /data/<Entity>ChangeEvent.")] = ALL_CHANNEL,
    replay_id: Annotated[
        int, Query(alias="replayId", ge=-2, description="Resume after this replay id; -2 all retained, -1 none.")
    ] = REPLAY_ALL,
    batch_size: Annotated[int, Query(alias="batchSize", ge=1, le=MAX_BATCH, description="Events per page.")] = 100,
) -> Response:
    """Change events delivered after ``replayId`` on ``channel``, oldest first, within the retention window."""
    call_of(request, version)
    store = store_of(request)
    page = store.cdc.replay(channel, replay_id, batch_size, store.schema)
    body = {"channel": page.channel, "latestReplayId": page.latest_replay_id, "done": page.done, "events": page.events}
    return json_response(body)
