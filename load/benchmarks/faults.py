"""What the failure-mode engine costs: ``python -m load.benchmarks.faults``.

Reads one ERP record (``GET .../job/1``) against: the app without the simulator middleware; with it and
no rule; with 20 rules that never match; with one matching 10% DELAY of 20 ms. "Without" is the very stack
the middleware wraps (``load.benchmarks.apps``). Both apps are served by one process (the same interpreter,
hash seed and memory layout), pinned to one CPU, and the load generator to the others. Within a round the
bare and zero-rule runs alternate in short slices (ABBA), so machine drift hits both alike. The table shows
the median round; the overhead is the median, over every slice pair of every round, of the ratio of server
CPU per request (steadier than throughput on a shared machine), read from the kernel's nanosecond
run-time counters.

``--instructions`` adds a figure the machine's noise cannot move: the same pair of apps under valgrind's
callgrind, which counts the instructions the server executes for the same reads (``valgrind`` must be
installed; a few minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from load.benchmarks.common import AUTH, Measurement, Server, free_port, measure, print_table, serve, warm

READ = ("GET", "/services/rest/record/v1/job/1", None)


@contextlib.contextmanager
def _serve_pair(wrapper: Sequence[str] = (), start_timeout_s: float = 30) -> Iterator[tuple[Server, Server]]:
    """The app without and with the middleware, served from one process (``load.benchmarks.apps``), run under
    ``wrapper`` (a profiler's command line) if given."""
    port_bare, port_sim = free_port(), free_port()
    argv = [*wrapper, sys.executable, "-m", "load.benchmarks.apps", str(port_bare), str(port_sim)]
    with serve(argv, port_sim, "/__admin/health", start_timeout_s=start_timeout_s) as sim:
        bare = Server(f"http://127.0.0.1:{port_bare}", sim.process)
        deadline = time.monotonic() + start_timeout_s
        while not _answers(bare.url + "/__admin/health"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bare app did not answer on {bare.url}")
            time.sleep(0.05)
        yield bare, sim


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1, trust_env=False).status_code < 500
    except httpx.HTTPError:
        return False


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


def instructions_per_request(requests: int, concurrency: int) -> tuple[float, float] | None:
    """Instructions the server executes per read, without and with the middleware (0 rules), counted by
    callgrind over two alternating phases each; None when valgrind is not installed."""
    valgrind, control = shutil.which("valgrind"), shutil.which("callgrind_control")
    if valgrind is None or control is None:
        return None
    counts: dict[str, list[float]] = {"bare": [], "zero": []}
    with tempfile.TemporaryDirectory() as out:
        wrapper = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}/callgrind.out"]
        # The interpreter starts some fifty times slower under callgrind.
        with _serve_pair(wrapper, start_timeout_s=600) as (bare, sim):
            pid = str(sim.process.pid)
            httpx.put(sim.url + "/__admin/settings", json={"concurrency_limit": None}, trust_env=False)
            for server in (bare, sim):
                warm(server.url, lambda i: READ, 300)
            for key, server in (("bare", bare), ("zero", sim)) * 2:
                subprocess.run([control, "--zero", pid], check=True, capture_output=True)
                done = measure(key, server.url, lambda i: READ, total=requests, concurrency=concurrency, headers=AUTH)
                subprocess.run([control, "--dump", pid], check=True, capture_output=True)
                counts[key].append(_dumped_instructions(Path(out)) / done.requests)
    return statistics.median(counts["bare"]), statistics.median(counts["zero"])


def _dumped_instructions(folder: Path) -> int:
    """The instruction count of callgrind's newest dump in ``folder``."""
    newest = max(folder.glob("callgrind.out.*"), key=lambda f: int(f.suffix[1:]))
    for line in newest.read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"no summary line in {newest}")


def main(argv: list[str] | None = None) -> None:
    """Print the table and the zero-rule overhead."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="N",
        help="also count the server's instructions per read under callgrind, over N reads per phase",
    )
    args = parser.parse_args(argv)
    runs: dict[str, list[Measurement]] = {k: [] for k in ("bare", "zero", "twenty", "delay")}
    paired: list[float] = []  # zero-rule / bare server CPU per request, one per adjacent slice pair
    with _serve_pair() as (bare, sim):
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
            pairs = zip(slices["bare"], slices["zero"], strict=True)
            paired += [(z.server_cpu_us or 0.0) / (b.server_cpu_us or 1.0) for b, z in pairs]
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
    # Paired: each slice of the zero-rule run against the bare slice next to it in time, then the median.
    low, _, high = (100 * (q - 1) for q in statistics.quantiles(paired, n=4))
    rps = statistics.median(z.rps / b.rps for z, b in zip(runs["zero"], runs["bare"], strict=True))
    bare_cpu = statistics.median(m.server_cpu_us or 0.0 for m in runs["bare"])
    zero_cpu = statistics.median(m.server_cpu_us or 0.0 for m in runs["zero"])
    print(
        f"zero-rule overhead: {100 * (statistics.median(paired) - 1):.1f}% server CPU per request (median of "
        f"{len(paired)} paired slices, interquartile {low:.1f}% to {high:.1f}%; "
        f"medians {bare_cpu:.0f} -> {zero_cpu:.0f} µs; target < 5%), {100 * (1 - rps):.1f}% of throughput"
    )
    if args.instructions:
        counted = instructions_per_request(args.instructions, args.concurrency)
        if counted is None:
            print("instructions: skipped (valgrind and callgrind_control are not installed)")
        else:
            bare_ir, zero_ir = counted
            print(
                f"instructions per read (callgrind, {args.instructions} reads per phase, two phases each): "
                f"{bare_ir:,.0f} without the middleware, {zero_ir:,.0f} with 0 rules: "
                f"{100 * (zero_ir / bare_ir - 1):.1f}% more"
            )


if __name__ == "__main__":
    main()
