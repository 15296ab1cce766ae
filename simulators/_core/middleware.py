"""The outermost ASGI layer of every simulator: journal, request policy and transport faults.

Pure ASGI (no per-request Starlette objects) so the hot path stays lean: with no fault rule installed a
request costs a header scan, two policy calls and a journal append.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators._core.errors import VendorError
from simulators._core.faults import FaultKind, FaultPhase, FaultRule, RequestFacts
from simulators._core.journal import FaultFiring, JournalEntry
from simulators._core.runtime import DEFAULT_TENANT, TENANT_HEADER, RequestInfo, SimRuntime

PASSTHROUGH_PREFIXES = ("/__admin", "/openapi.json", "/docs", "/redoc")


class ConnectionResetByFault(ConnectionResetError):
    """Raised in-process (no socket to reset) when a CONNECTION_RESET fault fires."""


def _transport_of(send: Send) -> asyncio.Transport | None:
    # The outermost layer receives the server's own ``send``: under uvicorn it is a bound method of the
    # request cycle, which holds the connection's transport.
    owner = getattr(send, "__self__", None)
    transport = getattr(owner, "transport", None)
    return transport if callable(getattr(transport, "abort", None)) else None


async def reset_connection(send: Send, rule_id: str) -> None:
    """Drop the connection with a TCP RST; in-process, raise :class:`ConnectionResetByFault`."""
    transport = _transport_of(send)
    if transport is None:
        raise ConnectionResetByFault(f"connection reset by fault rule {rule_id}")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await asyncio.sleep(0)  # let the server see the connection as lost before the app returns


class SimulatorMiddleware:
    """Journal every vendor request, apply the vendor's request policy and fire fault rules."""

    def __init__(self, app: ASGIApp, runtime_getter: Any) -> None:
        self.app = app
        self._runtime = runtime_getter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PASSTHROUGH_PREFIXES):
            await self.app(scope, receive, send)
            return
        runtime: SimRuntime[Any, Any] = self._runtime()
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            # Stock clients (simple-salesforce among them) post to ".../sobjects/Account/".
            path = path.rstrip("/")
            scope = dict(scope, path=path, raw_path=path.encode())
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        req = RequestInfo(scope["method"], path, headers, headers.get(TENANT_HEADER, DEFAULT_TENANT))
        journal_id = runtime.journal.next_id()
        started = time.perf_counter()
        at = runtime.clock.now().isoformat()
        status = 0
        started_status: list[int] = [0]
        firing: FaultRule | None = None

        def record() -> None:
            runtime.journal.record(
                JournalEntry(
                    id=journal_id,
                    at=at,
                    method=req.method,
                    path=path,
                    query=scope.get("query_string", b"").decode("latin-1"),
                    status=status or started_status[0],
                    tenant=req.tenant,
                    correlation_id=headers.get("x-correlation-id"),
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                    fault=FaultFiring(firing.id, firing.kind.value, firing.phase.value) if firing else None,
                )
            )

        policy = runtime.spec.policy
        extra_headers: list[tuple[bytes, bytes]] = []
        try:
            if policy is not None:
                refused = policy.admit(runtime, req)
                if refused is not None:
                    status = await self._send_error(runtime, send, refused, [])
                    return
                extra_headers = policy.response_headers(runtime, req)

            facts = RequestFacts(req.method, path, headers, req.tenant)
            faults = runtime.faults
            if not faults.empty:
                firing = faults.fire(facts, FaultPhase.BEFORE)
                if firing is not None:
                    if firing.kind is FaultKind.DELAY:
                        await asyncio.sleep(firing.params.delay_ms / 1000)
                    elif firing.kind is FaultKind.HTTP_ERROR:
                        err = runtime.spec.transport_error(firing.params.status, firing.params.message)
                        status = await self._send_error(runtime, send, err, extra_headers)
                        return
                    else:
                        await reset_connection(send, firing.id)
                        return

            if faults.empty or not faults.may_fire(facts, FaultPhase.AFTER):
                status = await self._run(scope, receive, send, extra_headers, started_status)
                return

            # An after-phase rule may fire: run the handler to completion, then decide on the response.
            buffered: list[Message] = []

            async def capture(message: Message) -> None:
                buffered.append(message)

            status = await self._run(scope, receive, capture, extra_headers, started_status)
            after = faults.fire(facts, FaultPhase.AFTER)
            if after is not None:
                firing = after
                if after.kind is FaultKind.CONNECTION_RESET:
                    status = 0
                    await reset_connection(send, after.id)
                    return
                if after.kind is FaultKind.HTTP_ERROR:
                    err = runtime.spec.transport_error(after.params.status, after.params.message)
                    status = await self._send_error(runtime, send, err, extra_headers)
                    return
                await asyncio.sleep(after.params.delay_ms / 1000)
            for message in buffered:
                await send(message)
        except ConnectionResetByFault:
            status = 0
            started_status[0] = 0
            raise
        finally:
            record()

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, extra_headers: list[tuple[bytes, bytes]], seen: list[int]
    ) -> int:
        status = 0

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = seen[0] = message["status"]
                if extra_headers:
                    message = dict(message, headers=[*message.get("headers", []), *extra_headers])
            await send(message)

        await self.app(scope, receive, wrapped)
        return status

    @staticmethod
    async def _send_error(
        runtime: SimRuntime[Any, Any], send: Send, err: VendorError, extra: list[tuple[bytes, bytes]]
    ) -> int:
        rendered = runtime.spec.render_error(err)
        body = orjson.dumps(rendered.body)
        headers = [
            (b"content-type", b"application/json;charset=UTF-8"),
            (b"content-length", str(len(body)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in rendered.headers.items()),
            *extra,
        ]
        await send({"type": "http.response.start", "status": rendered.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return rendered.status
