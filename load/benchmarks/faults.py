"""What the failure-mode engine costs: ``python -m load.benchmarks.faults``.

Reads one ERP record (``GET .../job/1``) against: the app without the simulator middleware; with it and
no rule; with 20 rules that never match; with one matching 10% DELAY of 20 ms. Both servers run at once
and the rounds alternate, so machine drift hits every configuration alike; medians of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from typing import Any

import httpx

from load.benchmarks.common import AUTH, Measurement, free_port, measure, print_table, serve, warm

READ = ("GET", "/services/rest/record/v1/job/1", None)


def _serve_factory(name: str):  # type: ignore[no-untyped-def]
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        f"load.benchmarks.apps:{name}",
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
    return serve(argv, port, "/__admin/health")


def main(argv: list[str] | None = None) -> None:
    """Print the table and the zero-rule overhead."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    runs: dict[str, list[Measurement]] = {k: [] for k in ("bare", "zero", "twenty", "delay")}
    with _serve_factory("erp_without_middleware") as bare, _serve_factory("erp") as sim:
        admin = httpx.Client(base_url=sim.url + "/__admin", trust_env=False)
        # The account concurrency pool is a vendor limit, not the fault engine: off for this measurement.
        admin.put("/settings", json={"concurrency_limit": None})
        make = lambda i: READ  # noqa: E731
        warm(bare.url, make, 500)
        warm(sim.url, make, 500)

        def one(label: str, server: Any) -> Measurement:
            return measure(
                label,
                server.url,
                make,
                total=args.requests,
                concurrency=args.concurrency,
                headers=AUTH,
                server_pid=server.process.pid,
            )

        for round_no in range(args.rounds):
            admin.delete("/faults")
            pair = [("bare", "no simulator middleware", bare), ("zero", "middleware, 0 rules", sim)]
            for key, label, server in pair if round_no % 2 == 0 else reversed(pair):  # ABBA: no order bias
                runs[key].append(one(label, server))
            for n in range(20):
                admin.post("/faults", json={"kind": "HTTP_ERROR", "match": {"path": f"/never/{n}/*"}})
            runs["twenty"].append(one("middleware, 20 non-matching rules", sim))
            admin.delete("/faults")
            admin.post(
                "/faults",
                json={"kind": "DELAY", "probability": 0.1, "params": {"delay_ms": 20}, "match": {"method": "GET"}},
            )
            runs["delay"].append(one("middleware, 1 matching 10% DELAY 20 ms", sim))
        admin.close()
    medians = [sorted(r, key=lambda m: m.rps)[len(r) // 2] for r in runs.values()]
    print_table(
        f"fault engine overhead (median of {args.rounds} rounds, {args.requests} reads each)", medians, medians[0]
    )
    bare_rps = statistics.median(m.rps for m in runs["bare"])
    zero_rps = statistics.median(m.rps for m in runs["zero"])
    bare_cpu = statistics.median(m.server_cpu_us or 0.0 for m in runs["bare"])
    zero_cpu = statistics.median(m.server_cpu_us or 0.0 for m in runs["zero"])
    print(
        f"zero-rule overhead: {100 * (zero_cpu / bare_cpu - 1):.1f}% server CPU per request "
        f"({bare_cpu:.0f} -> {zero_cpu:.0f} µs; target < 5%), {100 * (1 - zero_rps / bare_rps):.1f}% of throughput"
    )


if __name__ == "__main__":
    main()
