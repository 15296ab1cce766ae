"""The outermost ASGI layer of every simulator: journal, request policy, vendor limits, transport faults.

Pure ASGI (no per-request Starlette objects) so the hot path stays lean: with no limit configured and no
fault rule installed a request costs a header scan, the vendor policy and a journal append.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import struct
from collections.abc import Awaitable
from datetime import datetime
from time import monotonic, perf_counter
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators._core.errors import VendorError
from simulators._core.faults import FaultKind, FaultPhase, FaultRule, RequestFacts
from simulators._core.journal import FaultFiring, JournalEntry
from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, RequestInfo, SimRuntime

PASSTHROUGH_PREFIXES = ("/__admin", "/openapi.json", "/docs", "/redoc")
MALFORMED = b'{"p2c": "malformed'
Headers = list[tuple[bytes, bytes]]
CORRELATION_HEADER = "x-correlation-id"


class ConnectionResetByFault(ConnectionResetError):
    """Raised in-process (no socket to drop) when a fault drops the connection."""


def _transport_of(send: Send) -> Any:
    # The outermost layer receives the server's own ``send``: under uvicorn it is a bound method of the
    # request cycle, which holds the connection's transport (asyncio's or uvloop's).
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    return transport if callable(getattr(transport, "abort", None)) else None


async def drop_connection(send: Send, rule_id: str, *, reset: bool = True) -> None:
    """Drop the connection: a TCP RST (``reset``) or a clean close; in-process, raise."""
    transport = _transport_of(send)
    if transport is None:
        raise ConnectionResetByFault(f"connection dropped by fault rule {rule_id}")
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    await asyncio.sleep(0)  # let the server see the connection as lost before the app returns


def operation_index(spec: dict[str, Any]) -> list[tuple[str, re.Pattern[str], str]]:
    """(method, path regex, operationId) for every operation, literal paths before templated ones."""
    out = []
    for template, item in spec.get("paths", {}).items():
        regex = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId"):
                out.append((template.count("{"), method, regex, operation["operationId"]))
    out.sort(key=lambda row: row[0])
    return [(method, regex, op_id) for _, method, regex, op_id in out]


def _with_length(headers: Headers, length: int) -> Headers:
    return [(k, v) for k, v in headers if k.lower() != b"content-length"] + [(b"content-length", str(length).encode())]


_TENANT = TENANT_HEADER.encode()
_CORRELATION = CORRELATION_HEADER.encode()
_new_request = tuple.__new__  # RequestInfo without its Python-level __new__: one per request
_NONE: Headers = []  # no extra response headers (shared, never changed)


class SimulatorMiddleware:
    """Journal every vendor request, apply the vendor's policy and limits, and fire fault rules."""

    def __init__(self, app: ASGIApp, runtime_getter: Any) -> None:
        self.app = app
        self._runtime = runtime_getter
        self._runtime_now: SimRuntime[Any, Any] | None = None  # the app's runtime lives as long as the app
        self._operations: list[tuple[str, re.Pattern[str], str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PASSTHROUGH_PREFIXES):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        runtime = self._runtime_now
        if runtime is None:
            runtime = self._runtime_now = self._runtime()
        if len(path) > 1 and path[-1] == "/":
            # Stock clients (simple-salesforce among them) post to ".../sobjects/Account/".
            path = path.rstrip("/")
            scope = dict(scope, path=path, raw_path=path.encode())
        headers: dict[bytes, bytes] = dict(scope["headers"])  # one C-level pass; a repeated header keeps its last
        found = headers.get(_TENANT)
        tenant = DEFAULT_TENANT if found is None else found.decode("latin-1")
        found = headers.get(_CORRELATION)
        correlation = None if found is None else found.decode("latin-1")
        method: str = scope["method"]
        req: RequestInfo = _new_request(RequestInfo, (method, path, headers, tenant))
        journal = runtime.journal
        journal_id = next(journal.ids)
        started = perf_counter()
        now = runtime.clock.now()
        policy = runtime.spec.policy
        refused = policy.admit(runtime, req) if policy is not None else None
        settings = runtime.settings
        if refused is None and settings.rate_limit_per_minute is not None:
            refused = self._rate_limited(runtime, tenant, settings.rate_limit_per_minute)
        extra = policy.response_headers(runtime, req) if refused is None and policy and policy.adds_headers else _NONE
        if refused is None and runtime.faults.empty and settings.concurrency_limit is None:
            # The hot path: no rule to fire, no slot to hold.
            status = 0

            def observe(message: Message) -> Awaitable[None]:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    if extra:
                        message = dict(message, headers=[*message.get("headers", []), *extra])
                return send(message)

            try:
                await self.app(scope, receive, observe)
            finally:
                journal.total += 1
                journal.push(
                    (
                        journal_id,
                        now,
                        method,
                        path,
                        scope.get("query_string", b""),
                        status,
                        tenant,
                        correlation,
                        perf_counter() - started,
                        None,
                    )
                )
            return
        sent = [0]  # the status the client saw (0: no response)
        fired: list[FaultRule] = []  # the rules that fired, in order (the journal names the last)
        try:
            await self._guarded(runtime, scope, receive, send, req, refused, extra, now, sent, fired)
        except ConnectionResetByFault:
            sent[0] = 0
            raise
        finally:
            journal.record(
                JournalEntry(
                    journal_id,
                    now,
                    req.method,
                    path,
                    scope.get("query_string", b""),
                    sent[0],
                    tenant,
                    correlation,
                    perf_counter() - started,
                    FaultFiring(fired[-1].id, fired[-1].kind.value, fired[-1].phase.value) if fired else None,
                )
            )

    async def _guarded(
        self,
        runtime: SimRuntime[Any, Any],
        scope: Scope,
        receive: Receive,
        send: Send,
        req: RequestInfo,
        refused: VendorError | None,
        extra: Headers,
        now: datetime,
        sent: list[int],
        fired: list[FaultRule],
    ) -> None:
        """A request that is refused, holds a concurrency slot, gets extra headers or may meet a fault rule."""
        if refused is not None:
            await self._send_error(runtime, send, refused, [], sent)
            return
        limit = runtime.settings.concurrency_limit
        if limit is None:
            await self._faulted(runtime, scope, receive, send, req, extra, now, sent, fired)
            return
        if not runtime.limits.pool.try_acquire(req.tenant, limit):
            await self._send_error(runtime, send, runtime.spec.throttle(), [], sent)
            return
        try:
            await self._faulted(runtime, scope, receive, send, req, extra, now, sent, fired)
        finally:
            runtime.limits.pool.release(req.tenant)

    async def _faulted(
        self,
        runtime: SimRuntime[Any, Any],
        scope: Scope,
        receive: Receive,
        send: Send,
        req: RequestInfo,
        extra: Headers,
        now: datetime,
        sent: list[int],
        fired: list[FaultRule],
    ) -> None:
        faults = runtime.faults
        if faults.empty:
            await self._run(scope, receive, send, extra, sent)
            return
        operation = self._operation_of(scope) if faults.uses_operations else None
        decoded = (
            {name.decode("latin-1"): value.decode("latin-1") for name, value in req.headers.items()}
            if faults.uses_headers
            else {}
        )
        facts = RequestFacts(req.method, req.path, decoded, req.tenant, operation)
        firing = faults.fire(facts, FaultPhase.BEFORE, now)
        if firing is not None:
            fired.append(firing)
            if await self._before(runtime, firing, send, extra, sent):
                return
        if not faults.may_fire(facts, FaultPhase.AFTER, now):
            await self._run(scope, receive, send, extra, sent)
            return
        # An after-phase rule may fire: run the handler to completion (it commits), then decide.
        buffered: list[Message] = []

        async def capture(message: Message) -> None:
            buffered.append(message)

        await self._run(scope, receive, capture, extra, [0])
        after = faults.fire(facts, FaultPhase.AFTER, now)
        if after is not None:
            fired.append(after)
        await self._after(runtime, after, send, buffered, extra, sent)

    @staticmethod
    def _rate_limited(runtime: SimRuntime[Any, Any], tenant: str, limit: int) -> VendorError | None:
        """The vendor's throttle when the tenant is over its per-minute rate, else None (counting this request)."""
        return None if runtime.limits.rate.allow(tenant, limit, monotonic()) else runtime.spec.throttle()

    def _operation_of(self, scope: Scope) -> str | None:
        """The request's operationId, from the app's own OpenAPI document (built once)."""
        if self._operations is None:
            app = scope.get("app")
            spec = app.openapi() if app is not None and hasattr(app, "openapi") else {}
            self._operations = operation_index(spec)
        method, path = scope["method"].lower(), scope["path"]
        for op_method, pattern, operation_id in self._operations:
            if op_method == method and pattern.fullmatch(path):
                return operation_id
        return None

    async def _before(
        self, runtime: SimRuntime[Any, Any], rule: FaultRule, send: Send, extra: Headers, sent: list[int]
    ) -> bool:
        """Apply a before-phase fault (nothing committed). True when the response is settled."""
        kind = rule.kind
        if kind is FaultKind.DELAY:
            await asyncio.sleep(runtime.faults.delay_s(rule.params))
            return False
        if kind in (FaultKind.HTTP_ERROR, FaultKind.THROTTLE):
            await self._send_error(runtime, send, self._error_for(runtime, rule), extra, sent)
        elif kind is FaultKind.MALFORMED_BODY:
            await self._send_raw(send, 200, [(b"content-type", b"application/json")], MALFORMED, sent)
        elif kind is FaultKind.TRUNCATED_BODY:
            body = b'{"p2c": "truncated", "items": [' + b"0," * 64 + b"0]}"
            start = {
                "type": "http.response.start",
                "status": 200,
                "headers": _with_length([(b"content-type", b"application/json")], len(body)),
            }
            await self._truncate(send, rule, start, body, sent)
        else:
            await self._drop(runtime, rule, send)
        return True

    async def _after(
        self,
        runtime: SimRuntime[Any, Any],
        rule: FaultRule | None,
        send: Send,
        buffered: list[Message],
        extra: Headers,
        sent: list[int],
    ) -> None:
        """Deliver the committed response, or what an after-phase fault makes of it."""
        start: Message = buffered[0] if buffered else {"type": "http.response.start", "status": 500, "headers": []}
        body = b"".join(m.get("body", b"") for m in buffered if m["type"] == "http.response.body")
        kind = rule.kind if rule is not None else None
        if rule is None or kind is FaultKind.DELAY:
            if rule is not None:
                await asyncio.sleep(runtime.faults.delay_s(rule.params))
            sent[0] = start["status"]
            for message in buffered:
                await send(message)
        elif kind in (FaultKind.HTTP_ERROR, FaultKind.THROTTLE):
            await self._send_error(runtime, send, self._error_for(runtime, rule), extra, sent)
        elif kind is FaultKind.MALFORMED_BODY:
            status = start["status"] if body else 200  # a bodyless 204 cannot carry a broken body
            corrupted = body[: len(body) // 2] + b"\xff" + MALFORMED if body else MALFORMED
            await self._send_raw(send, status, list(start.get("headers", [])), corrupted, sent)
        elif kind is FaultKind.TRUNCATED_BODY and body:
            await self._truncate(
                send, rule, dict(start, headers=_with_length(start.get("headers", []), len(body))), body, sent
            )
        else:
            await self._drop(runtime, rule, send)

    @staticmethod
    def _error_for(runtime: SimRuntime[Any, Any], rule: FaultRule) -> VendorError:
        if rule.kind is FaultKind.THROTTLE:
            return runtime.spec.throttle()
        return runtime.spec.transport_error(rule.params.status, rule.params.message)

    @staticmethod
    async def _drop(runtime: SimRuntime[Any, Any], rule: FaultRule, send: Send) -> None:
        if rule.kind is FaultKind.HANG:
            await asyncio.sleep(rule.params.hang_ms / 1000)
        await drop_connection(send, rule.id, reset=rule.kind is not FaultKind.EMPTY_RESPONSE)

    @staticmethod
    async def _truncate(send: Send, rule: FaultRule, start: Message, body: bytes, sent: list[int]) -> None:
        sent[0] = start["status"]
        await send(start)
        await send({"type": "http.response.body", "body": body[: max(1, len(body) // 2)], "more_body": True})
        await drop_connection(send, rule.id, reset=True)

    @staticmethod
    async def _send_raw(send: Send, status: int, headers: Headers, body: bytes, sent: list[int]) -> None:
        sent[0] = status
        await send({"type": "http.response.start", "status": status, "headers": _with_length(headers, len(body))})
        await send({"type": "http.response.body", "body": body})

    async def _run(self, scope: Scope, receive: Receive, send: Send, extra: Headers, sent: list[int]) -> None:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent[0] = message["status"]
                if extra:
                    message = dict(message, headers=[*message.get("headers", []), *extra])
            await send(message)

        await self.app(scope, receive, wrapped)

    @staticmethod
    async def _send_error(
        runtime: SimRuntime[Any, Any], send: Send, err: VendorError, extra: Headers, sent: list[int]
    ) -> None:
        rendered = runtime.spec.render_error(err)
        body = orjson.dumps(rendered.body)
        headers = [
            (b"content-type", b"application/json;charset=UTF-8"),
            *((k.lower().encode(), v.encode()) for k, v in rendered.headers.items()),
            *extra,
        ]
        await SimulatorMiddleware._send_raw(send, rendered.status, headers, body, sent)
