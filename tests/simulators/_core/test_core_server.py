"""The simulators' uvicorn protocol: a response head leaves in the same write as its body."""

from __future__ import annotations

import asyncio
import socket
import struct
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from simulators._core.server import CoalescingHttpToolsProtocol, CoalescingTransport, uvicorn_config

HEAD = b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n"


class RecordingTransport:
    """The asyncio side of a connection: what was written, and whether it was closed or aborted."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.events: list[str] = []

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))
        self.events.append("write")

    def is_closing(self) -> bool:
        return "close" in self.events or "abort" in self.events

    def close(self) -> None:
        self.events.append("close")

    def abort(self) -> None:
        self.events.append("abort")

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


def _transport() -> tuple[CoalescingTransport, RecordingTransport]:
    inner = RecordingTransport()
    return CoalescingTransport(inner, asyncio.get_running_loop()), inner  # type: ignore[arg-type]


def test_a_head_and_its_body_leave_in_one_write() -> None:
    asyncio.run(_test_a_head_and_its_body_leave_in_one_write())


async def _test_a_head_and_its_body_leave_in_one_write() -> None:
    outer, inner = _transport()
    outer.write(HEAD)
    assert inner.writes == []
    outer.write(b"{}")
    assert inner.writes == [HEAD + b"{}"]
    await asyncio.sleep(0)  # the end-of-turn flush finds nothing left to write
    assert inner.writes == [HEAD + b"{}"]


def test_a_head_without_a_body_in_the_same_turn_leaves_at_the_end_of_the_turn() -> None:
    asyncio.run(_test_a_head_without_a_body_in_the_same_turn_leaves_at_the_end_of_the_turn())


async def _test_a_head_without_a_body_in_the_same_turn_leaves_at_the_end_of_the_turn() -> None:
    outer, inner = _transport()
    outer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert inner.writes == []
    await asyncio.sleep(0)
    assert inner.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]


def test_other_writes_go_straight_through() -> None:
    asyncio.run(_test_other_writes_go_straight_through())


async def _test_other_writes_go_straight_through() -> None:
    outer, inner = _transport()
    outer.write(b"5\r\nhello\r\n")
    outer.writelines([b"0\r\n", b"\r\n"])
    assert inner.writes == [b"5\r\nhello\r\n", b"0\r\n\r\n"]


def test_closing_or_aborting_writes_the_held_head_first() -> None:
    asyncio.run(_test_closing_or_aborting_writes_the_held_head_first())


async def _test_closing_or_aborting_writes_the_held_head_first() -> None:
    for end in ("close", "abort"):
        outer, inner = _transport()
        outer.write(HEAD)
        getattr(outer, end)()
        assert inner.events == ["write", end]
        assert inner.writes == [HEAD]
        await asyncio.sleep(0)
        assert inner.writes == [HEAD]  # not written twice


def test_a_held_head_is_dropped_when_the_connection_is_already_closing() -> None:
    asyncio.run(_test_a_held_head_is_dropped_when_the_connection_is_already_closing())


async def _test_a_held_head_is_dropped_when_the_connection_is_already_closing() -> None:
    outer, inner = _transport()
    outer.write(HEAD)
    inner.close()
    await asyncio.sleep(0)
    assert inner.writes == []


def test_anything_else_is_answered_by_the_wrapped_transport_after_the_head() -> None:
    asyncio.run(_test_anything_else_is_answered_by_the_wrapped_transport_after_the_head())


async def _test_anything_else_is_answered_by_the_wrapped_transport_after_the_head() -> None:
    outer, inner = _transport()
    assert outer.get_extra_info("peername") == ("127.0.0.1", 1)
    outer.write(HEAD)
    inner.extra = "x"  # type: ignore[attr-defined]
    assert outer.extra == "x"
    assert inner.writes == [HEAD]


def test_the_simulators_serve_with_the_coalescing_protocol() -> None:
    config = uvicorn_config(Starlette())
    assert config.http is CoalescingHttpToolsProtocol


async def _stream() -> AsyncIterator[bytes]:
    yield b"first,"
    await asyncio.sleep(0.01)
    yield b"second"


async def _created(request: Request) -> Response:
    return JSONResponse(await request.json(), status_code=201)


def _app() -> Starlette:
    return Starlette(
        routes=[
            Route("/created", _created, methods=["POST"]),
            Route("/empty", lambda request: Response(status_code=204)),
            Route("/streamed", lambda request: StreamingResponse(_stream())),
            Route("/big", lambda request: Response(b"x" * 1_000_000)),
        ]
    )


def test_every_kind_of_response_arrives_whole_over_one_keep_alive_connection(
    live_server: Callable[..., str],
) -> None:
    url = live_server(_app())
    with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
        for n in range(3):
            created = client.post("/created", json={"n": n})
            assert (created.status_code, created.json()) == (201, {"n": n})
            empty = client.get("/empty")
            assert (empty.status_code, empty.content) == (204, b"")
            streamed = client.get("/streamed")
            assert (streamed.status_code, streamed.content) == (200, b"first,second")
            assert streamed.headers["transfer-encoding"] == "chunked"
            big = client.get("/big")
            assert (big.status_code, len(big.content)) == (200, 1_000_000)
            head = client.head("/big")
            assert (head.status_code, head.content) == (200, b"")


def _data_segments_in(sock: socket.socket) -> int:
    """Segments with data this socket has received (Linux ``tcp_info.tcpi_data_segs_in``)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    return int(struct.unpack_from("I", info, 152)[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the kernel's TCP segment counters")
def test_a_small_response_reaches_the_client_in_one_segment(live_server: Callable[..., str]) -> None:
    url = live_server(_app())
    host, port = url.removeprefix("http://").split(":")
    body = b'{"n": 1}'
    request = b"POST /created HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for _ in range(20):
            before = _data_segments_in(sock)
            sock.sendall(request)
            response = b""
            while not response.endswith(b'{"n":1}'):
                response += sock.recv(65536)
            assert response.startswith(b"HTTP/1.1 201 ")
            assert _data_segments_in(sock) - before == 1  # stock uvicorn sends the head and the body apart
