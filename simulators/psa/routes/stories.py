"""``stories``: tasks, milestones, deliverables and issues (bulk create up to 300; a milestone completes by state)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.exceptions import ValidationError
from simulators.psa.routes.common import API, ERRORS, Listing, Showing, domain_fields, ok, route, store
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import StoriesEnvelope
from simulators.psa.schemas.inputs import StoryCreateBody, StoryStateIn, StoryTypeIn, StoryUpdateBody

router = APIRouter(prefix=API, responses=ERRORS)
IncludeArchived = Annotated[bool, Query(description="Default false: archived stories are hidden (and 404).")]
NULLABLE = frozenset({"parent_id", "start_date", "due_date", "budget_estimate"})


@route(router, "GET", "/stories", responses=ok(StoriesEnvelope), operation_id="listStories")
async def list_stories(
    request: Request,
    params: Listing,
    workspace_id: Annotated[int | None, Query(ge=1)] = None,
    story_type: Annotated[StoryTypeIn | None, Query()] = None,
    state: Annotated[StoryStateIn | None, Query()] = None,
    parent_id: Annotated[int | None, Query(ge=1)] = None,
    include_archived: IncludeArchived = False,
) -> Response:
    """List stories; archived ones are excluded by default."""
    s = store(request)
    page = s.list_stories(
        params.query,
        workspace_id=workspace_id,
        story_type=story_type,
        state=state,
        parent_id=parent_id,
        include_archived=include_archived,
    )
    return listed(s, "stories", page, params)


@route(router, "POST", "/stories", responses=ok(StoriesEnvelope), operation_id="createStories")
async def create_stories(request: Request, body: StoryCreateBody, params: Showing) -> Response:
    """Create one story (``story``) or up to 300 (``stories``), all or none."""
    if body.story is not None and body.stories is not None:
        raise ValidationError("Send either story or stories, not both", field="stories")
    items = [body.story] if body.story is not None else body.stories
    if items is None:
        raise ValidationError("Story can't be blank", field="story")
    s = store(request)
    return shown(s, "stories", s.create_stories([domain_fields(item) for item in items]), params)


@route(router, "GET", "/stories/{story_id}", responses=ok(StoriesEnvelope), operation_id="getStory")
async def get_story(
    request: Request, story_id: str, params: Showing, include_archived: IncludeArchived = False
) -> Response:
    """Read one story; an archived one is a 404 unless ``include_archived=true``."""
    s = store(request)
    return shown(s, "stories", [s.story(story_id, include_archived=include_archived)], params)


@route(router, "PUT", "/stories/{story_id}", responses=ok(StoriesEnvelope), operation_id="updateStory")
async def update_story(request: Request, story_id: str, body: StoryUpdateBody, params: Showing) -> Response:
    """Change a story; ``{"story": {"state": "completed"}}`` completes a milestone."""
    s = store(request)
    changes = domain_fields(body.story, sent_only=True, nullable=NULLABLE)
    return shown(s, "stories", [s.update_story(story_id, changes)], params)


@route(router, "DELETE", "/stories/{story_id}", status_code=204, operation_id="deleteStory")
async def delete_story(request: Request, story_id: str) -> Response:
    """Delete a story without logged time, expenses or sub-stories (hard delete)."""
    store(request).delete_story(story_id)
    return Response(status_code=204)
