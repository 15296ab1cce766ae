"""End-to-end smoke run of the month-end locustfile: fleet, Locust subprocess, drain, invariants."""

from __future__ import annotations

import pytest

from harness.load import run_load


@pytest.mark.load
@pytest.mark.slow
@pytest.mark.timeout(110)
def test_month_end_smoke_posts_every_approved_entry_exactly_once() -> None:
    result = run_load("month-end", users=10, spawn_rate=10, duration="10s", seed=42, settle_timeout_s=60)

    summary = result.summary()
    assert result.exit_code == 0, summary
    assert result.requests > 0, summary
    assert result.failures == 0, summary
    assert result.drained, summary
    assert result.approved_billable_entries > 0, summary
    assert result.posted_entries == result.approved_billable_entries, summary
    assert [r.name for r in result.invariants] == [
        "approved_entry_posted_or_held",
        "no_duplicate_postings",
        "only_approved_billable_time_posted",
        "posted_hours_reconcile_outside_holds",
    ]
    assert all(r.passed for r in result.invariants), summary
    assert result.duration_s < 100, summary
