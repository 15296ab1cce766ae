"""Read-only directory: ``users``, ``workspaces`` and ``participations`` (seeded from the world)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.routes.common import API, ERRORS, Include, Listing, includes, route, store
from simulators.psa.routes.render import envelope
from simulators.psa.schemas import ParticipationsEnvelope, UsersEnvelope, WorkspacesEnvelope

router = APIRouter(prefix=API, responses=ERRORS)


def _ok(model: type) -> dict[int | str, dict[str, object]]:
    return {200: {"model": model, "description": "The side-loaded envelope."}}


@route(router, "GET", "/users", responses=_ok(UsersEnvelope), operation_id="listUsers")
async def list_users(request: Request, params: Listing) -> Response:
    """List users."""
    s = store(request)
    page = s.list_users(params.query)
    return envelope(s, "users", page.items, total=page.total, query=page.query, include=params.include)


@route(router, "GET", "/users/{user_id}", responses=_ok(UsersEnvelope), operation_id="getUser")
async def get_user(request: Request, user_id: str, include: Include = None) -> Response:
    """Read one user."""
    s = store(request)
    return envelope(s, "users", [s.get("users", user_id)], include=includes(include))


@route(router, "GET", "/workspaces", responses=_ok(WorkspacesEnvelope), operation_id="listWorkspaces")
async def list_workspaces(request: Request, params: Listing) -> Response:
    """List workspaces (projects)."""
    s = store(request)
    page = s.list_workspaces(params.query)
    return envelope(s, "workspaces", page.items, total=page.total, query=page.query, include=params.include)


@route(router, "GET", "/workspaces/{workspace_id}", responses=_ok(WorkspacesEnvelope), operation_id="getWorkspace")
async def get_workspace(request: Request, workspace_id: str, include: Include = None) -> Response:
    """Read one workspace."""
    s = store(request)
    return envelope(s, "workspaces", [s.get("workspaces", workspace_id)], include=includes(include))


@route(router, "GET", "/participations", responses=_ok(ParticipationsEnvelope), operation_id="listParticipations")
async def list_participations(
    request: Request,
    params: Listing,
    workspace_id: Annotated[int | None, Query(ge=1, description="Only this workspace's participations.")] = None,
    user_id: Annotated[int | None, Query(ge=1, description="Only this user's participations.")] = None,
) -> Response:
    """List participations (who is staffed on which workspace, at which rate)."""
    s = store(request)
    page = s.list_participations(params.query, workspace_id=workspace_id, user_id=user_id)
    return envelope(s, "participations", page.items, total=page.total, query=page.query, include=params.include)


@route(
    router,
    "GET",
    "/participations/{participation_id}",
    responses=_ok(ParticipationsEnvelope),
    operation_id="getParticipation",
)
async def get_participation(request: Request, participation_id: str, include: Include = None) -> Response:
    """Read one participation."""
    s = store(request)
    return envelope(s, "participations", [s.get("participations", participation_id)], include=includes(include))
