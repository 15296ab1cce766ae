"""The simulators' performance bar: ``python -m load.benchmarks [--rounds 5] [--requests 3000] [--concurrency 16]``.

Measures, in one run, requests/s, p50/p99 and the server's CPU per request for a stateful create and a
stateful read on each simulator (served like ``p2c serve``: fault middleware on, no rule installed, the
ERP's concurrency pool and the CRM's daily allocation lifted), the bare FastAPI dict insert and read
(``load.benchmarks.baseline``) and, when it is installed, WireMock standalone serving the equivalent canned
stubs (``load.benchmarks.wiremock``). Each round measures the servers in a rotated order, creates before
reads (the reads fetch records the round created); every simulator starts the round from a freshly seeded
tenant. The table shows each operation's median measurement. Every measurement of a target sits right next to
a FastAPI measurement of the same operation (before it and after it in turn), and the ratios to FastAPI are
medians over those pairs, so the shared machine's bursts and drift hit both sides of a ratio alike; the
ratios to WireMock pair measurements of the same round. Bounded: ``rounds x requests`` requests per
operation and server (FastAPI: that many per other server), loopback only. Run by hand; the figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from load.benchmarks import wiremock
from load.benchmarks.common import (
    AUTH,
    Measurement,
    Request,
    Server,
    free_port,
    measure,
    serve,
    serve_baseline,
    warm,
)

ERP_RECORD = "/services/rest/record/v1"
CRM_V = "/services/data/v67.0"
PSA_API = "/api/v1"
OPS = ("create", "read")
FASTAPI, WIREMOCK = "FastAPI dict", "WireMock stub"
READ_IDS = 1000
"""At most this many of the round's records are read, round-robin."""


def _get(server: Server, path: str, **params: Any) -> Any:
    response = httpx.get(server.url + path, params=params, headers=AUTH, trust_env=False, timeout=30)
    response.raise_for_status()
    return response.json()


class Target:
    """A server under test (a reference by default: no state to reset, reads of items 1..1000)."""

    name = FASTAPI
    warmup = 500
    """Unmeasured requests of each kind before the first round."""

    def start(self) -> contextlib.AbstractContextManager[Server]:
        """Start the server."""
        return serve_baseline()

    def prepare(self, server: Server) -> None:
        """Before a round: reset and seed the state."""

    def create(self, i: int) -> Request:
        """The ``i``-th create."""
        return "POST", "/items", {"name": f"item {i}"}

    def read(self, record_id: str) -> Request:
        """A read of one record."""
        return "GET", f"/items/{record_id}", None

    def ids(self, server: Server) -> list[str]:
        """Records the round's reads go through (after its creates)."""
        return [str(n) for n in range(1, READ_IDS + 1)]


class WireMock(Target):
    """WireMock standalone with canned stubs (stateless: the read answers the same record for any id)."""

    name = WIREMOCK
    warmup = 5000  # the JVM compiles its hot paths only after thousands of requests

    def start(self) -> contextlib.AbstractContextManager[Server]:
        return wiremock.serve_wiremock()


class Simulator(Target):
    """A simulator served like ``p2c serve`` (fault middleware on, no rule), from a fresh tenant each round."""

    system = ""
    env: dict[str, str] | None = None

    def start(self) -> contextlib.AbstractContextManager[Server]:
        port = free_port()
        argv = [sys.executable, "-m", "simulators", self.system, "--port", str(port), "--profile", "small"]
        return serve(argv, port, "/__admin/health", env=self.env)

    def prepare(self, server: Server) -> None:
        with httpx.Client(base_url=server.url + "/__admin", trust_env=False, timeout=30) as admin:
            admin.post("/reset", params={"scope": "data,journal"}).raise_for_status()
            admin.get("/state").raise_for_status()  # seed the tenant before timing
            self.settle(admin)

    def settle(self, admin: httpx.Client) -> None:
        """Settings for the measurement (after the reset)."""


class Erp(Simulator):
    """NetSuite: ``POST timeBill`` (204 + Location), ``GET timeBill/{id}``."""

    name, system = "ERP timeBill", "erp"

    def settle(self, admin: httpx.Client) -> None:
        # NetSuite's account concurrency pool (15) would refuse part of a 16-connection run: off while measuring.
        admin.put("/settings", json={"concurrency_limit": None}).raise_for_status()

    def create(self, i: int) -> Request:
        body = {
            "employee": {"id": str(1 + i % 16)},
            "customer": {"id": str(1 + i % 8)},
            "hours": "7.50",
            "tranDate": f"2026-10-{1 + i % 28:02d}",
            "memo": f"bench-{i}",
        }
        return "POST", f"{ERP_RECORD}/timeBill", body

    def read(self, record_id: str) -> Request:
        return "GET", f"{ERP_RECORD}/timeBill/{record_id}", None

    def ids(self, server: Server) -> list[str]:
        return [str(item["id"]) for item in _get(server, f"{ERP_RECORD}/timeBill", limit=READ_IDS)["items"]]


class Crm(Simulator):
    """Salesforce: ``POST sobjects/Account`` (201), ``GET sobjects/Account/{id}``."""

    name, system = "CRM Account", "crm"
    env = {"SIM_CRM_DAILY_API_LIMIT": "1000000000"}  # the daily allocation would end a long run with 403s

    def create(self, i: int) -> Request:
        return "POST", f"{CRM_V}/sobjects/Account", {"Name": f"Bench account {i}"}

    def read(self, record_id: str) -> Request:
        return "GET", f"{CRM_V}/sobjects/Account/{record_id}", None

    def ids(self, server: Server) -> list[str]:
        state = httpx.get(server.url + "/__admin/state", trust_env=False, timeout=30).json()
        return [account["Id"] for account in state["tenants"]["default"]["data"]["Account"]][-READ_IDS:]


class Psa(Simulator):
    """Kantata: ``POST time_entries.json`` (one entry), ``GET time_entries/{id}.json``."""

    name, system = "PSA time entry", "psa"
    staffing: list[tuple[str, str]] = []

    def settle(self, admin: httpx.Client) -> None:
        rows = admin.get("/state").json()["tenants"]["default"]["data"]["participations"]
        rows = rows.values() if isinstance(rows, dict) else rows
        # Participations open in October 2026 (the simulated month) accept time.
        self.staffing = [
            (str(p["workspace_id"]), str(p["user_id"]))
            for p in rows
            if str(p["start_date"]) <= "2026-10-01" and (p["end_date"] is None or str(p["end_date"]) >= "2026-10-31")
        ]

    def create(self, i: int) -> Request:
        workspace_id, user_id = self.staffing[i % len(self.staffing)]
        entry = {
            "workspace_id": workspace_id,
            "user_id": user_id,
            "date_performed": f"2026-10-{1 + i % 28:02d}",
            "time_in_minutes": 60 + i % 8 * 30,
            "billable": True,
        }
        return "POST", f"{PSA_API}/time_entries.json", {"time_entry": entry}

    def read(self, record_id: str) -> Request:
        return "GET", f"{PSA_API}/time_entries/{record_id}.json", None

    def ids(self, server: Server) -> list[str]:
        return [row["id"] for row in _get(server, f"{PSA_API}/time_entries.json", per_page=200)["results"]]


@dataclass(slots=True)
class Results:
    """Every measurement per (target, operation), and each target's measurements paired with the FastAPI
    measurement of the same operation taken right next to it."""

    runs: dict[tuple[str, str], list[Measurement]] = field(default_factory=dict)
    paired: dict[tuple[str, str], list[tuple[Measurement, Measurement]]] = field(default_factory=dict)

    def add(self, target: str, op: str, m: Measurement, fastapi: Measurement | None = None) -> None:
        """Record a measurement (with the FastAPI one taken next to it, for a target other than FastAPI)."""
        self.runs.setdefault((target, op), []).append(m)
        if fastapi is not None:
            self.paired.setdefault((target, op), []).append((m, fastapi))

    def median(self, target: str, op: str) -> Measurement:
        ordered = sorted(self.runs[(target, op)], key=lambda m: m.rps)
        return ordered[len(ordered) // 2]

    def _pairs(self, target: str, reference: str, op: str) -> list[tuple[Measurement, Measurement]]:
        if reference == FASTAPI and (target, op) in self.paired:
            return self.paired[(target, op)]
        if target == FASTAPI and (reference, op) in self.paired:
            return [(fastapi, other) for other, fastapi in self.paired[(reference, op)]]
        mine, theirs = self.runs.get((target, op)), self.runs.get((reference, op))
        if not mine or not theirs or len(mine) != len(theirs):
            return []
        return list(zip(mine, theirs, strict=True))  # one of each per round

    def ratio(self, target: str, reference: str, op: str) -> float | None:
        """The median over pairs of this throughput over the reference's (FastAPI: measured right next to it;
        another reference: in the same round)."""
        pairs = [a.rps / b.rps for a, b in self._pairs(target, reference, op) if b.rps]
        return statistics.median(pairs) if pairs else None

    def cpu_ratio(self, target: str, reference: str, op: str) -> float | None:
        """The median over pairs of the reference's server CPU per request over this one's (> 1: cheaper)."""
        pairs = [
            (b.server_cpu_us or 0.0) / a.server_cpu_us for a, b in self._pairs(target, reference, op) if a.server_cpu_us
        ]
        return statistics.median(pairs) if pairs else None


def _reads(target: Target, ids: list[str]) -> Callable[[int], Request]:
    return lambda i: target.read(ids[i % len(ids)])


def run(chosen: list[Target], rounds: int, requests: int, concurrency: int) -> Results:
    """Start every server; in each round, reset every simulator, then measure the creates and then the reads,
    each target right before or after (alternately) a FastAPI measurement of the same operation, so a burst
    on the shared machine hits a pair alike."""
    results = Results()
    reference, others = chosen[0], chosen[1:]
    with contextlib.ExitStack() as stack:
        servers = {t.name: stack.enter_context(t.start()) for t in chosen}
        for target in chosen:
            server = servers[target.name]
            target.prepare(server)
            warm(server.url, target.create, target.warmup)
            warm(server.url, _reads(target, target.ids(server)), target.warmup)

        def one(target: Target, op: str) -> Measurement:
            server = servers[target.name]
            make = target.create if op == "create" else _reads(target, target.ids(server))
            return measure(
                f"{target.name} {op}",
                server.url,
                make,
                total=requests,
                concurrency=concurrency,
                ok=lambda status: 200 <= status < 300,
                server_pid=server.process.pid,
            )

        for round_no in range(rounds):
            for target in chosen:
                target.prepare(servers[target.name])
            shift = round_no % len(others) if others else 0
            for op in OPS:
                for n, target in enumerate(others[shift:] + others[:shift]):
                    if (round_no + n) % 2 == 0:
                        fastapi = one(reference, op)
                        mine = one(target, op)
                    else:
                        mine = one(target, op)
                        fastapi = one(reference, op)
                    results.add(reference.name, op, fastapi)
                    results.add(target.name, op, mine, fastapi)
    return results


def _fmt(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio is not None else "-"


def report(results: Results, chosen: list[Target], title: str) -> None:
    """The table (median rounds) with the paired ratios to both references."""
    table = Table(title=title)
    cols: tuple[str, ...] = ("server", "operation", "requests", "errors", "req/s", "p50 ms", "p99 ms")
    cols += ("generator CPU", "server CPU µs/req")
    for col in cols:
        table.add_column(col, justify="left" if col in ("server", "operation") else "right")
    for col in ("req/s vs FastAPI", "CPU/req FastAPI ÷ this", "req/s vs WireMock"):
        table.add_column(col, justify="right")
    for target in chosen:
        for op in OPS:
            m = results.median(target.name, op)
            table.add_row(
                target.name,
                op,
                str(m.requests),
                str(m.errors),
                f"{m.rps:,.0f}",
                f"{m.p50_ms:.2f}",
                f"{m.p99_ms:.2f}",
                f"{m.generator_cpu:.0%}",
                f"{m.server_cpu_us:.0f}" if m.server_cpu_us is not None else "-",
                _fmt(results.ratio(target.name, FASTAPI, op)),
                _fmt(results.cpu_ratio(target.name, FASTAPI, op)),
                _fmt(results.ratio(target.name, WIREMOCK, op)),
            )
    Console(width=max(160, Console().width)).print(table)


def main(argv: list[str] | None = None) -> None:
    """Measure and print the table; say when WireMock was skipped."""
    parser = argparse.ArgumentParser(prog="python -m load.benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3000, help="requests per operation, server and round")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--only", nargs="*", choices=("erp", "crm", "psa"), help="simulators to measure (default all)")
    args = parser.parse_args(argv)
    chosen: list[Target] = [Target()]
    skipped = wiremock.unavailable()
    if skipped is None:
        chosen.append(WireMock())
    else:
        print(f"WireMock skipped: {skipped}")
    sims: list[Simulator] = [Erp(), Crm(), Psa()]
    chosen += [s for s in sims if not args.only or s.system in args.only]
    results = run(chosen, args.rounds, args.requests, args.concurrency)
    report(
        results,
        chosen,
        f"simulators against the references (median of {args.rounds} rounds, {args.requests} requests per "
        f"operation, {args.concurrency} connections; ratios: medians over adjacent pairs)",
    )


if __name__ == "__main__":
    main()
