"""Shared benchmark runner: serve an app in its own process, drive it from this one, print a table.

The server under test runs in a separate uvicorn process (uvloop + httptools, no access log, one worker:
the simulators' production settings). The load comes from this process over a bounded number of
keep-alive connections, for a bounded number of requests, with the lean HTTP/1.1 client of
:mod:`load.benchmarks.generator`, cheap enough that a run on one CPU measures the server on the other. Each
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
from typing import IO

import httpx
from rich.console import Console
from rich.table import Table

from load.benchmarks.generator import Request as Request  # re-exported: the benchmarks build requests
from load.benchmarks.generator import drive

TOKEN = "bench-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


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
def serve(
    argv: Sequence[str],
    port: int,
    health_path: str,
    env: dict[str, str] | None = None,
    start_timeout_s: float = 30,
) -> Iterator[Server]:
    """Start ``argv`` (which must listen on ``port``), wait until ``health_path`` answers, stop it afterwards.

    The server's stderr goes to a temporary file (a pipe nobody reads during a run could fill up and block a
    chatty server); its tail is in the error raised when the server exits or does not answer.
    """
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, **(env or {})})
        url = f"http://127.0.0.1:{port}"
        try:
            pin_server(proc.pid)
            deadline = time.monotonic() + start_timeout_s
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
    latencies, errors, seconds = asyncio.run(drive(base_url, make, total, concurrency, headers or AUTH, ok))
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
