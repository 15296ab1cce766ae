"""Shared benchmark runner: serve an app in its own process, drive it from this one, print a table.

The server under test runs in a separate uvicorn process (uvloop + httptools, no access log, one worker:
the simulators' production settings). The load comes from this process over a bounded number of
keep-alive connections, for a bounded number of requests, with a lean HTTP/1.1 client (asyncio Protocols
and httptools' C response parser; one request in flight per connection, the next written from the
parser's callback), cheap enough that a run on one CPU measures the server on the other, not itself. Each
measurement is repeated and the median reported, because the machines are noisy; the generator's own CPU
share is printed so a run limited by the generator is visible.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote, urlsplit

import httptools
import httpx
import orjson
from rich.console import Console
from rich.table import Table

TOKEN = "bench-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
Request = tuple[str, str, Any]
"""(method, path, JSON body or None)."""


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(slots=True)
class Server:
    """A server process and its base URL."""

    url: str
    process: subprocess.Popen[bytes]


def _cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pin_server(pid: int) -> None:
    """Servers run on the last CPU; :func:`pin_generator` keeps the load generator off it."""
    cpus = _cpus()
    if len(cpus) > 1:
        os.sched_setaffinity(pid, {cpus[-1]})


def pin_generator() -> None:
    """Run this process (the load generator) on every CPU but the servers' one, so they do not compete."""
    cpus = _cpus()
    if len(cpus) > 1:
        os.sched_setaffinity(0, set(cpus[:-1]))


def _tail(log: IO[bytes], limit: int = 4000) -> str:
    """The end of a server's log file, read without moving the file offset the server writes at."""
    size = os.fstat(log.fileno()).st_size
    return os.pread(log.fileno(), limit, max(0, size - limit)).decode(errors="replace")


@contextlib.contextmanager
def serve(argv: Sequence[str], port: int, health_path: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``argv`` (which must listen on ``port``), wait until ``health_path`` answers, stop it afterwards.

    The server's stderr goes to a temporary file (a pipe nobody reads during a run could fill up and block a
    chatty server); its tail is in the error raised when the server exits or does not answer.
    """
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, **(env or {})})
        url = f"http://127.0.0.1:{port}"
        try:
            pin_server(proc.pid)
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{argv} exited with status {proc.returncode}; stderr ends with:\n{_tail(log)}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + health_path, timeout=1, trust_env=False).status_code < 500:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{argv} did not answer on {url}{health_path}; stderr ends with:\n{_tail(log)}")
                time.sleep(0.05)
            yield Server(url, proc)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def serve_simulator(
    system: str, *, profile: str = "small", seed: int = 42
) -> contextlib.AbstractContextManager[Server]:
    """One simulator, as ``p2c serve`` runs it."""
    port = free_port()
    argv = [sys.executable, "-m", "simulators", system, "--port", str(port), "--seed", str(seed), "--profile", profile]
    return serve(argv, port, "/__admin/health")


def serve_baseline() -> contextlib.AbstractContextManager[Server]:
    """The bare FastAPI dict-insert app (``load.benchmarks.baseline``) under the same uvicorn settings."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "load.benchmarks.baseline:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return serve(argv, port, "/docs")


@dataclass(slots=True)
class Measurement:
    """One bounded run: how many requests, how fast, how slow at the median and the tail."""

    label: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    generator_cpu: float
    server_cpu_us: float | None = None
    """The server process's CPU time per request (user + system), when its pid was given."""

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


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


async def _drive(
    base_url: str,
    make: Callable[[int], Request],
    total: int,
    concurrency: int,
    headers: dict[str, str],
    ok: Callable[[int], bool],
) -> tuple[list[float], int, float]:
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


def process_cpu_s(pid: int) -> float:
    """CPU seconds a process has used: the sum over its threads of ``/proc/<pid>/task/*/schedstat`` (nanosecond
    run time; the 10 ms ticks of ``/proc/<pid>/stat`` would make a short slice's figure jump by whole ticks),
    or those ticks (user + system) where schedstat is missing."""
    total_ns = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total_ns += int(stat.read().split()[0])
    except FileNotFoundError:
        total_ns = 0
    if total_ns:
        return total_ns / 1e9
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    label: str,
    base_url: str,
    make: Callable[[int], Request],
    *,
    total: int = 3000,
    concurrency: int = 16,
    headers: dict[str, str] | None = None,
    ok: Callable[[int], bool] = lambda s: s < 400,
    server_pid: int | None = None,
) -> Measurement:
    """Send ``total`` requests built by ``make(i)`` over ``concurrency`` connections; time them.

    With ``server_pid``, also the server's CPU time per request: steadier than throughput on a shared machine.
    """
    pin_generator()
    cpu0 = time.process_time()
    server0 = process_cpu_s(server_pid) if server_pid else 0.0
    latencies, errors, seconds = asyncio.run(_drive(base_url, make, total, concurrency, headers or AUTH, ok))
    cpu = time.process_time() - cpu0
    server_cpu = None
    if server_pid and latencies:
        server_cpu = (process_cpu_s(server_pid) - server0) / len(latencies) * 1e6
    ordered = sorted(latencies)
    return Measurement(
        label,
        len(latencies),
        errors,
        seconds,
        statistics.median(ordered),
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        cpu / seconds if seconds else 0.0,
        server_cpu,
    )


def warm(base_url: str, make: Callable[[int], Request], n: int = 200) -> None:
    """A short unmeasured run so connections, caches and the JIT-free interpreter are warm."""
    measure("warm-up", base_url, make, total=n, concurrency=4)


def print_table(title: str, rows: Sequence[Measurement], baseline: Measurement | None = None) -> None:
    """One row per measurement; the ratio column compares throughput with ``baseline``."""
    table = Table(title=title)
    cols = (
        "operation",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p99 ms",
        "vs baseline",
        "generator CPU",
        "server CPU µs/req",
    )
    for col in cols:
        table.add_column(col, justify="right" if col != "operation" else "left")
    for m in rows:
        ratio = f"{m.rps / baseline.rps:.2f}x" if baseline and baseline.rps else "-"
        table.add_row(
            m.label,
            str(m.requests),
            str(m.errors),
            f"{m.rps:,.0f}",
            f"{m.p50_ms:.2f}",
            f"{m.p99_ms:.2f}",
            ratio,
            f"{m.generator_cpu:.0%}",
            f"{m.server_cpu_us:.0f}" if m.server_cpu_us is not None else "-",
        )
    Console(width=max(140, Console().width)).print(table)
