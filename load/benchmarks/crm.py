"""CRM simulator throughput: ``python -m load.benchmarks.crm [--rounds 3] [--requests 2000] [--concurrency 16]``.

Creates (``POST .../sobjects/Account``), reads (``GET .../sobjects/Account/{id}``) and two SOQL queries (an
external-id lookup with a parent field; a filter over Opportunities with a parent field, ORDER BY and LIMIT)
against the CRM simulator served like ``p2c serve crm`` (plain HTTP on loopback), next to the bare FastAPI
dict insert and read (``load.benchmarks.baseline``). Each round starts from a freshly seeded tenant
(``/__admin/reset?scope=data``), so every round scans the same table sizes; medians of the rounds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx

from load.benchmarks.common import (
    AUTH,
    Measurement,
    Request,
    Server,
    free_port,
    measure,
    print_table,
    serve,
    serve_baseline,
    warm,
)
from simulators.crm.ids import make_id

V = "/services/data/v67.0"
SEED_ACCOUNTS = "CUST-{n:05d}"


def _serve_crm(profile: str) -> AbstractContextManager[Server]:
    port = free_port()
    argv = [sys.executable, "-m", "simulators", "crm", "--port", str(port), "--profile", profile]
    # The daily allocation would stop a long run with 403s: lift it for the benchmark.
    return serve(argv, port, "/__admin/health", env={"SIM_CRM_DAILY_API_LIMIT": "1000000000"})


def _account_id(n: int) -> str:
    return make_id("001", n)


def main(argv: list[str] | None = None) -> None:
    """Print the throughput table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", default="standard")
    args = parser.parse_args(argv)

    with _serve_crm(args.profile) as crm, serve_baseline() as base:
        admin = httpx.Client(base_url=crm.url + "/__admin", trust_env=False)
        sizes = admin.get("/state").json()["tenants"]["default"]["data"]
        accounts, opportunities = len(sizes["Account"]), len(sizes["Opportunity"])
        ops: dict[str, Callable[[int], Request]] = {
            "CRM create Account": lambda i: ("POST", f"{V}/sobjects/Account", {"Name": f"Bench account {i}"}),
            "CRM read Account": lambda i: ("GET", f"{V}/sobjects/Account/{_account_id(1 + i % accounts)}", None),
            "CRM SOQL by external id": lambda i: (
                "GET",
                f"{V}/query?q=SELECT+Id,Name,Owner.Email+FROM+Account+WHERE+ERP_Customer_Id__c="
                f"'{SEED_ACCOUNTS.format(n=1 + i % accounts)}'",
                None,
            ),
            "CRM SOQL filter+order+limit": lambda i: (
                "GET",
                f"{V}/query?q=SELECT+Name,Amount,Account.Name+FROM+Opportunity+WHERE+Amount+>+{i % 50}000"
                "+ORDER+BY+Amount+DESC+LIMIT+20",
                None,
            ),
        }
        baseline_ops: dict[str, Callable[[int], Request]] = {
            "baseline dict insert": lambda i: ("POST", "/items", {"name": f"item {i}"}),
            "baseline dict read": lambda i: ("GET", "/items/1", None),
        }
        warm(base.url, baseline_ops["baseline dict insert"], 200)
        for make in ops.values():
            warm(crm.url, make, 200)
        runs: dict[str, list[Measurement]] = {k: [] for k in (*baseline_ops, *ops)}
        for _ in range(args.rounds):
            for label, make in baseline_ops.items():
                runs[label].append(
                    measure(label, base.url, make, total=args.requests, concurrency=args.concurrency, headers=AUTH)
                )
            admin.post("/reset", params={"scope": "data"})
            admin.get("/state")  # seed the tenant before timing
            for label, make in ops.items():
                runs[label].append(
                    measure(label, crm.url, make, total=args.requests, concurrency=args.concurrency, headers=AUTH)
                )
        admin.close()

    medians = {label: sorted(r, key=lambda m: m.rps)[len(r) // 2] for label, r in runs.items()}
    title = (
        f"CRM simulator (profile {args.profile}: {accounts} accounts, {opportunities} opportunities; "
        f"median of {args.rounds} rounds, {args.requests} requests each, {args.concurrency} connections)"
    )
    inserts = [medians["baseline dict insert"], medians["CRM create Account"]]
    print_table(title, inserts, medians["baseline dict insert"])
    reads = [medians[k] for k in ("baseline dict read", "CRM read Account")]
    queries = [medians[k] for k in ("CRM SOQL by external id", "CRM SOQL filter+order+limit")]
    print_table("reads and queries", [*reads, *queries], medians["baseline dict read"])


if __name__ == "__main__":
    main()
