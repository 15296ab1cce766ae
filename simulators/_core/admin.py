"""The control plane, identical on every simulator: ``/__admin/...`` (not part of the vendor spec)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulators._core import version_layer
from simulators._core.clock import ClockMode
from simulators._core.errors import VendorError
from simulators._core.faults import FaultRuleIn
from simulators._core.profiles import UnknownProfileError, load_profile, profile_names
from simulators._core.responses import json_response
from simulators._core.runtime import DEFAULT_TENANT, SimRuntime
from simulators._core.states import UnknownProviderState
from simulators._core.webhooks import SubscriptionError

RESET_SCOPES = ("data", "faults", "journal", "clock", "settings")


class SeedIn(BaseModel):
    """Body of ``POST /__admin/seed``."""

    model_config = ConfigDict(extra="forbid")
    seed: int
    profile: str | None = None


class ProviderStateIn(BaseModel):
    """Body of ``POST /__admin/provider-states`` (the shape Pact's verifier posts)."""

    model_config = ConfigDict(extra="allow")
    state: str
    params: dict[str, Any] = Field(default_factory=dict)
    action: Literal["setup", "teardown"] = "setup"


class SubscriptionIn(BaseModel):
    """Body of ``POST /__admin/subscriptions``."""

    model_config = ConfigDict(extra="forbid")
    url: str
    event_types: list[str] | None = None
    secret: str = Field(default="p2c-webhook-secret", min_length=1)


class ClockIn(BaseModel):
    """Body of ``POST /__admin/clock``."""

    model_config = ConfigDict(extra="forbid")
    now: datetime | None = None
    mode: ClockMode | None = None
    rate: float | None = Field(default=None, gt=0)


class AdvanceIn(BaseModel):
    """Body of ``POST /__admin/clock/advance``."""

    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(default=0, ge=0)
    minutes: float = Field(default=0, ge=0)
    hours: float = Field(default=0, ge=0)
    days: float = Field(default=0, ge=0)


def _admin_error(status: int, message: str, detail: object = None) -> JSONResponse:
    body: dict[str, object] = {"error": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(body, status_code=status)


class AdminBodyError(Exception):
    """A control-plane body that is not valid JSON for its model (answered with 400)."""

    def __init__(self, detail: object) -> None:
        super().__init__("invalid request body")
        self.detail = detail


ModelT = TypeVar("ModelT", bound=BaseModel)


async def _body(request: Request, model: type[ModelT]) -> ModelT:
    """Parse a JSON body whatever its Content-Type (``curl -d`` sends form encoding)."""
    raw = await request.body()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise AdminBodyError(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from exc


def _sim(request: Request) -> SimRuntime[Any, Any]:
    runtime: SimRuntime[Any, Any] = request.app.state.sim
    return runtime


def build_admin_router() -> APIRouter:
    """The ``/__admin`` router; handlers find the runtime on ``request.app.state.sim``."""
    router = APIRouter(prefix="/__admin", include_in_schema=False)

    @router.get("/health")
    async def health(request: Request) -> dict[str, Any]:
        sim = _sim(request)
        facts = {"status": "ok", "system": sim.system, "seed": sim.settings.seed, "profile": sim.settings.profile}
        return facts | version_layer.describe(request.app)

    @router.post("/reset")
    async def reset(request: Request, scope: str = Query(default=",".join(RESET_SCOPES))) -> Response:
        scopes = {s.strip() for s in scope.split(",") if s.strip()}
        unknown = scopes - set(RESET_SCOPES)
        if unknown:
            return _admin_error(400, f"unknown reset scope(s): {', '.join(sorted(unknown))}")
        _sim(request).reset(scopes)
        version_layer.sync_version(request.app)
        return JSONResponse({"reset": sorted(scopes)})

    @router.post("/seed")
    async def seed(request: Request) -> Response:
        body = await _body(request, SeedIn)
        sim = _sim(request)
        try:
            world = sim.seed(body.seed, body.profile)
        except KeyError as exc:
            return _admin_error(400, f"unknown profile: {exc.args[0]}")
        return JSONResponse({"seed": world.seed, "profile": world.profile, "world_hash": world.content_hash})

    @router.get("/state")
    async def get_state(request: Request) -> Response:
        sim = _sim(request)
        if not sim.tenants:
            sim.tenant()
        return json_response(
            {
                "system": sim.system,
                "seed": sim.settings.seed,
                "profile": sim.settings.profile,
                "clock": sim.clock.as_dict(),
                "tenants": {
                    name: {"data": t.store.snapshot(), "events": t.events.snapshot()}
                    for name, t in sorted(sim.tenants.items())
                },
            }
        )

    @router.post("/state")
    async def restore_state(request: Request) -> Response:
        sim = _sim(request)
        try:
            doc = orjson.loads(await request.body() or b"null")
        except orjson.JSONDecodeError:
            return _admin_error(400, "expected a snapshot from GET /__admin/state")
        tenants = doc.get("tenants") if isinstance(doc, dict) else None
        if not isinstance(tenants, dict):
            return _admin_error(400, "expected a snapshot from GET /__admin/state")
        try:
            for name, tenant_doc in tenants.items():
                sim.tenant(name).store.restore(tenant_doc.get("data", {}))
        except (ValueError, TypeError, KeyError, AttributeError, VendorError) as exc:
            return _admin_error(400, f"not a valid snapshot: {exc}")
        return JSONResponse({"restored": sorted(tenants)})

    @router.post("/provider-states")
    async def provider_state(request: Request) -> Response:
        body = await _body(request, ProviderStateIn)
        sim = _sim(request)
        tenant = sim.tenant(request.headers.get("x-p2c-tenant", DEFAULT_TENANT))
        try:
            result = sim.spec.provider_states.apply(tenant.store, body.state, body.params, body.action)
        except UnknownProviderState:
            return _admin_error(400, f"unknown provider state: {body.state!r}")
        return JSONResponse(result)

    @router.get("/provider-states")
    async def list_provider_states(request: Request) -> dict[str, Any]:
        return {"states": _sim(request).spec.provider_states.names()}

    @router.get("/faults")
    async def list_faults(request: Request) -> dict[str, Any]:
        return {"faults": _sim(request).faults.as_list()}

    @router.post("/faults", status_code=201)
    async def add_fault(request: Request) -> dict[str, Any]:
        body = await _body(request, FaultRuleIn)
        return _sim(request).faults.add(body).model_dump(mode="json")

    @router.get("/faults/profiles")
    async def list_profiles(request: Request) -> dict[str, Any]:
        out = []
        for name in profile_names():
            profile = load_profile(name)
            mine = profile.for_system(_sim(request).system)
            out.append(
                {
                    "name": name,
                    "description": profile.description,
                    "faults": len(mine.faults),
                    "settings": sorted(mine.settings),
                }
            )
        return {"profiles": out}

    @router.post("/faults/profiles/{name}")
    async def apply_profile(request: Request, name: str) -> Response:
        sim = _sim(request)
        try:
            mine = load_profile(name).for_system(sim.system)
        except UnknownProfileError as exc:
            return _admin_error(404, str(exc))
        except ValueError as exc:
            return _admin_error(400, str(exc))
        if mine.settings:
            try:
                sim.update_settings(mine.settings)
            except ValueError as exc:
                return _admin_error(400, f"profile {name}: {exc}")
        rules = [sim.faults.add(rule).model_dump(mode="json") for rule in mine.faults]
        return JSONResponse({"profile": name, "faults": rules, "settings": mine.settings})

    @router.delete("/faults")
    async def clear_faults(request: Request) -> Response:
        _sim(request).faults.clear()
        return Response(status_code=204)

    @router.delete("/faults/{rule_id}")
    async def delete_fault(request: Request, rule_id: str) -> Response:
        if not _sim(request).faults.remove(rule_id):
            return _admin_error(404, f"no fault rule {rule_id!r}")
        return Response(status_code=204)

    @router.get("/requests")
    async def requests(
        request: Request,
        since_id: int = 0,
        method: str | None = None,
        path: str | None = None,
        faulted: bool | None = None,
        limit: int | None = Query(default=None, ge=1),
    ) -> Response:
        journal = _sim(request).journal
        entries = journal.entries(since_id=since_id, method=method, path_prefix=path, faulted=faulted, limit=limit)
        return json_response({"total": journal.total, "requests": [e.as_dict() for e in entries]})

    @router.delete("/requests")
    async def clear_requests(request: Request) -> Response:
        _sim(request).journal.clear()
        return Response(status_code=204)

    @router.get("/clock")
    async def get_clock(request: Request) -> dict[str, Any]:
        return _sim(request).clock.as_dict()

    @router.post("/clock")
    async def set_clock(request: Request) -> Response:
        body = await _body(request, ClockIn)
        clock = _sim(request).clock
        try:
            clock.set(now=body.now, mode=body.mode, rate=body.rate)
        except ValueError as exc:
            return _admin_error(400, str(exc))
        return JSONResponse(clock.as_dict())

    @router.post("/clock/advance")
    async def advance_clock(request: Request) -> dict[str, Any]:
        body = await _body(request, AdvanceIn)
        clock = _sim(request).clock
        clock.advance(timedelta(days=body.days, hours=body.hours, minutes=body.minutes, seconds=body.seconds))
        return clock.as_dict()

    @router.get("/settings")
    async def get_settings(request: Request) -> Response:
        return JSONResponse(_sim(request).settings.model_dump(mode="json"))

    @router.put("/settings")
    async def put_settings(request: Request) -> Response:
        try:
            patch = orjson.loads(await request.body() or b"null")
        except orjson.JSONDecodeError:
            return _admin_error(400, "settings must be a JSON object")
        if not isinstance(patch, dict):
            return _admin_error(400, "settings must be a JSON object")
        try:
            updated = version_layer.update_settings(request.app, patch)
        except ValueError as exc:
            return _admin_error(400, str(exc))
        return JSONResponse(updated.model_dump(mode="json"))

    @router.get("/subscriptions")
    async def list_subscriptions(request: Request) -> dict[str, Any]:
        return {"subscriptions": [sub.as_dict() for sub in _sim(request).webhooks.subscriptions.values()]}

    @router.post("/subscriptions", status_code=201)
    async def subscribe(request: Request) -> Response:
        body = await _body(request, SubscriptionIn)
        tenant = request.headers.get("x-p2c-tenant", DEFAULT_TENANT)
        try:
            sub = _sim(request).webhooks.subscribe(tenant, body.url, body.event_types, body.secret)
        except SubscriptionError as exc:
            return _admin_error(400, str(exc))
        return JSONResponse(sub.as_dict(), status_code=201)

    @router.delete("/subscriptions/{sub_id}")
    async def unsubscribe(request: Request, sub_id: str) -> Response:
        if not _sim(request).webhooks.unsubscribe(sub_id):
            return _admin_error(404, f"no subscription {sub_id!r}")
        return Response(status_code=204)

    @router.get("/events")
    async def events(request: Request, tenant: str = DEFAULT_TENANT) -> Response:
        log = _sim(request).tenant(tenant).events
        return json_response({"events": log.snapshot()})

    return router
