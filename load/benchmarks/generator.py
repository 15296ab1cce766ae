"""The benchmarks' load generator: a lean HTTP/1.1 keep-alive client.

asyncio Protocols and httptools' C response parser; one request in flight per connection, the next written
from the parser's callback, no task or future per request. Cheap enough (a third of one CPU at 10k req/s)
that a run on one CPU measures the server on the other, not itself. Bounded in requests and in time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import httptools
import orjson

Request = tuple[str, str, Any]
"""(method, path, JSON body or None)."""


_SAFE = "/?:@!$&'()*+,;=%~"
"""Characters left as they are in a request target (``%`` too: a path may come percent-encoded already)."""


class _Run:
    """One bounded run: the next request's index, the results, and the future set when the last response is in."""

    def __init__(
        self,
        base_url: str,
        make: Callable[[int], Request],
        total: int,
        headers: dict[str, str],
        ok: Callable[[int], bool],
        done: asyncio.Future[None],
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"not a plain http://host:port base URL: {base_url}")
        self.url, self.host, self.port = base_url, parts.hostname, parts.port or 80
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": parts.netloc, **headers}.items()).encode("latin-1")
        self.make, self.total, self.ok, self.done = make, total, ok, done
        self.next = 0
        self.latencies: list[float] = []
        self.errors = 0
        self.open: set[_Connection] = set()
        self.reconnects: set[asyncio.Task[None]] = set()

    def request(self, i: int) -> bytes:
        """The ``i``-th request on the wire."""
        method, path, body = self.make(i)
        line = f"{method} {quote(path, safe=_SAFE)} HTTP/1.1\r\n".encode()
        if body is None:
            return line + self.head + b"\r\n"
        payload = orjson.dumps(body)
        return b"%s%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
            line,
            self.head,
            len(payload),
            payload,
        )

    def send(self, conn: _Connection) -> None:
        """Write the next request on ``conn``, if any is left."""
        i = self.next
        if i < self.total:
            self.next = i + 1
            data = self.request(i)
            conn.busy = True
            conn.sent_at = time.perf_counter()
            conn.transport.write(data)

    def received(self, conn: _Connection, status: int, keep_alive: bool) -> None:
        """A response is complete: record it, then reuse the connection (or replace it, if the server closes it)."""
        self.latencies.append((time.perf_counter() - conn.sent_at) * 1000)
        if not self.ok(status):
            self.errors += 1
        if len(self.latencies) == self.total:
            if not self.done.done():
                self.done.set_result(None)
        elif keep_alive:
            self.send(conn)
        else:
            conn.transport.close()
            if self.next < self.total:
                task = asyncio.get_running_loop().create_task(self.connect())
                self.reconnects.add(task)
                task.add_done_callback(self.reconnects.discard)

    def fail(self, exc: BaseException) -> None:
        """End the run with ``exc`` (the first failure wins)."""
        if not self.done.done():
            self.done.set_exception(exc)

    async def connect(self) -> None:
        """Open one more keep-alive connection; it starts sending at once. A failure ends the run."""
        try:
            await asyncio.get_running_loop().create_connection(lambda: _Connection(self), self.host, self.port)
        except OSError as exc:
            error = ConnectionError(f"cannot connect to {self.url}: {exc}")
            error.__cause__ = exc
            self.fail(error)


class _Connection(asyncio.Protocol):
    """One keep-alive connection, one request in flight; httptools calls :meth:`on_message_complete`."""

    transport: asyncio.Transport

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.parser = httptools.HttpResponseParser(self)
        self.busy = False
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.run.done.done():  # a replacement connection that opened after the run ended
            transport.close()
            return
        self.run.open.add(self)
        try:
            self.run.send(self)
        except Exception as exc:
            self.run.fail(exc)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:  # raised by our own code in the callback
            self.run.fail(exc.__context__ or exc)
        except httptools.HttpParserError as exc:
            self.run.fail(ConnectionError(f"invalid HTTP response from {self.run.url}: {exc!r}"))

    def on_message_complete(self) -> None:
        self.busy = False
        self.run.received(self, self.parser.get_status_code(), self.parser.should_keep_alive())

    def connection_lost(self, exc: Exception | None) -> None:
        self.run.open.discard(self)
        if self.busy:
            self.run.fail(ConnectionError(f"{self.run.url} closed a connection before answering ({exc or 'EOF'})"))


async def drive(
    base_url: str,
    make: Callable[[int], Request],
    total: int,
    concurrency: int,
    headers: dict[str, str],
    ok: Callable[[int], bool],
) -> tuple[list[float], int, float]:
    """Send ``total`` requests over ``concurrency`` connections: (latencies in ms, errors, seconds)."""
    run = _Run(base_url, make, total, headers, ok, asyncio.get_running_loop().create_future())
    started = time.perf_counter()
    try:
        if total > 0:
            for _ in range(min(concurrency, total)):
                if run.done.done():
                    break
                await run.connect()
            # Bounded in time as well as in requests: a server that stops answering ends the run.
            deadline_s = 120 + 0.05 * total
            try:
                await asyncio.wait_for(run.done, deadline_s)
            except TimeoutError:
                raise TimeoutError(
                    f"{base_url} answered {len(run.latencies)} of {total} requests in {deadline_s:.0f} s"
                ) from None
    finally:
        for conn in list(run.open):
            conn.transport.close()
        await asyncio.sleep(0)  # let the transports' connection_lost run before the loop closes
    return run.latencies, run.errors, time.perf_counter() - started
