"""The duplicate-submissions scenario passes with the reference orchestrator and catches a careless one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.runner import run_with_fleet

pytestmark = pytest.mark.servers_only


def test_reference_orchestrator_posts_each_entry_exactly_once(tmp_path: Path) -> None:
    (result,) = run_with_fleet(names=["duplicate-submissions"], seed=42, run_dir=tmp_path)
    assert result.status == "passed", (result.error, [(i.name, i.violations) for i in result.invariants])
    assert {i.name for i in result.invariants} == {
        "no_approved_entry_lost",
        "no_duplicate_postings",
        "only_approved_billable_time_posted",
        "posted_hours_equal_approved_hours",
        "every_call_carries_a_correlation_id",
    }
    # The faults really fired: responses were lost after commit and approvals were delivered twice.
    assert result.facts["lost_responses"] > 0
    assert result.facts["approval_events"] == 2 * result.facts["submissions"]


def test_posting_with_plain_post_is_caught_as_duplicates(tmp_path: Path) -> None:
    (result,) = run_with_fleet(
        names=["duplicate-submissions"], seed=42, run_dir=tmp_path, orchestrator_env={"ORCH_POSTING_MODE": "create"}
    )
    assert result.status == "failed"
    failed = {i.name: i.violations for i in result.invariants if not i.passed}
    assert set(failed) == {"no_duplicate_postings", "posted_hours_equal_approved_hours"}
    duplicate = failed["no_duplicate_postings"][0]
    assert duplicate.severity == "critical"
    assert len(duplicate.evidence["erp_time_bills"]) >= 2
    assert duplicate.evidence["faulted_erp_requests"], "evidence cites the journal entries of the fired faults"
