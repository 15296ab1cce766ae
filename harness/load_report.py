"""What a load run is judged by, and the Markdown summary it leaves in its report folder.

A load run passes when Locust exits cleanly, the orchestrator drains, every invariant holds and no
threshold is crossed: the share of failed requests, the HTTP p95 and the end-to-end (PSA approval -> ERP
posting) p95. The summary carries the figures and a plot of the end-to-end latency distribution as a
Mermaid chart, which GitHub and most CI job summaries render.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.invariants import InvariantResult
from harness.load_stats import EndpointStats

LATENCY_BUCKETS_MS = (100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000)
"""Upper edges of the end-to-end latency plot's bars; a last bar holds everything slower."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits a load run must stay within (``None``: not checked).

    Attributes:
        max_failure_ratio: the largest share of failed HTTP requests (0 = none may fail).
        max_p95_ms: the largest p95 of all HTTP requests together.
        max_e2e_p95_ms: the largest p95 of approval -> ERP posting latency.
    """

    max_failure_ratio: float = 0.0
    max_p95_ms: float | None = None
    max_e2e_p95_ms: float | None = None


def breaches(thresholds: Thresholds, total: EndpointStats, e2e: EndpointStats | None) -> list[str]:
    """Every threshold the run crossed, as sentences (empty when it stayed within all of them)."""
    out: list[str] = []
    ratio = total.failures / total.requests if total.requests else 0.0
    if ratio > thresholds.max_failure_ratio:
        out.append(
            f"failure ratio {ratio:.4f} ({total.failures}/{total.requests}) exceeds {thresholds.max_failure_ratio:g}"
        )
    if thresholds.max_p95_ms is not None and total.p95_ms > thresholds.max_p95_ms:
        out.append(f"HTTP p95 {total.p95_ms:.0f} ms exceeds {thresholds.max_p95_ms:g} ms")
    if thresholds.max_e2e_p95_ms is not None:
        if e2e is None or e2e.requests == 0:
            out.append("no end-to-end latency samples: no approved entry was seen reaching the ERP")
        elif e2e.p95_ms > thresholds.max_e2e_p95_ms:
            out.append(f"end-to-end p95 {e2e.p95_ms:.0f} ms exceeds {thresholds.max_e2e_p95_ms:g} ms")
    return out


def latency_bars(histogram: Mapping[int, int]) -> list[tuple[str, int]]:
    """The end-to-end samples counted into :data:`LATENCY_BUCKETS_MS` bars (label, count)."""
    counts = [0] * (len(LATENCY_BUCKETS_MS) + 1)
    for ms, n in histogram.items():
        slot = next((i for i, edge in enumerate(LATENCY_BUCKETS_MS) if ms <= edge), len(LATENCY_BUCKETS_MS))
        counts[slot] += n
    labels = [f"<={_ms(edge)}" for edge in LATENCY_BUCKETS_MS] + [f">{_ms(LATENCY_BUCKETS_MS[-1])}"]
    return list(zip(labels, counts, strict=True))


def _ms(value: int) -> str:
    return f"{value // 1000}s" if value >= 1000 else f"{value}ms"


def latency_plot(histogram: Mapping[int, int]) -> str:
    """A Mermaid bar chart of the end-to-end latency distribution (empty without samples)."""
    if not histogram:
        return ""
    bars = latency_bars(histogram)
    labels = ", ".join(f'"{label}"' for label, _ in bars)
    values = ", ".join(str(count) for _, count in bars)
    return "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            '    title "PSA approval -> ERP posting latency"',
            f"    x-axis [{labels}]",
            '    y-axis "entries"',
            f"    bar [{values}]",
            "```",
        ]
    )


def markdown_summary(
    *,
    title: str,
    facts: Sequence[tuple[str, str]],
    endpoints: Sequence[EndpointStats],
    total: EndpointStats,
    e2e: EndpointStats | None,
    histogram: Mapping[int, int],
    invariants: Sequence[InvariantResult],
    crossed: Sequence[str],
    passed: bool,
) -> str:
    """The Markdown report of a load run."""
    lines = [f"# {title}: {'PASSED' if passed else 'FAILED'}", ""]
    lines += [f"- **{name}**: {value}" for name, value in facts]
    lines += ["", "| request | requests | failures | p50 ms | p95 ms | p99 ms | req/s |"]
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for e in [*endpoints, total]:
        name = e.name if e.method and e.name.startswith(e.method) else f"{e.method} {e.name}".strip()
        figures = (e.requests, e.failures, f"{e.median_ms:.0f}", f"{e.p95_ms:.0f}", f"{e.p99_ms:.0f}", f"{e.rps:.1f}")
        lines.append(f"| {name} | " + " | ".join(str(f) for f in figures) + " |")
    lines += ["", "## End to end: PSA approval -> ERP posting", ""]
    if e2e is None:
        lines.append("No samples: no approved entry was seen reaching the ERP during the run.")
    else:
        lines.append(
            f"{e2e.requests} entries; p50 {e2e.median_ms:.0f} ms, p95 {e2e.p95_ms:.0f} ms, p99 {e2e.p99_ms:.0f} ms "
            "(measured by the load generator from each approval's response to the ERP journal's record of the "
            "posting, polled every 250 ms)."
        )
        lines += ["", latency_plot(histogram)]
    lines += ["", "## Invariants", ""]
    for result in invariants:
        lines.append(f"- {'PASS' if result.passed else 'FAIL'} `{result.name}`: {result.doc}")
        lines += [f"  - [{v.severity}] {v.message}" for v in result.violations[:20]]
    if crossed:
        lines += ["", "## Thresholds crossed", ""] + [f"- {text}" for text in crossed]
    return "\n".join(lines) + "\n"


@dataclass(slots=True)
class LoadResult:
    """What a load run produced: Locust's figures, the drain, the generator's CPU and the invariants."""

    name: str
    seed: int
    profile: str
    users: int
    spawn_rate: float
    duration: str
    workers: int
    exit_code: int
    requests: int
    failures: int
    rps: float
    endpoints: list[EndpointStats]
    load_s: float
    drain_s: float
    drained: bool
    generator_cpu_s: float
    approved_billable_entries: int
    posted_entries: int
    held_entries: int
    invariants: list[InvariantResult]
    duration_s: float
    run_dir: Path | None
    total: EndpointStats | None = None
    e2e: EndpointStats | None = None
    e2e_histogram: dict[int, int] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    breaches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def generator_cpu_percent(self) -> float:
        """Locust's CPU time over the load phase, in percent of one core (summed over its processes)."""
        return round(100.0 * self.generator_cpu_s / self.load_s, 1) if self.load_s > 0 else 0.0

    @property
    def violations(self) -> int:
        """How many invariant violations in all."""
        return sum(len(r.violations) for r in self.invariants)

    @property
    def passed(self) -> bool:
        """Locust finished, the orchestrator drained, every invariant held and no threshold was crossed.

        Locust exits 1 when any request failed; that is a failure only when no failures are allowed.
        """
        clean_exit = self.exit_code == 0 or (self.exit_code == 1 and self.thresholds.max_failure_ratio > 0)
        return clean_exit and self.drained and self.violations == 0 and not self.breaches

    def facts(self) -> list[tuple[str, str]]:
        """The run's settings and headline figures, for the reports."""
        return [
            ("seed / profile", f"{self.seed} / {self.profile}"),
            ("users", f"{self.users} at peak (spawn {self.spawn_rate}/s, {self.workers} workers) for {self.duration}"),
            ("requests", f"{self.requests} ({self.failures} failed), {self.rps:.1f} req/s"),
            ("generator CPU", f"{self.generator_cpu_s:.1f} s = {self.generator_cpu_percent}% of one core"),
            (
                "drain",
                f"{'done' if self.drained else 'NOT DONE'} in {self.drain_s:.1f} s "
                f"({self.posted_entries}/{self.approved_billable_entries} approved billable entries posted, "
                f"{self.held_entries} held for customers on credit hold)",
            ),
        ]

    def markdown(self) -> str:
        """The Markdown report of the run (written as ``summary.md`` in the report folder)."""
        total = self.total or EndpointStats("", "Aggregated", self.requests, self.failures, 0, 0, 0, self.rps)
        return markdown_summary(
            title=f"Load {self.name}",
            facts=self.facts(),
            endpoints=self.endpoints,
            total=total,
            e2e=self.e2e,
            histogram=self.e2e_histogram,
            invariants=self.invariants,
            crossed=self.breaches,
            passed=self.passed,
        )

    def summary(self) -> str:
        """A plain-text report (the CLI prints it)."""
        lines = [
            f"load {self.name}: seed {self.seed}, profile {self.profile}, {self.users} users "
            f"(spawn {self.spawn_rate}/s, {self.workers} workers) for {self.duration}",
            f"locust exit {self.exit_code}: {self.requests} requests, {self.failures} failures, {self.rps:.1f} req/s; "
            f"generator CPU {self.generator_cpu_s:.1f} s = {self.generator_cpu_percent}% of one core",
        ]
        for e in self.endpoints:
            lines.append(
                f"  {e.method:6} {e.name:48} {e.requests:7} req {e.failures:5} fail "
                f"p50 {e.median_ms:6.0f} ms p95 {e.p95_ms:6.0f} ms p99 {e.p99_ms:6.0f} ms {e.rps:8.1f}/s"
            )
        if self.e2e is not None:
            e = self.e2e
            lines.append(
                f"  {'E2E':6} {e.name:48} {e.requests:7} ent {'':10} "
                f"p50 {e.median_ms:6.0f} ms p95 {e.p95_ms:6.0f} ms p99 {e.p99_ms:6.0f} ms"
            )
        else:
            lines.append("  E2E    no approved entry was seen reaching the ERP during the run")
        lines.append(
            f"drain: {'done' if self.drained else 'NOT DONE'} in {self.drain_s:.1f} s "
            f"({self.posted_entries}/{self.approved_billable_entries} approved billable entries posted, "
            f"{self.held_entries} held for customers on credit hold)"
        )
        for r in self.invariants:
            lines.append(f"  {'PASS' if r.passed else 'FAIL'} {r.name}: {r.doc}")
            lines.extend(f"       - [{v.severity}] {v.message}" for v in r.violations[:10])
            if len(r.violations) > 10:
                lines.append(f"       ... and {len(r.violations) - 10} more")
        lines.extend(f"  THRESHOLD {text}" for text in self.breaches)
        lines.extend(self.notes)
        logs = f"report and logs in {self.run_dir}" if self.run_dir else "pass a report folder to keep the logs"
        lines.append(f"{'PASSED' if self.passed else 'FAILED'} in {self.duration_s:.1f} s; {logs}")
        return "\n".join(lines)
