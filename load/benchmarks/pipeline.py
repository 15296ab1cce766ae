"""End-to-end posting throughput of the reference orchestrator: approved PSA time -> ERP timeBills.

Starts the three simulators and the orchestrator on a ``month-end-ci`` world (~17,000 approved billable
entries waiting, loaded without feed events, so the orchestrator's sweep picks them up) and times how long
the orchestrator takes to post them all, with and without the write-back to the PSA. Credit holds are
ignored here (``ORCH_CREDIT_POLICY=ignore``) so the whole backlog flows. The clock starts when the
orchestrator's process is spawned (its start-up is included) and stops when the ERP journal shows every
entry's ``timeBill`` upsert answered (distinct external ids) and, with the write-back, when the PSA also holds
an external reference on every one of them. Prints entries per second and each process's CPU seconds per
1,000 entries. Run by hand on a quiet machine:

    python -m load.benchmarks.pipeline [--profile month-end-ci] [--limit-s 600]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from rich.console import Console
from rich.table import Table

from harness.admin_client import AdminClient
from harness.fleet import Fleet, free_port, running_fleet
from load.benchmarks.common import process_cpu_s

TIMEBILL = "/services/rest/record/v1/timeBill/"
SERVICE_NAME = "netsuite"
"""The ``service_name`` of the orchestrator's external references."""


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run."""

    name: str
    entries: int
    written_back: int | None
    seconds: float
    cpu_s: dict[str, float]

    @property
    def rate(self) -> float:
        """Entries posted per second."""
        return self.entries / self.seconds if self.seconds else 0.0


def _backlog(fleet: Fleet) -> int:
    resp = httpx.get(
        fleet.url("psa") + "/api/v1/time_entries.json",
        params={"approved": "true", "billable": "true", "limit": 1},
        headers={"Authorization": "Bearer bench"},
        trust_env=False,
    )
    return int(resp.json()["count"])


def _cpu(fleet: Fleet) -> dict[str, float]:
    out = {}
    for name, svc in fleet.services.items():
        if svc.process is not None:
            out[name] = process_cpu_s(svc.process.pid)
    return out


def _written_back(fleet: Fleet) -> int:
    """Time entries carrying the orchestrator's external reference in the PSA (one per entry and service)."""
    resp = httpx.get(
        fleet.url("psa") + "/api/v1/external_references.json",
        params={"subject_type": "TimeEntry", "service_name": SERVICE_NAME, "limit": 1},
        headers={"Authorization": "Bearer bench"},
        trust_env=False,
    )
    return int(resp.json()["count"])


def run(name: str, profile: str, env: dict[str, str], limit_s: float, *, write_back: bool) -> Run:
    """Time the orchestrator posting a world's approved backlog (and writing it back, with ``write_back``)."""
    with (
        TemporaryDirectory(prefix="p2c-bench-") as tmp,
        running_fleet(profile=profile, orchestrator=False, run_dir=Path(tmp)) as fleet,
    ):
        target = _backlog(fleet)
        admin = AdminClient(fleet.url("erp"))
        svc = fleet.add_orchestrator(
            free_port(),
            {"ORCH_CREDIT_POLICY": "ignore", "ORCH_MARK_SYNCED": str(write_back).lower(), **env},
        )
        before = _cpu(fleet)
        started = time.monotonic()
        svc.start()
        since, posted = 0, set[str]()
        while len(posted) < target and time.monotonic() - started < limit_s:
            body = admin.requests(since_id=since, method="PUT", path=TIMEBILL, limit=5000)
            for e in body["requests"]:
                since = max(since, int(e["id"]))
                if e["status"] in (200, 204):
                    posted.add(e["path"])
            if len(body["requests"]) < 5000:
                time.sleep(0.2)
        written = None
        if write_back:  # read only once everything is posted: the write-back trails the postings
            written = _written_back(fleet)
            while written < len(posted) and time.monotonic() - started < limit_s:
                time.sleep(0.1)
                written = _written_back(fleet)
        seconds = time.monotonic() - started
        after = _cpu(fleet)
        admin.close()
        cpu = {k: after[k] - before.get(k, 0.0) for k in after}
        return Run(name, len(posted), written, seconds, cpu)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="month-end-ci")
    parser.add_argument("--limit-s", type=float, default=600.0)
    args = parser.parse_args()
    runs = [
        run("post + write back to the PSA", args.profile, {}, args.limit_s, write_back=True),
        run("post only", args.profile, {}, args.limit_s, write_back=False),
    ]
    table = Table(title=f"reference orchestrator, approved backlog of a {args.profile} world")
    for col in ("run", "entries", "written back", "seconds", "entries/s", "CPU s per 1,000 entries"):
        table.add_column(col)
    for r in runs:
        per_k = ", ".join(f"{k} {v * 1000 / max(1, r.entries):.2f}" for k, v in sorted(r.cpu_s.items()))
        back = "-" if r.written_back is None else str(r.written_back)
        table.add_row(r.name, str(r.entries), back, f"{r.seconds:.1f}", f"{r.rate:.0f}", per_k)
    Console(width=max(140, Console().width)).print(table)


if __name__ == "__main__":
    main()
