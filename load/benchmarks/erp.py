"""ERP simulator throughput: ``python -m load.benchmarks.erp [--rounds 3] [--requests 2000] [--concurrency 16]``.

Creates (``POST .../timeBill``), upserts (``PUT .../timeBill/eid:...``) and reads (``GET .../timeBill/{id}`` and
``.../eid:...``) against the ERP simulator served like ``p2c serve erp`` (plain HTTP on loopback), next to the
bare FastAPI dict insert and read (``load.benchmarks.baseline``) measured in the same run. Each round starts
from a freshly seeded tenant (``/__admin/reset?scope=data``) and first writes the records it then reads; the
table shows the median round. Bounded: ``rounds x requests`` per operation, loopback only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import httpx

from load.benchmarks.common import (
    AUTH,
    Measurement,
    Request,
    measure,
    print_table,
    serve_baseline,
    serve_simulator,
    warm,
)

RECORD = "/services/rest/record/v1"
EMPLOYEES, PROJECTS = 16, 8
"""Seeded in the ``small`` profile: employees 1..16, projects (jobs) 1..8."""


def _time_bill(i: int) -> dict[str, Any]:
    """An approved billable entry in the open October 2026 (the simulated clock's month)."""
    return {
        "employee": {"id": str(1 + i % EMPLOYEES)},
        "customer": {"id": str(1 + i % PROJECTS)},
        "hours": "7.50",
        "rate": "150.00",
        "tranDate": f"2026-10-{1 + i % 28:02d}",
        "memo": f"bench-{i}",
    }


def main(argv: list[str] | None = None) -> None:
    """Print the throughput table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    total, conc = args.requests, args.concurrency

    with serve_simulator("erp", profile="small") as erp, serve_baseline() as base:
        admin = httpx.Client(base_url=erp.url + "/__admin", trust_env=False)
        # NetSuite's account concurrency pool (15) would refuse part of a 16-connection run: off while measuring.
        admin.put("/settings", json={"concurrency_limit": None})
        ops: dict[str, Callable[[int], Request]] = {
            "ERP create timeBill (POST)": lambda i: ("POST", f"{RECORD}/timeBill", _time_bill(i)),
            "ERP upsert timeBill (PUT eid:)": lambda i: ("PUT", f"{RECORD}/timeBill/eid:bench-{i}", _time_bill(i)),
            "ERP read timeBill by id": lambda i: ("GET", f"{RECORD}/timeBill/{1 + i % total}", None),
            "ERP read timeBill by eid:": lambda i: ("GET", f"{RECORD}/timeBill/eid:bench-{i % total}", None),
        }
        baseline_ops: dict[str, Callable[[int], Request]] = {
            "baseline dict insert": lambda i: ("POST", "/items", {"name": f"item {i}"}),
            "baseline dict read": lambda i: ("GET", f"/items/{1 + i % total}", None),
        }
        warm(base.url, baseline_ops["baseline dict insert"], 200)
        for make in ops.values():
            warm(erp.url, make, 200)
        runs: dict[str, list[Measurement]] = {k: [] for k in (*baseline_ops, *ops)}
        for _ in range(args.rounds):
            for label, make in baseline_ops.items():
                runs[label].append(measure(label, base.url, make, total=total, concurrency=conc, headers=AUTH))
            admin.post("/reset", params={"scope": "data,journal"})
            admin.get("/state")  # seed the tenant before timing
            for label, make in ops.items():
                runs[label].append(measure(label, erp.url, make, total=total, concurrency=conc, headers=AUTH))
        admin.close()

    medians = {label: sorted(r, key=lambda m: m.rps)[len(r) // 2] for label, r in runs.items()}
    title = f"ERP simulator (profile small; median of {args.rounds} rounds, {total} requests each, {conc} connections)"
    writes = [medians["baseline dict insert"], medians["ERP create timeBill (POST)"]]
    writes.append(medians["ERP upsert timeBill (PUT eid:)"])
    print_table(title, writes, medians["baseline dict insert"])
    reads = [medians[k] for k in ("baseline dict read", "ERP read timeBill by id", "ERP read timeBill by eid:")]
    print_table("reads", reads, medians["baseline dict read"])


if __name__ == "__main__":
    main()
