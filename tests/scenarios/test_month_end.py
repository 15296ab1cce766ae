"""The month-end-peak suite: on the small world (volume is not the point here) it books the closing week
itself, approves it in bursts, and reports throughput and approval-to-posting latency."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine import SCENARIOS, profile_for
from harness.runner import run_with_fleet

pytestmark = pytest.mark.servers_only

PEAK = "a-month-end-peak-is-posted-exactly-once-and-reconciles-to-the-cent"


def test_the_peak_runs_on_its_month_end_worlds_unless_told_otherwise() -> None:
    import scenarios  # noqa: F401  (registers the suites)

    sc = SCENARIOS[PEAK]
    assert profile_for(sc, "small") == "month-end-ci"
    assert profile_for(sc, "small", full=True) == "month-end"
    assert profile_for(sc, "small", sized=False) == "small"


def test_burst_approvals_are_posted_once_with_latency_and_throughput_reported(tmp_path: Path) -> None:
    (result,) = run_with_fleet(names=[PEAK], seed=42, run_dir=tmp_path, sized=False)
    assert result.status == "passed", (result.error, [(i.name, i.violations) for i in result.invariants])
    assert result.profile == "small"
    facts = result.facts
    assert facts["closing_week_timesheets"] > 0
    assert facts["postings"] > 0
    assert facts["burst_postings"] == facts["postings"], "on the small world every posting comes from a burst"
    assert 0 < facts["latency_p50_s"] <= facts["latency_p95_s"] <= facts["latency_p99_s"]
    assert facts["throughput_per_s"] > 0
