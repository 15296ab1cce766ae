"""Start and stop the simulators and the orchestrator as real processes on loopback.

One process per simulator (in-memory state must not be split across workers). Output of each process
goes to a log file in the run directory, so a failing run can be read afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SYSTEMS = ("crm", "psa", "erp")
SANDBOX_PORTS = {"orchestrator": 8100, "crm": 8101, "psa": 8102, "erp": 8103}


class FleetError(RuntimeError):
    """A process did not start or did not become healthy."""


def local_ca_context() -> ssl.SSLContext:
    """An SSL context that trusts the simulators' local CA."""
    from simulators._core.tls import ensure_local_ca

    return ssl.create_default_context(cafile=str(ensure_local_ca().ca_cert))


def free_port(host: str = "127.0.0.1") -> int:
    """An unused TCP port on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


@dataclass(slots=True)
class Service:
    """One running process."""

    name: str
    url: str
    health_path: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    verify: ssl.SSLContext | bool = True
    """What TLS certificates to trust: the local CA for a simulator served with ``--tls``."""

    @property
    def port(self) -> int:
        """The port of ``url``."""
        return int(self.url.rsplit(":", 1)[1])

    def start(self) -> None:
        """Spawn the process (its output goes to ``log_path``)."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
        )
        log.close()

    def wait_healthy(self, deadline_s: float = 30.0) -> None:
        """Poll the health endpoint until it answers 200."""
        end = time.monotonic() + deadline_s
        last = ""
        while time.monotonic() < end:
            if self.process is not None and self.process.poll() is not None:
                raise FleetError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                resp = httpx.get(self.url + self.health_path, timeout=1.0, trust_env=False, verify=self.verify)
                if resp.status_code == 200:
                    return
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(0.05)
        raise FleetError(f"{self.name} not healthy at {self.url} after {deadline_s}s ({last}); see {self.log_path}")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 10.0) -> None:
        """Stop the process (SIGTERM, then SIGKILL after ``timeout_s``)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout_s)

    def kill(self) -> None:
        """SIGKILL: the crash case."""
        self.stop(signal.SIGKILL)


@dataclass(slots=True)
class Fleet:
    """The simulators and (optionally) the reference orchestrator."""

    run_dir: Path
    seed: int = 42
    profile: str = "small"
    services: dict[str, Service] = field(default_factory=dict)

    def url(self, name: str) -> str:
        """Base URL of a service."""
        return self.services[name].url

    @property
    def urls(self) -> dict[str, str]:
        """Base URLs by service name."""
        return {name: svc.url for name, svc in self.services.items()}

    def add_simulator(self, system: str, port: int, *, tls: bool = False) -> Service:
        """Declare a simulator process."""
        argv = [
            sys.executable,
            "-m",
            "simulators",
            system,
            "--port",
            str(port),
            "--seed",
            str(self.seed),
            "--profile",
            self.profile,
        ]
        verify: ssl.SSLContext | bool = True
        if tls:
            argv.append("--tls")
            verify = local_ca_context()
        scheme = "https" if tls else "http"
        svc = Service(
            system,
            f"{scheme}://127.0.0.1:{port}",
            "/__admin/health",
            argv,
            dict(os.environ),
            self.run_dir / f"{system}.log",
            verify=verify,
        )
        svc.log_path.unlink(missing_ok=True)  # one run's log per run folder
        self.services[system] = svc
        return svc

    def add_orchestrator(self, port: int, env: Mapping[str, str] | None = None) -> Service:
        """Declare the reference orchestrator, wired to the declared simulators."""
        ledger = self.run_dir / "orchestrator.sqlite"
        if not (env or {}).get("ORCH_DB_PATH"):
            # The simulators start from a freshly seeded world, so a ledger left in a reused run folder would
            # hold a previous run's inbox and postings (same seed, same ids) and silently skip this run's work.
            for suffix in ("", "-wal", "-shm"):
                ledger.with_name(ledger.name + suffix).unlink(missing_ok=True)
        (self.run_dir / "orchestrator.log").unlink(missing_ok=True)
        cfg = {
            "ORCH_PORT": str(port),
            "ORCH_SEED": str(self.seed),
            "ORCH_DB_PATH": str(ledger),
            **{f"ORCH_{s.upper()}_URL": self.services[s].url for s in SYSTEMS if s in self.services},
            **(env or {}),
        }
        svc = Service(
            "orchestrator",
            f"http://127.0.0.1:{port}",
            "/health",
            [sys.executable, "-m", "harness.orchestrator"],
            {**os.environ, **cfg},
            self.run_dir / "orchestrator.log",
        )
        self.services["orchestrator"] = svc
        return svc

    def start(self) -> None:
        """Start everything (in parallel) and wait until all are healthy."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        taken = [f"{svc.name} :{svc.port}" for svc in self.services.values() if not port_is_free(svc.port)]
        if taken:
            # Otherwise another process could answer our health checks and stand in for ours.
            raise FleetError(f"ports already in use: {', '.join(taken)} (is another sandbox running?)")
        for svc in self.services.values():
            svc.start()
        try:
            for svc in self.services.values():
                svc.wait_healthy()
        except BaseException:  # FleetError, or Ctrl-C during start-up: never leave processes behind
            self.stop()
            raise

    def restart_orchestrator(self, *, fresh: bool = True, env: Mapping[str, str] | None = None) -> None:
        """Stop the orchestrator and start it again (with an empty ledger when ``fresh``)."""
        svc = self.services["orchestrator"]
        svc.stop()
        if env:
            svc.env.update(env)
        if fresh:
            db = Path(svc.env["ORCH_DB_PATH"])
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(str(db) + suffix).unlink()
        svc.start()
        svc.wait_healthy()

    def stop(self) -> None:
        """Stop every process."""
        for svc in reversed(list(self.services.values())):
            svc.stop()


@contextlib.contextmanager
def running_fleet(
    *,
    seed: int = 42,
    profile: str = "small",
    orchestrator: bool = True,
    orchestrator_env: Mapping[str, str] | None = None,
    ports: Mapping[str, int] | None = None,
    run_dir: Path | None = None,
    tls: bool = False,
    versions: Mapping[str, str] | None = None,
) -> Iterator[Fleet]:
    """Start the three simulators (and the orchestrator) on free or given ports; stop them afterwards.

    ``versions`` runs a system at a vendor API version profile (``{"erp": "2026.2"}``; a name or a .toml path).
    """
    with contextlib.ExitStack() as stack:
        if run_dir is None:
            run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="p2c-run-")))
        fleet = Fleet(run_dir=run_dir, seed=seed, profile=profile)
        chosen = dict(ports or {})
        for system in SYSTEMS:
            svc = fleet.add_simulator(system, chosen.get(system) or free_port(), tls=tls)
            if versions and versions.get(system):
                svc.env[f"SIM_{system.upper()}_API_VERSION"] = versions[system]
        if orchestrator:
            fleet.add_orchestrator(chosen.get("orchestrator") or free_port(), orchestrator_env)
        fleet.start()
        try:
            yield fleet
        finally:
            fleet.stop()
