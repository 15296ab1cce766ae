"""Serve a simulator with uvicorn (uvloop + httptools, no access log: the journal records requests).

uvicorn writes a response's status line and headers as soon as the app sends ``http.response.start``, and
its body with the next message: two ``send`` system calls and two TCP segments for every response with a
body, where the client could have had one. :class:`CoalescingHttpToolsProtocol` hands uvicorn's protocol a
transport that holds a response head until the body's write, or until the end of the event loop's turn
when no body follows in the same turn (a bodyless 204, a streaming response), so every small response
leaves in one write.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from simulators._core.tls import TlsFiles

_HEAD_START = b"HTTP/1.1 "
_HEAD_END = b"\r\n\r\n"


class CoalescingTransport:
    """A transport that sends a response head together with the write that follows it.

    A write that looks like a head (a status line through the blank line) is held; the next write goes out
    with it in one system call. A held head is also written at the end of the event loop's current turn,
    and before the transport closes, aborts or hands over the connection, so it is never lost or late.
    Every other call goes straight to the wrapped transport.
    """

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Hold a response head; write anything else, after the held head if there is one."""
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data[:9] == _HEAD_START and data[-4:] == _HEAD_END:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Write a held head now."""
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def writelines(self, chunks: Any) -> None:
        """Write several chunks (after a held head)."""
        self.write(b"".join(chunks))

    def close(self) -> None:
        """Write a held head, then close."""
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        """Write a held head, then drop the connection (what a fault that cuts a response short expects)."""
        self.flush()
        self._transport.abort()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Hand the connection over (a WebSocket upgrade) once the held head is out."""
        self.flush()
        self._transport.set_protocol(protocol)

    def is_closing(self) -> bool:
        """Whether the wrapped transport is closing."""
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The wrapped transport's extra info (socket, peername, sslcontext...)."""
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        """Pause reading from the wrapped transport."""
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        """Resume reading from the wrapped transport."""
        self._transport.resume_reading()

    def __getattr__(self, name: str) -> Any:
        self.flush()
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, writing each response head together with its body."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]


def uvicorn_config(app: ASGIApp, host: str = "127.0.0.1", port: int = 0, tls: TlsFiles | None = None) -> uvicorn.Config:
    """A uvicorn config tuned for the simulators (see DESIGN.md section 10)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio",
        http=CoalescingHttpToolsProtocol,
        access_log=False,
        log_level="warning",
        lifespan="off",
        ssl_certfile=str(tls.server_cert) if tls else None,
        ssl_keyfile=str(tls.server_key) if tls else None,
        timeout_keep_alive=30,
    )


def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 8000, tls: TlsFiles | None = None) -> None:
    """Run until interrupted."""
    uvicorn.Server(uvicorn_config(app, host, port, tls)).run()
