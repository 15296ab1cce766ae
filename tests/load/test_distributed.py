"""Locust's distributed mode on loopback: a master and two workers, bounded, stopping by themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load import run_load


@pytest.mark.load
@pytest.mark.slow
@pytest.mark.timeout(150)
def test_a_master_and_two_workers_run_the_month_end_shape_and_stop_by_themselves(tmp_path: Path) -> None:
    result = run_load(
        "month-end", users=6, spawn_rate=6, duration="12s", workers=2, seed=7, settle_timeout_s=60, run_dir=tmp_path
    )

    summary = result.summary()
    assert result.passed, summary
    assert result.workers == 2
    assert result.requests > 0, summary
    assert result.approved_billable_entries > 0, summary
    assert result.e2e is not None, summary
    assert result.e2e.requests > 0, summary
    logs = sorted(p.name for p in tmp_path.glob("locust*.log"))
    assert logs == ["locust-worker-1.log", "locust-worker-2.log", "locust.log"]
    assert "summary.md" in {p.name for p in tmp_path.iterdir()}
    assert (tmp_path / "locust.html").stat().st_size > 0
    assert "xychart-beta" in (tmp_path / "summary.md").read_text()
