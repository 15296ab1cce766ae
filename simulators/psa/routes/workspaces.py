"""``workspaces`` (projects: client, billing model, budget, status and finance's hold) and ``participations``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.routes.common import (
    API,
    ERRORS,
    Listing,
    References,
    Showing,
    domain_fields,
    ok,
    route,
    store,
)
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import ParticipationsEnvelope, WorkspacesEnvelope
from simulators.psa.schemas.inputs import (
    ParticipationBody,
    ParticipationPatchBody,
    WorkspaceBody,
    WorkspaceStatusKey,
)

router = APIRouter(prefix=API, responses=ERRORS)
OptionalId = Annotated[int | None, Query(ge=1)]
IncludeArchived = Annotated[bool, Query(description="Default false: archived workspaces are hidden (and 404).")]
WORKSPACE_NULLABLE = frozenset({"due_date", "start_date", "rate_card_id"})
PARTICIPATION_NULLABLE = frozenset({"rate", "start_date", "end_date", "role_id"})


@route(router, "GET", "/workspaces", responses=ok(WorkspacesEnvelope), operation_id="listWorkspaces")
async def list_workspaces(
    request: Request,
    params: Listing,
    refs: References,
    include_archived: IncludeArchived = False,
    status: Annotated[WorkspaceStatusKey | None, Query(description="Only workspaces in this status.")] = None,
    client_ref: Annotated[str | None, Query(max_length=255)] = None,
) -> Response:
    """List workspaces (projects); archived ones are excluded by default."""
    s = store(request)
    page = s.list_workspaces(
        params.query, include_archived=include_archived, status=status, client_ref=client_ref, references=refs
    )
    return listed(s, "workspaces", page, params)


@route(router, "POST", "/workspaces", responses=ok(WorkspacesEnvelope), operation_id="createWorkspace")
async def create_workspace(request: Request, body: WorkspaceBody, params: Showing) -> Response:
    """Create a workspace (project); ``title`` is required."""
    s = store(request)
    return shown(s, "workspaces", [s.create_workspace(domain_fields(body.workspace))], params)


@route(router, "GET", "/workspaces/{workspace_id}", responses=ok(WorkspacesEnvelope), operation_id="getWorkspace")
async def get_workspace(
    request: Request, workspace_id: str, params: Showing, include_archived: IncludeArchived = False
) -> Response:
    """Read one workspace; an archived one is a 404 unless ``include_archived=true`` (the default filter)."""
    s = store(request)
    return shown(s, "workspaces", [s.workspace(workspace_id, include_archived=include_archived)], params)


@route(router, "PUT", "/workspaces/{workspace_id}", responses=ok(WorkspacesEnvelope), operation_id="updateWorkspace")
async def update_workspace(request: Request, workspace_id: str, body: WorkspaceBody, params: Showing) -> Response:
    """Change a workspace: ``status_key: on_hold`` is finance's hold (new time is then refused, if configured)."""
    s = store(request)
    changes = domain_fields(body.workspace, sent_only=True, nullable=WORKSPACE_NULLABLE)
    return shown(s, "workspaces", [s.update_workspace(workspace_id, changes)], params)


@route(router, "GET", "/participations", responses=ok(ParticipationsEnvelope), operation_id="listParticipations")
async def list_participations(
    request: Request,
    params: Listing,
    workspace_id: Annotated[int | None, Query(ge=1, description="Only this workspace's participations.")] = None,
    user_id: Annotated[int | None, Query(ge=1, description="Only this user's participations.")] = None,
) -> Response:
    """List participations (who is staffed on which workspace, when, at which rate)."""
    s = store(request)
    return listed(s, "participations", s.list_participations(params.query, workspace_id, user_id), params)


@route(router, "POST", "/participations", responses=ok(ParticipationsEnvelope), operation_id="createParticipation")
async def create_participation(request: Request, body: ParticipationBody, params: Showing) -> Response:
    """Staff a user on a workspace, optionally with a rate (else the rate card's), a role and dates."""
    s = store(request)
    return shown(s, "participations", [s.create_participation(domain_fields(body.participation))], params)


@route(
    router,
    "GET",
    "/participations/{participation_id}",
    responses=ok(ParticipationsEnvelope),
    operation_id="getParticipation",
)
async def get_participation(request: Request, participation_id: str, params: Showing) -> Response:
    """Read one participation."""
    s = store(request)
    return shown(s, "participations", [s.get("participations", participation_id)], params)


@route(
    router,
    "PUT",
    "/participations/{participation_id}",
    responses=ok(ParticipationsEnvelope),
    operation_id="updateParticipation",
)
async def update_participation(
    request: Request, participation_id: str, body: ParticipationPatchBody, params: Showing
) -> Response:
    """Change a participation's rate, role or dates."""
    s = store(request)
    changes = domain_fields(body.participation, sent_only=True, nullable=PARTICIPATION_NULLABLE)
    return shown(s, "participations", [s.update_participation(participation_id, changes)], params)
