"""The project-setup suite passes with the reference orchestrator, faults and duplicated events included."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine import SCENARIOS
from harness.runner import run_with_fleet

pytestmark = pytest.mark.servers_only


def test_reference_orchestrator_sets_up_each_won_opportunity_once(tmp_path: Path) -> None:
    import scenarios  # noqa: F401  (registers the suites)

    names = [s.name for s in SCENARIOS.values() if s.suite == "project setup"]
    assert len(names) == 4
    results = {r.name: r for r in run_with_fleet(names=names, seed=42, run_dir=tmp_path)}
    for result in results.values():
        violations = [(i.name, i.violations) for i in result.invariants]
        assert result.status == "passed", (result.name, result.error, violations)
    midway = results["a-failure-midway-pauses-the-setup-which-resumes-without-half-created-records"]
    assert all(n >= 1 for n in midway.facts["faults_fired"].values()), midway.facts
    assert midway.facts["faults_fired"]["job-upsert-unavailable"] == 3
    duplicated = results["duplicated-change-events-set-up-nothing-twice"]
    assert duplicated.facts["duplicates"] >= 3, duplicated.facts
    refused = results["a-won-opportunity-without-an-account-is-refused-before-anything-is-created"]
    assert [i.name for i in refused.invariants] == ["nothing_created", "every_call_carries_a_correlation_id"]
