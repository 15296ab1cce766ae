"""``p2c sandbox up`` serves CRM :8101, PSA :8102, ERP :8103 and the orchestrator :8100 until stopped."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import pytest

from harness.fleet import SANDBOX_PORTS

pytestmark = pytest.mark.servers_only


def _wait(url: str, deadline: float) -> httpx.Response:
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=1.0, trust_env=False)
        except httpx.HTTPError as exc:
            last = exc
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer: {last}")


def _collect(stream: IO[bytes], lines: list[str], ready: threading.Event) -> None:
    for raw in iter(stream.readline, b""):
        lines.append(raw.decode())
        if "Ctrl-C stops everything" in lines[-1]:
            ready.set()


def test_sandbox_up_serves_the_four_ports_and_stops_on_sigint(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.main", "sandbox", "up", "--seed", "7", "--faults", "flaky-erp"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    ready = threading.Event()
    assert proc.stdout is not None
    reader = threading.Thread(target=_collect, args=(proc.stdout, lines, ready), daemon=True)
    reader.start()
    try:
        assert ready.wait(60), "".join(lines)
        deadline = time.monotonic() + 30
        for system in ("crm", "psa", "erp"):
            health = _wait(f"http://127.0.0.1:{SANDBOX_PORTS[system]}/__admin/health", deadline).json()
            assert {k: health[k] for k in ("status", "system", "seed", "profile")} == {
                "status": "ok",
                "system": system,
                "seed": 7,
                "profile": "small",
            }
        assert _wait(f"http://127.0.0.1:{SANDBOX_PORTS['orchestrator']}/health", deadline).status_code == 200
        faults = _wait(f"http://127.0.0.1:{SANDBOX_PORTS['erp']}/__admin/faults", deadline).json()["faults"]
        assert [f["id"] for f in faults] == ["flaky-erp-latency", "flaky-erp-503", "flaky-erp-lost-response"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=10)
        proc.stdout.close()
    text = "".join(lines)
    assert proc.returncode == 0, text
    for port in SANDBOX_PORTS.values():
        assert f"127.0.0.1:{port}" in text
    assert "sandbox stopped" in text
    assert "fault profile flaky-erp: crm 0 rules, psa 0 rules, erp 3 rules" in text


def test_fleet_refuses_a_port_another_process_holds(tmp_path: Path) -> None:
    import socket

    from harness.fleet import FleetError, free_port, running_fleet

    busy = socket.socket()
    busy.bind(("127.0.0.1", free_port()))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        with pytest.raises(FleetError, match=rf"erp :{port}"), running_fleet(ports={"erp": port}, run_dir=tmp_path):
            pass
    finally:
        busy.close()


def test_a_tls_fleet_serves_https_that_the_local_ca_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.fleet import local_ca_context, running_fleet

    monkeypatch.setenv("P2C_HOME", str(tmp_path / "home"))
    with running_fleet(orchestrator=False, run_dir=tmp_path / "run", tls=True) as fleet:
        ca = local_ca_context()
        for system, url in fleet.urls.items():
            assert url.startswith("https://127.0.0.1:")
            health = httpx.get(f"{url}/__admin/health", verify=ca, trust_env=False).json()
            assert health["system"] == system
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{fleet.url('erp')}/__admin/health", trust_env=False, verify=True)


def test_a_fleet_in_a_reused_run_folder_starts_its_orchestrator_on_a_fresh_ledger(tmp_path: Path) -> None:
    """Same seed, same ids: a previous run's ledger would mark this run's work as already done."""
    import sqlite3

    from harness.fleet import running_fleet

    (tmp_path / "orchestrator.sqlite").write_bytes(b"a previous run's ledger")
    (tmp_path / "orchestrator.sqlite-wal").write_bytes(b"")
    (tmp_path / "orchestrator.log").write_text("a previous run's log\n")
    with running_fleet(profile="small", run_dir=tmp_path) as fleet:
        assert httpx.get(fleet.url("orchestrator") + "/health", trust_env=False).status_code == 200
    with sqlite3.connect(tmp_path / "orchestrator.sqlite") as db:
        assert db.execute("select count(*) from postings").fetchone() == (0,)
    assert "a previous run's log" not in (tmp_path / "orchestrator.log").read_text()
