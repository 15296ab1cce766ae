"""The simulator app factory: one FastAPI app per vendor, its runtime on ``app.state.sim``."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from simulators._core import version_layer
from simulators._core.admin import AdminBodyError, build_admin_router
from simulators._core.errors import VendorError
from simulators._core.hot import HotRoutes
from simulators._core.links import add_links
from simulators._core.middleware import PASSTHROUGH_PREFIXES, SimulatorMiddleware
from simulators._core.responses import dumps
from simulators._core.runtime import SettingsT, SimRuntime, SimulatorSpec, StoreT
from simulators._core.tokens import TokenEndpoint

log = logging.getLogger("p2c.simulators")
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
"""FastAPI's OpenTelemetry hooks stay off: the journal records every request, and the checks cost per request."""


class SimulatorApp(FastAPI):
    """A FastAPI app whose outermost layer is the simulator middleware (journal, policy, faults).

    Outermost, so that the middleware receives the server's own ``send`` and can reset a connection.
    """

    def build_middleware_stack(self) -> ASGIApp:
        inner = super().build_middleware_stack()
        hot = self.state.sim.spec.hot_routes
        inner = version_layer.wrap(self, HotRoutes(inner, hot) if hot else inner)  # nothing at the base version
        return SimulatorMiddleware(inner, lambda: self.state.sim)

    def openapi(self) -> dict[str, Any]:
        """The vendor-shaped spec: no FastAPI validation schema, a bearer scheme on every operation."""
        if self.openapi_schema is None:
            self.openapi_schema = version_layer.versioned_spec(self, add_links(vendor_openapi(super().openapi())))
        return self.openapi_schema


FASTAPI_VALIDATION_REF = "#/components/schemas/HTTPValidationError"


def vendor_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop FastAPI's own 422 (the simulators answer in the vendor's envelope) and declare bearer auth."""
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            schema = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") == FASTAPI_VALIDATION_REF:
                del responses["422"]
            operation.setdefault("security", [{"bearerAuth": []}])
    components = spec.setdefault("components", {})
    schemas = components.get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    components.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "Any non-empty token (OAuth 2.0 / session id in the real vendor).",
    }
    return spec


def _render(runtime: SimRuntime[Any, Any], err: VendorError) -> Response:
    rendered = runtime.spec.render_error(err)
    return Response(
        dumps(rendered.body),
        status_code=rendered.status,
        headers=rendered.headers,
        media_type="application/json",
    )


def create_simulator_app(spec: SimulatorSpec[StoreT, SettingsT], settings: SettingsT | None = None) -> SimulatorApp:
    """Build a simulator app for ``spec`` with ``settings`` (defaults read from the environment)."""
    app = SimulatorApp(
        title=spec.title,
        version=spec.api_version,
        openapi_url="/openapi.json",
        docs_url="/__admin/docs",
        redoc_url=None,
        telemetry=NO_TELEMETRY,
    )
    app.state.sim = SimRuntime(spec, settings if settings is not None else spec.settings_type())
    # Also a plain instance attribute: Starlette's ``State`` keeps values in a dict behind ``__getattr__``, so
    # every ``app.state.sim`` (several per request) would first fail the normal lookup with an AttributeError.
    object.__setattr__(app.state, "sim", app.state._state["sim"])
    for router in spec.routers:
        app.include_router(router)
    app.include_router(build_admin_router())
    version_layer.sync_version(app)

    def runtime_of(request: Request) -> SimRuntime[Any, Any]:
        runtime: SimRuntime[Any, Any] = request.app.state.sim
        return runtime

    def is_admin(request: Request) -> bool:
        return request.url.path.startswith(PASSTHROUGH_PREFIXES)

    if spec.token_endpoint is not None:
        mount_token_endpoint(app, spec.token_endpoint)

    @app.exception_handler(VendorError)
    async def vendor_error(request: Request, exc: VendorError) -> Response:
        return _render(runtime_of(request), exc)

    @app.exception_handler(AdminBodyError)
    async def admin_body_error(request: Request, exc: AdminBodyError) -> Response:
        return JSONResponse({"error": "invalid request", "detail": exc.detail}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if is_admin(request):
            detail = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
            return JSONResponse({"error": "invalid request", "detail": detail}, status_code=400)
        return _render(runtime_of(request), spec.validation_error(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_admin(request):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        if spec.token_endpoint is not None and request.url.path == spec.token_endpoint.path:
            return _oauth_error(exc.status_code, "invalid_request", str(exc.detail))
        if exc.status_code == 404:
            return _render(runtime_of(request), spec.not_found(request.method, request.url.path))
        if exc.status_code == 400:  # FastAPI could not parse the body: the vendor's validation error
            parse_error = {"type": "json_invalid", "loc": ("body",), "msg": str(exc.detail)}
            return _render(runtime_of(request), spec.validation_error([parse_error]))
        return _render(runtime_of(request), spec.transport_error(exc.status_code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        return _render(
            runtime_of(request), spec.transport_error(500, f"Unexpected simulator error: {type(exc).__name__}")
        )

    return app


class OAuthError(BaseModel):
    """An OAuth 2.0 token error."""

    error: str
    error_description: str


def _oauth_error(status: int, error: str, description: str) -> Response:
    return Response(
        dumps({"error": error, "error_description": description}), status_code=status, media_type="application/json"
    )


def mount_token_endpoint(app: FastAPI, endpoint: TokenEndpoint) -> None:
    """``POST <path>`` issuing tokens for the client-credentials, password and refresh-token grants."""

    @app.post(
        endpoint.path,
        operation_id="issueToken",
        tags=["auth"],
        summary="OAuth 2.0 token endpoint",
        responses={
            200: {"description": "A token, in the vendor's token response shape."},
            400: {"model": OAuthError, "description": "An OAuth 2.0 error (RFC 6749 section 5.2)."},
        },
    )
    async def issue_token(request: Request) -> Response:
        raw = await request.body()
        fields: dict[str, str]
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                doc = orjson.loads(raw or b"{}")
            except orjson.JSONDecodeError:
                return _oauth_error(400, "invalid_request", "the body is not valid JSON")
            fields = {str(k): str(v) for k, v in doc.items()} if isinstance(doc, dict) else {}
        else:
            fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        runtime: SimRuntime[Any, Any] = request.app.state.sim
        now, ttl = runtime.clock.now(), runtime.settings.token_ttl_s
        grant = fields.get("grant_type", "")
        if grant in ("client_credentials", "password", "authorization_code"):
            token = runtime.tokens.issue(fields.get("client_id", "p2c-client"), now, ttl, grant)
        elif grant == "refresh_token":
            refreshed = runtime.tokens.refresh(fields.get("refresh_token", ""), now, ttl)
            if refreshed is None:
                return _oauth_error(400, "invalid_grant", "expired access/refresh token")
            token = refreshed
        else:
            return _oauth_error(400, "unsupported_grant_type", f"grant type not supported: {grant or '(none)'}")
        return Response(
            dumps(dict(endpoint.render(token, str(request.base_url).rstrip("/")))), media_type="application/json"
        )
