"""PSA simulator throughput: ``python -m load.benchmarks.psa [--rounds 3] [--bulk 300] [--reads 1000]``.

Bulk time-entry creates (``POST /api/v1/time_entries.json`` with 100 entries each, the vendor's maximum) and
reads of the change feed (``GET /api/v1/subscribed_events.json``: pages of 200 through the whole feed, and
an approvals-only poll that filters it) against the PSA simulator served like ``p2c serve psa`` (plain HTTP
on loopback), next to the bare FastAPI dict insert and read (``load.benchmarks.baseline``). Each round starts
from a freshly seeded tenant (``/__admin/reset?scope=data``); the bulk creates of the round fill the feed
that its reads then page through. Bounded: ``rounds x (bulk + 2 x reads)`` requests, loopback only.
"""

from __future__ import annotations

import argparse
import math
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

API = "/api/v1"
BULK = 100
"""Entries per bulk create (Kantata's maximum)."""
PAGE = 200
"""Events per feed page (Kantata's maximum ``per_page``)."""


def _staffing(url: str) -> list[tuple[str, str]]:
    """Every (workspace_id, user_id) participation of the seeded world, read through the vendor API."""
    body = httpx.get(f"{url}{API}/participations.json", params={"per_page": PAGE}, headers=AUTH, trust_env=False).json()
    return [(p["workspace_id"], p["user_id"]) for p in (body["participations"][r["id"]] for r in body["results"])]


def _bulk(staffing: list[tuple[str, str]]) -> Callable[[int], Request]:
    """Request ``i``: 100 entries of one participation, spread over October's working days."""

    def make(i: int) -> Request:
        workspace_id, user_id = staffing[i % len(staffing)]
        entries: list[dict[str, Any]] = [
            {
                "workspace_id": workspace_id,
                "user_id": user_id,
                "date_performed": f"2026-10-{1 + (i + n) % 28:02d}",
                "time_in_minutes": 60 + n % 8 * 30,
                "billable": n % 7 != 0,
            }
            for n in range(BULK)
        ]
        return "POST", f"{API}/time_entries.json", {"time_entries": entries}

    return make


def main(argv: list[str] | None = None) -> None:
    """Print the throughput tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bulk", type=int, default=300, help="bulk creates per round (x100 entries)")
    parser.add_argument("--reads", type=int, default=1000, help="feed reads per round and read kind")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    conc = args.concurrency
    pages = max(1, math.ceil(args.bulk * BULK / PAGE))

    with serve_simulator("psa", profile="small") as psa, serve_baseline() as base:
        admin = httpx.Client(base_url=psa.url + "/__admin", trust_env=False)
        bulk = _bulk(_staffing(psa.url))
        ops: dict[str, Callable[[int], Request]] = {
            f"PSA feed page ({PAGE} events)": lambda i: (
                "GET",
                f"{API}/subscribed_events.json?per_page={PAGE}&page={1 + i % pages}",
                None,
            ),
            "PSA feed poll (approvals only)": lambda i: (
                "GET",
                f"{API}/subscribed_events.json?per_page={PAGE}&event_types=timesheet_submission:approved",
                None,
            ),
        }
        baseline_ops: dict[str, Callable[[int], Request]] = {
            "baseline dict insert": lambda i: ("POST", "/items", {"name": f"item {i}"}),
            "baseline dict read": lambda i: ("GET", f"/items/{1 + i % args.reads}", None),
        }
        warm(base.url, baseline_ops["baseline dict insert"], 200)
        warm(psa.url, bulk, 20)
        labels = ("baseline dict insert", f"PSA bulk create ({BULK} entries)", "baseline dict read", *ops)
        runs: dict[str, list[Measurement]] = {k: [] for k in labels}
        for _ in range(args.rounds):
            for label, make in baseline_ops.items():
                runs[label].append(measure(label, base.url, make, total=args.reads, concurrency=conc, headers=AUTH))
            admin.post("/reset", params={"scope": "data,journal"})
            admin.get("/state")  # seed the tenant before timing
            label = f"PSA bulk create ({BULK} entries)"
            runs[label].append(measure(label, psa.url, bulk, total=args.bulk, concurrency=conc, headers=AUTH))
            for label, make in ops.items():
                runs[label].append(measure(label, psa.url, make, total=args.reads, concurrency=conc, headers=AUTH))
            admin.post("/reset", params={"scope": "data,journal"})  # free the round's entries and events
        admin.close()

    medians = {label: sorted(r, key=lambda m: m.rps)[len(r) // 2] for label, r in runs.items()}
    title = f"PSA simulator (profile small; median of {args.rounds} rounds, {conc} connections)"
    writes = [medians["baseline dict insert"], medians[f"PSA bulk create ({BULK} entries)"]]
    print_table(title, writes, medians["baseline dict insert"])
    created = medians[f"PSA bulk create ({BULK} entries)"]
    print(f"bulk create: {created.rps * BULK:,.0f} time entries/s ({args.bulk * BULK:,} entries per round)")
    reads = [medians["baseline dict read"], *(medians[k] for k in ops)]
    print_table(f"feed reads ({args.bulk * BULK:,} events in the feed)", reads, medians["baseline dict read"])
    page = medians[f"PSA feed page ({PAGE} events)"]
    print(f"feed page: {page.rps * PAGE:,.0f} events/s delivered")


if __name__ == "__main__":
    main()
