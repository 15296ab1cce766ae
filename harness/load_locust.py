"""Running Locust in its own processes (headless, or a master with workers), bounded in time.

Nothing here imports Locust: it runs as ``python -m locust`` in subprocesses (it monkey-patches its process
with gevent).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from harness.engine import SYSTEM_TOKENS
from harness.fleet import Fleet, free_port
from harness.load_stats import LoadError

STOP_TIMEOUT_S = 10
"""Locust's ``--stop-timeout``: at the end of the run, users finish their current cycle for up to this long."""


def tail_of(path: Path, lines: int = 15) -> str:
    """The last lines of a log (error messages carry them: a temporary run directory is removed)."""
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def locust_commands(
    locustfile: Path,
    host: str,
    *,
    users: int,
    spawn_rate: float,
    duration: str,
    workers: int,
    stats_json: Path,
    csv_prefix: Path | None,
    html: Path | None,
) -> list[list[str]]:
    """The ``python -m locust`` command lines of a headless, bounded run: the runner first, then workers.

    With ``workers`` > 0 the first command is a master that waits for that many ``--worker`` processes
    (Locust's own distributed mode, on loopback here; the same flags scale out to other machines). Only
    the master writes the statistics and reports.
    """
    base = [sys.executable, "-m", "locust", "-f", str(locustfile), "--host", host]
    runner = [
        *base,
        "--headless",
        "-u",
        str(users),
        "-r",
        f"{spawn_rate:g}",
        "-t",
        duration,
        "--only-summary",
        "--stop-timeout",
        str(STOP_TIMEOUT_S),
        "--exit-code-on-error",
        "1",
        "--json-file",
        str(stats_json.with_suffix("")),  # Locust appends ".json"
    ]
    if csv_prefix is not None:
        runner += ["--csv", str(csv_prefix)]
    if html is not None:
        runner += ["--html", str(html)]
    if workers == 0:
        return [runner]
    port = free_port()
    runner += ["--master", "--expect-workers", str(workers), "--master-bind-host", "127.0.0.1"]
    runner += ["--master-bind-port", str(port)]
    worker = [*base, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
    return [runner] + [worker] * workers


def locust_env(fleet: Fleet, seed: int, profile: str) -> dict[str, str]:
    """The environment of the Locust processes: the systems' URLs and tokens, the seed and profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCUST_")}
    env.update({f"P2C_{name.upper()}_URL": url for name, url in fleet.urls.items()})
    env.update({f"P2C_{name.upper()}_TOKEN": token for name, token in SYSTEM_TOKENS.items()})
    env.update({"P2C_SEED": str(seed), "P2C_PROFILE": profile, "PYTHONUNBUFFERED": "1"})
    return env


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after a few seconds; reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)


def run_locust(commands: list[list[str]], env: Mapping[str, str], log_dir: Path, timeout_s: float) -> tuple[int, float]:
    """Run Locust (the runner, then any workers) to completion; returns the runner's exit code and the CPU
    seconds every Locust process used.

    The CPU figure is the growth of this process's reaped-children usage, so it counts exactly the Locust
    processes (the fleet's servers are still running and not reaped yet).

    Raises:
        LoadError: Locust ran past ``timeout_s`` (every Locust process group is killed).
    """
    cpu_before = _children_cpu_s()
    procs: list[subprocess.Popen[bytes]] = []
    logs = [log_dir / ("locust.log" if i == 0 else f"locust-worker-{i}.log") for i in range(len(commands))]
    try:
        for argv, log_path in zip(commands, logs, strict=True):
            with log_path.open("ab") as log:
                procs.append(
                    subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=dict(env), start_new_session=True)
                )
        try:
            code = procs[0].wait(timeout_s)
        except subprocess.TimeoutExpired:
            raise LoadError(
                f"Locust did not finish within {timeout_s:.0f} s and was killed:\n{tail_of(logs[0])}"
            ) from None
        for worker in procs[1:]:  # workers quit when the master does
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(10)
    finally:
        for proc in procs:
            _stop_group(proc)
    return code, _children_cpu_s() - cpu_before
