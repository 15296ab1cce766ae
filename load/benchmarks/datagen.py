"""World generation and loading: ``python -m load.benchmarks.datagen [--seed 42] [--profiles small,standard,...]``.

For each profile, builds the world in a fresh process and reports the time and the process's peak memory
(``ru_maxrss``), with the number of time entries. Then starts the three simulators as real processes on
loopback (as ``p2c sandbox up --no-orchestrator`` does), seeds them with ``month-end`` at once
(``POST /__admin/seed``: each process builds the world itself and loads its share in bulk) and reports the
time each took and each process's resident and peak memory afterwards (``/proc/<pid>/status``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from harness.fleet import SYSTEMS, running_fleet

PROFILES = ("small", "standard", "month-end-ci", "month-end")
_MEASURE = """
import json, resource, sys, time
from simulators.datagen import build_world
started = time.perf_counter()
world = build_world(int(sys.argv[1]), sys.argv[2])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "entries": len(world.timesheets), "consultants": len(world.consultants),
                  "customers": len(world.customers), "hash": world.content_hash}))
"""


def generate(seed: int, profile: str) -> dict[str, float | int | str]:
    """Build one world in a fresh interpreter (so the peak memory is that world's)."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(seed), profile], capture_output=True, check=True)
    result: dict[str, float | int | str] = json.loads(out.stdout)
    return result


def _memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def load(seed: int, profile: str) -> list[tuple[str, float, float, float]]:
    """Seed the three simulators with ``profile`` at once; (system, seconds, RSS MB, peak MB) for each."""
    with running_fleet(seed=seed, profile="small", orchestrator=False) as fleet:

        def seed_one(system: str) -> tuple[str, float]:
            started = time.perf_counter()
            resp = httpx.post(
                f"{fleet.url(system)}/__admin/seed",
                json={"seed": seed, "profile": profile},
                timeout=300,
                trust_env=False,
            )
            resp.raise_for_status()
            return system, time.perf_counter() - started

        with ThreadPoolExecutor(len(SYSTEMS)) as pool:
            timings = dict(pool.map(seed_one, SYSTEMS))
        rows = []
        for system in SYSTEMS:
            process = fleet.services[system].process
            assert process is not None
            rss, peak = _memory_mb(process.pid)
            rows.append((system, timings[system], rss, peak))
        return rows


def main(argv: list[str] | None = None) -> int:
    """Print the generation table and the month-end load table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--load-profile", default="month-end")
    args = parser.parse_args(argv)
    console = Console()
    table = Table(title=f"world generation (seed {args.seed}, one fresh process each)")
    for col in ("profile", "customers", "consultants", "time entries", "seconds", "peak MB", "world hash"):
        table.add_column(col, justify="left" if col in ("profile", "world hash") else "right")
    for profile in args.profiles.split(","):
        r = generate(args.seed, profile)
        table.add_row(
            profile,
            f"{r['customers']:,}",
            f"{r['consultants']:,}",
            f"{r['entries']:,}",
            f"{r['seconds']:.2f}",
            f"{r['peak_mb']:.0f}",
            str(r["hash"]),
        )
    console.print(table)
    started = time.perf_counter()
    rows = load(args.seed, args.load_profile)
    wall = time.perf_counter() - started
    table = Table(title=f"loading {args.load_profile} into the three simulators at once (POST /__admin/seed)")
    for col in ("simulator", "seconds", "RSS MB", "peak RSS MB"):
        table.add_column(col, justify="left" if col == "simulator" else "right")
    for system, seconds, rss, peak in rows:
        table.add_row(system, f"{seconds:.2f}", f"{rss:.0f}", f"{peak:.0f}")
    table.add_row("all three (wall)", f"{max(r[1] for r in rows):.2f}", "", "")
    console.print(table)
    console.print(f"fleet start, seed and stop: {wall:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
