"""What the failure-mode engine costs: ``python -m load.benchmarks.faults``.

Reads one ERP record (``GET .../job/1``) against: the app without the simulator middleware; with it and
no rule; with 20 rules that never match; with one matching 10% DELAY of 20 ms. "Without" is the very stack
the middleware wraps (``load.benchmarks.apps``). Both servers run at once, pinned to one CPU and the load
generator to the others; within a round the bare and zero-rule runs alternate in short slices (ABBA), so
machine drift hits both alike. The table shows the median round; the overhead is the median of the rounds'
paired ratios of server CPU per request (steadier than throughput on a shared machine).
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


SLICES = 10
"""Slices per round of the bare and zero-rule measurements."""


def combined(parts: list[Measurement]) -> Measurement:
    """Slices of one configuration as one measurement (p50/p99: the slices' medians)."""
    requests = sum(m.requests for m in parts)
    cpu = [m.server_cpu_us * m.requests for m in parts if m.server_cpu_us is not None]
    return Measurement(
        parts[0].label,
        requests,
        sum(m.errors for m in parts),
        sum(m.seconds for m in parts),
        statistics.median(m.p50_ms for m in parts),
        statistics.median(m.p99_ms for m in parts),
        statistics.median(m.generator_cpu for m in parts),
        sum(cpu) / requests if cpu else None,
    )


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

        def one(label: str, server: Any, total: int = args.requests) -> Measurement:
            return measure(
                label,
                server.url,
                make,
                total=total,
                concurrency=args.concurrency,
                headers=AUTH,
                server_pid=server.process.pid,
            )

        for _ in range(args.rounds):
            admin.delete("/faults")
            # Bare and zero-rule interleaved in short ABBA slices, so a neighbour's burst on the shared machine
            # lands on both alike; the slices of each are added up into the round's measurement.
            slices: dict[str, list[Measurement]] = {"bare": [], "zero": []}
            pair = [("bare", "no simulator middleware", bare), ("zero", "middleware, 0 rules", sim)]
            for n in range(SLICES):
                for key, label, server in pair if n % 2 == 0 else reversed(pair):
                    slices[key].append(one(label, server, max(1, args.requests // SLICES)))
            for key, parts in slices.items():
                runs[key].append(combined(parts))
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
    # Paired: each round's zero-rule run against the same round's bare run, then the median of those ratios.
    pairs = list(zip(runs["zero"], runs["bare"], strict=True))
    cpu = statistics.median((z.server_cpu_us or 0.0) / (b.server_cpu_us or 1.0) for z, b in pairs)
    rps = statistics.median(z.rps / b.rps for z, b in pairs)
    bare_cpu = statistics.median(m.server_cpu_us or 0.0 for m in runs["bare"])
    zero_cpu = statistics.median(m.server_cpu_us or 0.0 for m in runs["zero"])
    print(
        f"zero-rule overhead (median of the rounds' paired ratios): {100 * (cpu - 1):.1f}% server CPU per request "
        f"(medians {bare_cpu:.0f} -> {zero_cpu:.0f} µs; target < 5%), {100 * (1 - rps):.1f}% of throughput"
    )


if __name__ == "__main__":
    main()
