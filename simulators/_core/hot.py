"""Hot routes: the busiest vendor operations answered without FastAPI's per-request routing and validation.

A simulator may name a few operations (a record read, a create) that load tests hammer. For those, this
layer (inside the simulator middleware, so they are journalled, limited and faulted like any request)
matches the path with one precompiled pattern and calls a handler that uses the same store call and the
same rendering as the FastAPI route. A handler answers only the plain case: it returns ``None`` for
anything else (an unusual header, a body that does not validate, another content type), and the request
goes on to the FastAPI route with its body replayed, so the vendor's errors and the OpenAPI document come
from one place. The FastAPI routes stay registered: they document the operations and answer the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators._core.errors import VendorError
from simulators._core.responses import dumps

log = logging.getLogger("p2c.simulators")

HotHandler = Callable[[Request, dict[str, str]], Awaitable[Response | None]]
"""``(request, path parameters) -> response``, or ``None`` to let the FastAPI route answer."""


class HotRoute(NamedTuple):
    """One hot operation: an HTTP method, a full-match path pattern with named groups, and its handler."""

    method: str
    pattern: re.Pattern[str]
    handler: HotHandler


def hot_route(method: str, pattern: str, handler: HotHandler) -> HotRoute:
    """A :class:`HotRoute` from a regular expression (matched against the whole path)."""
    return HotRoute(method, re.compile(pattern), handler)


class HotRoutes:
    """ASGI layer answering :class:`HotRoute` requests directly, everything else through ``app``."""

    def __init__(self, app: ASGIApp, routes: Sequence[HotRoute]) -> None:
        self.app = app
        self._by_method: dict[str, list[HotRoute]] = {}
        for route in routes:
            self._by_method.setdefault(route.method, []).append(route)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        candidates = self._by_method.get(scope["method"]) if scope["type"] == "http" else None
        if candidates:
            path: str = scope["path"]
            for route in candidates:
                found = route.pattern.fullmatch(path)
                if found is None:
                    continue
                request = Request(scope, receive)
                if route.method in _WITH_BODY:
                    # Read here, straight from the server: Request.body() goes through an async generator.
                    try:
                        request._body = await _read_body(receive)
                    except ClientDisconnect:
                        return  # nobody left to answer
                response = await self._answer(request, route, found.groupdict())
                if response is not None:
                    await response(scope, receive, send)
                    return
                body = getattr(request, "_body", None)
                if body is not None:  # the handler read the body: the FastAPI route reads it again
                    receive = _replay(body)
                break
        await self.app(scope, receive, send)

    @staticmethod
    async def _answer(request: Request, route: HotRoute, params: dict[str, str]) -> Response | None:
        try:
            return await route.handler(request, params)
        except VendorError as err:
            return render(request, err)
        except Exception as exc:  # the app's own last-resort handler does the same: a vendor-shaped 500
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            runtime = request.app.state.sim
            return render(
                request, runtime.spec.transport_error(500, f"Unexpected simulator error: {type(exc).__name__}")
            )


def render(request: Request, err: VendorError) -> Response:
    """A vendor error in the simulator's envelope (as the app's exception handler renders it)."""
    rendered = request.app.state.sim.spec.render_error(err)
    return Response(
        dumps(rendered.body), status_code=rendered.status, headers=rendered.headers, media_type="application/json"
    )


_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


async def _read_body(receive: Receive) -> bytes:
    """The whole request body (Starlette's ``ClientDisconnect`` if the client goes away first)."""
    message = await receive()
    if message["type"] == "http.request" and not message.get("more_body", False):
        body: bytes = message.get("body", b"")
        return body  # the usual case: one message
    chunks: list[bytes] = []
    while True:
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
        message = await receive()


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def json_object(raw: bytes) -> dict[str, Any] | None:
    """A JSON object body, or None (not JSON, not an object: the FastAPI route reports it)."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None
