"""Read-only directory: ``users`` (consultants), ``roles``, ``rate_cards`` and ``rate_card_roles``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from simulators.psa.routes.common import API, ERRORS, Listing, Showing, ok, route, store
from simulators.psa.routes.envelope import listed, shown
from simulators.psa.schemas.envelopes import RateCardRolesEnvelope, RateCardsEnvelope, RolesEnvelope, UsersEnvelope

router = APIRouter(prefix=API, responses=ERRORS)
OptionalId = Annotated[int | None, Query(ge=1)]


@route(router, "GET", "/users", responses=ok(UsersEnvelope), operation_id="listUsers")
async def list_users(request: Request, params: Listing, role_id: OptionalId = None) -> Response:
    """List users (role, location, cost rate and default bill rate); ``include=role,external_references``."""
    s = store(request)
    return listed(s, "users", s.list_users(params.query, role_id=role_id), params)


@route(router, "GET", "/users/{user_id}", responses=ok(UsersEnvelope), operation_id="getUser")
async def get_user(request: Request, user_id: str, params: Showing) -> Response:
    """Read one user."""
    s = store(request)
    return shown(s, "users", [s.get("users", user_id)], params)


@route(router, "GET", "/roles", responses=ok(RolesEnvelope), operation_id="listRoles")
async def list_roles(request: Request, params: Listing) -> Response:
    """List the account's roles (what rate cards price)."""
    s = store(request)
    return listed(s, "roles", s.list_roles(params.query), params)


@route(router, "GET", "/rate_cards", responses=ok(RateCardsEnvelope), operation_id="listRateCards")
async def list_rate_cards(
    request: Request, params: Listing, currency: Annotated[str | None, Query(max_length=3)] = None
) -> Response:
    """List rate cards; ``include=rate_card_roles`` side-loads their role rates."""
    s = store(request)
    return listed(s, "rate_cards", s.list_rate_cards(params.query, currency=currency), params)


@route(router, "GET", "/rate_cards/{rate_card_id}", responses=ok(RateCardsEnvelope), operation_id="getRateCard")
async def get_rate_card(request: Request, rate_card_id: str, params: Showing) -> Response:
    """Read one rate card."""
    s = store(request)
    return shown(s, "rate_cards", [s.get("rate_cards", rate_card_id)], params)


@route(router, "GET", "/rate_card_roles", responses=ok(RateCardRolesEnvelope), operation_id="listRateCardRoles")
async def list_rate_card_roles(
    request: Request, params: Listing, rate_card_id: OptionalId = None, role_id: OptionalId = None
) -> Response:
    """List role rates (the bill rate of a role on a rate card)."""
    s = store(request)
    page = s.list_rate_card_roles(params.query, rate_card_id=rate_card_id, role_id=role_id)
    return listed(s, "rate_card_roles", page, params)
