"""The ASGI layer that serves a version profile: version-B requests in, base-version handlers, version-B answers.

It is installed only while a profile is active (:func:`sync_version`), so a simulator at its base version
pays nothing for it. Requests of operations without changes pass straight through; for the others the
JSON body is buffered, rewritten (or refused in the vendor's validation-error envelope) and the JSON
response is rewritten on its way out.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators._core.middleware import PASSTHROUGH_PREFIXES, operation_index
from simulators._core.responses import dumps
from simulators._core.version_spec import apply_profile
from simulators._core.versions import (
    VersionChange,
    VersionProfile,
    load_version,
    rewrite_request,
    rewrite_response,
    shipped_versions,
)


class VersionLayer:
    """Rewrite requests and responses of the operations a :class:`VersionProfile` changes."""

    def __init__(self, app: ASGIApp, profile: VersionProfile, spec: dict[str, Any], runtime_getter: Any) -> None:
        self.app = app
        self.profile = profile
        self._runtime = runtime_getter
        self._index = operation_index(spec)

    def _operation(self, method: str, path: str) -> str | None:
        method = method.lower()
        for op_method, pattern, operation_id in self._index:
            if op_method == method and pattern.fullmatch(path):
                return operation_id
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PASSTHROUGH_PREFIXES):
            await self.app(scope, receive, send)
            return
        changes = self.profile.for_operation(self._operation(scope["method"], scope["path"].rstrip("/") or "/"))
        if not changes:
            await self.app(scope, receive, send)
            return
        if any(c.on_requests() for c in changes):
            refused = await self._request(scope, receive, changes)
            if isinstance(refused, list):
                await self._refuse(send, refused)
                return
            scope, receive = refused
        if any(c.on_responses() for c in changes):
            send = _ResponseRewriter(send, changes)
        await self.app(scope, receive, send)

    async def _request(
        self, scope: Scope, receive: Receive, changes: list[VersionChange]
    ) -> list[dict[str, Any]] | tuple[Scope, Receive]:
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        body: Any = None
        if raw:
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                body = None  # not JSON: the handler answers as it always does
        problems = rewrite_request(body, changes, query)
        if problems:
            return problems
        if body is not None:
            raw = orjson.dumps(body)
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        return {**scope, "headers": headers}, replay

    async def _refuse(self, send: Send, problems: list[dict[str, Any]]) -> None:
        spec = self._runtime().spec
        rendered = spec.render_error(spec.validation_error(problems))
        payload = dumps(rendered.body)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        headers += [(k.lower().encode(), str(v).encode()) for k, v in (rendered.headers or {}).items()]
        await send({"type": "http.response.start", "status": rendered.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload, "more_body": False})


class _ResponseRewriter:
    """A ``send`` that buffers a JSON response, rewrites it per version, then sends it whole."""

    def __init__(self, send: Send, changes: list[VersionChange]) -> None:
        self._send = send
        self._changes = changes
        self._start: Message | None = None
        self._chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body" or self._start is None:
            await self._send(message)
            return
        self._chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        start, raw = self._start, b"".join(self._chunks)
        status, headers = start["status"], list(start.get("headers", []))
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        if raw and content_type.startswith(b"application/json"):
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                body = None
            if body is not None:
                status = rewrite_response(status, body, self._changes)
                raw = dumps(body)
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(raw)).encode()))
        elif not raw:
            status = rewrite_response(status, None, self._changes)
        await self._send({**start, "status": status, "headers": headers})
        await self._send({"type": "http.response.body", "body": raw, "more_body": False})


def active_profile(runtime: Any) -> VersionProfile | None:
    """The profile named by the runtime's ``api_version`` setting (None at the base version)."""
    name = getattr(runtime.settings, "api_version", None)
    if not name or name == runtime.spec.api_version:
        return None
    return load_version(runtime.spec.system, name)


def sync_version(app: Any) -> VersionProfile | None:
    """Make ``app`` serve the version its settings name: apply the profile's settings, rebuild the stack.

    Called when the app is built and whenever settings change through ``/__admin``; the middleware stack
    and the OpenAPI document are rebuilt only when the active version changed.
    """
    runtime = app.state.sim
    profile = active_profile(runtime)
    if profile is not None and profile.settings:
        current = runtime.settings.model_dump()
        if any(current.get(k) != v for k, v in profile.settings.items()):
            runtime.update_settings(profile.settings)
    previous = getattr(app.state, "version_profile", None)
    if previous != profile:
        app.state.version_profile = profile
        app.middleware_stack = None
        app.openapi_schema = None
    return profile


def wrap(app: Any, inner: ASGIApp) -> ASGIApp:
    """``inner`` under the version layer when a profile is active, else ``inner`` itself."""
    profile = getattr(app.state, "version_profile", None)
    if profile is None:
        return inner
    return VersionLayer(inner, profile, app.openapi(), lambda: app.state.sim)


def versioned_spec(app: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` as the active version describes it (``spec`` itself at the base version)."""
    profile = getattr(app.state, "version_profile", None)
    return spec if profile is None else apply_profile(spec, profile)


def update_settings(app: Any, patch: dict[str, Any]) -> Any:
    """Deep-merge a settings patch and switch to the version it names; a bad version leaves settings as they were.

    Raises:
        ValueError: the patch is invalid or names an unknown version profile.
    """
    runtime = app.state.sim
    previous = runtime.settings
    runtime.update_settings(patch)
    try:
        sync_version(app)
    except (LookupError, ValueError) as exc:
        runtime.settings = previous
        sync_version(app)
        raise ValueError(str(exc)) from exc
    return runtime.settings


def describe(app: Any) -> dict[str, Any]:
    """The version facts ``/__admin/health`` reports."""
    runtime = app.state.sim
    profile: VersionProfile | None = getattr(app.state, "version_profile", None)
    return {
        "api_version": profile.name if profile else runtime.spec.api_version,
        "base_version": runtime.spec.api_version,
        "versions": [runtime.spec.api_version, *shipped_versions(runtime.spec.system)],
    }
