"""The benchmark runner's arithmetic, its load generator against real servers on loopback, and its WireMock
lookup (the benchmarks themselves are run by hand)."""

from __future__ import annotations

import contextlib
import os
import socketserver
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from load.benchmarks import wiremock
from load.benchmarks.__main__ import FASTAPI, Results
from load.benchmarks.common import AUTH, Measurement, Request, free_port, measure, serve, serve_baseline
from load.benchmarks.faults import combined


def _m(rps: float, cpu_us: float, requests: int = 1000) -> Measurement:
    return Measurement("x", requests, 0, requests / rps, 1.0, 2.0, 0.5, cpu_us)


def test_ratios_pair_each_measurement_with_the_fastapi_one_taken_next_to_it() -> None:
    results = Results()
    # The second pair is slow for everyone (a noisy neighbour): paired ratios ignore it, medians of rows would not.
    for ref_rps, sim_rps in ((1000, 1200), (500, 600), (1000, 1100)):
        fastapi = _m(ref_rps, 1e6 / ref_rps)
        results.add(FASTAPI, "read", fastapi)
        results.add("ERP", "read", _m(sim_rps, 1e6 / sim_rps), fastapi)

    assert results.ratio("ERP", FASTAPI, "read") == pytest.approx(1.2)
    assert results.cpu_ratio("ERP", FASTAPI, "read") == pytest.approx(1.2)
    assert results.median("ERP", "read").rps == pytest.approx(1100)
    assert results.ratio("ERP", "WireMock stub", "read") is None  # a reference that did not run


def test_ratios_to_wiremock_pair_the_measurements_of_one_round() -> None:
    results = Results()
    for wiremock_rps, sim_rps, fastapi_rps in ((100, 1000, 900), (50, 600, 500)):
        results.add("WireMock stub", "create", _m(wiremock_rps, 1e6 / wiremock_rps), _m(fastapi_rps, 1.0))
        results.add("ERP", "create", _m(sim_rps, 1e6 / sim_rps), _m(fastapi_rps, 1.0))

    assert results.ratio("ERP", "WireMock stub", "create") == pytest.approx((10 + 12) / 2)
    assert results.ratio(FASTAPI, "WireMock stub", "create") == pytest.approx((9 + 10) / 2)


def test_slices_combine_into_one_measurement_weighted_by_requests() -> None:
    whole = combined([_m(1000, 100.0, requests=100), _m(500, 200.0, requests=300)])

    assert whole.requests == 400
    assert whole.server_cpu_us == pytest.approx((100 * 100 + 200 * 300) / 400)
    assert whole.rps == pytest.approx(400 / (0.1 + 0.6))


def test_wiremock_is_skipped_with_a_reason_without_its_jar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("P2C_WIREMOCK_JAR", str(tmp_path / "missing.jar"))
    assert wiremock.find_jar() is None
    assert wiremock.unavailable() is not None

    jar = tmp_path / "wiremock-standalone-3.13.2.jar"
    jar.write_bytes(b"PK")
    monkeypatch.setenv("P2C_WIREMOCK_JAR", str(jar))
    assert wiremock.find_jar() == jar


@pytest.fixture
def keep_affinity() -> Iterator[None]:
    """``measure`` pins this process to the generator's CPUs: give the next tests every CPU back."""
    cpus = os.sched_getaffinity(0)
    yield
    os.sched_setaffinity(0, cpus)


@pytest.mark.servers_only
@pytest.mark.usefixtures("keep_affinity")
def test_measure_creates_then_reads_on_the_baseline_app() -> None:
    n = 300
    with serve_baseline() as base:
        creates = measure(
            "create",
            base.url,
            lambda i: ("POST", "/items", {"name": f"item {i}", "i": i}),
            total=n,
            concurrency=8,
            ok=lambda status: status == 201,
            server_pid=base.process.pid,
        )
        reads = measure(
            "read",
            base.url,
            lambda i: ("GET", f"/items/{1 + i % n}", None),
            total=n,
            concurrency=8,
            ok=lambda s: s == 200,
        )
        # Every other read asks for an id that was never created: the default ``ok`` (status < 400) counts the 404s.
        missing = measure(
            "missing", base.url, lambda i: ("GET", f"/items/{n + 1 + i}" if i % 2 else "/items/1", None), total=40
        )
        with httpx.Client(base_url=base.url, trust_env=False) as client:
            stored = [client.get(f"/items/{item_id}") for item_id in range(1, n + 2)]

    assert (creates.requests, creates.errors) == (n, 0)
    assert (reads.requests, reads.errors) == (n, 0)
    assert (missing.requests, missing.errors) == (40, 20)
    assert creates.server_cpu_us is not None
    assert creates.server_cpu_us > 0
    assert 0 < creates.p50_ms <= creates.p99_ms
    assert [r.status_code for r in stored] == [200] * n + [404]  # exactly n creates reached the server
    assert sorted(r.json()["i"] for r in stored[:n]) == list(range(n))  # each create once, its body intact


class _Scripted(socketserver.StreamRequestHandler):
    """A keep-alive HTTP/1.1 server by hand: chunked and sized bodies, ``Connection: close`` on every fourth
    response of a connection, 404 for ``/missing``, and a dropped connection (no answer) for ``/drop``."""

    server: _ScriptedServer

    def handle(self) -> None:
        self.server.connections += 1
        with contextlib.suppress(ConnectionResetError):  # the client closing the rest after a failed run
            self.serve()

    def serve(self) -> None:
        for served in range(1, 1_000_000):
            line = self.rfile.readline()
            if not line:
                return
            headers = {}
            while (header := self.rfile.readline()) not in (b"\r\n", b""):
                name, value = header.decode("latin-1").split(":", 1)
                headers[name.lower()] = value.strip()
            body = self.rfile.read(int(headers.get("content-length", "0")))
            self.server.seen.append((line.decode("latin-1"), headers, body))
            path = line.split()[1]
            if path == b"/drop":
                return
            status = b"404 Not Found" if path == b"/missing" else b"200 OK"
            close = served % 4 == 0
            if served % 2:
                head = b"HTTP/1.1 %s\r\nTransfer-Encoding: chunked\r\n" % status
                payload = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            else:
                head = b"HTTP/1.1 %s\r\nContent-Length: 11\r\n" % status
                payload = b"hello world"
            self.wfile.write(head + (b"Connection: close\r\n" if close else b"") + b"\r\n" + payload)
            if close:
                return


class _ScriptedServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Scripted)
        self.connections = 0
        self.seen: list[tuple[str, dict[str, str], bytes]] = []


@pytest.fixture
def scripted() -> Iterator[_ScriptedServer]:
    """The scripted server, serving from a thread of this process."""
    server = _ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.usefixtures("keep_affinity")
def test_measure_reads_chunked_and_sized_bodies_and_reconnects_after_connection_close(
    scripted: _ScriptedServer,
) -> None:
    url = f"http://127.0.0.1:{scripted.server_address[1]}"

    def make(i: int) -> Request:
        return ("POST", "/items", {"i": i}) if i % 2 else ("GET", "/missing" if i % 5 == 0 else "/x y", None)

    m = measure("scripted", url, make, total=60, concurrency=1)

    assert (m.requests, m.errors) == (60, 6)  # i = 0, 10, 20, ... read /missing
    assert scripted.connections == 15  # every fourth response closes its connection; all but the last are replaced
    assert len(scripted.seen) == 60
    port = url.rsplit(":", 1)[1]
    for line, headers, body in scripted.seen:
        assert headers["host"] == f"127.0.0.1:{port}"
        assert headers["authorization"] == AUTH["Authorization"]
        if line.startswith("POST"):
            assert line == "POST /items HTTP/1.1\r\n"
            assert headers["content-type"] == "application/json"
            assert int(headers["content-length"]) == len(body)
        else:
            assert line in ("GET /missing HTTP/1.1\r\n", "GET /x%20y HTTP/1.1\r\n")
            assert "content-length" not in headers
            assert body == b""
    assert sorted(orjson.loads(body)["i"] for _, _, body in scripted.seen if body) == list(range(1, 60, 2))


@pytest.mark.usefixtures("keep_affinity")
def test_measure_fails_naming_the_server_when_it_drops_a_connection(scripted: _ScriptedServer) -> None:
    url = f"http://127.0.0.1:{scripted.server_address[1]}"

    with pytest.raises(ConnectionError, match=f"{url} closed a connection before answering"):
        measure("drop", url, lambda i: ("GET", "/drop" if i == 7 else "/ok", None), total=20, concurrency=2)


@pytest.mark.usefixtures("keep_affinity")
def test_measure_raises_when_nothing_listens() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(ConnectionError, match=f"cannot connect to {url}"):
        measure("refused", url, lambda i: ("GET", "/", None), total=10, concurrency=2)


def test_serve_reports_the_end_of_the_servers_stderr_when_it_exits() -> None:
    script = "import sys; sys.stderr.write('noise\\n' * 5000 + 'bind failed: port in use\\n'); sys.exit(3)"

    with pytest.raises(RuntimeError) as error, serve([sys.executable, "-c", script], free_port(), "/"):
        pass

    message = str(error.value)
    assert "exited with status 3; stderr ends with:\n" in message
    assert message.endswith("noise\nnoise\nbind failed: port in use\n")
    assert message.count("noise\n") < 1000  # the tail only
