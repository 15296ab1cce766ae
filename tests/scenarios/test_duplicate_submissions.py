"""The duplicate-submissions suite passes with the reference orchestrator and catches careless ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine import ScenarioResult
from harness.invariants import Violation
from harness.runner import run_with_fleet

pytestmark = pytest.mark.servers_only

SUITE = [
    "responses-lost-after-commit-and-duplicated-approval-events-post-each-entry-once",
    "approval-events-that-arrive-late-out-of-order-and-replayed-post-each-entry-once",
    "a-timesheet-approved-twice-is-posted-once",
    "an-orchestrator-killed-mid-batch-loses-and-duplicates-no-posting",
]


def _failed(result: ScenarioResult) -> dict[str, list[Violation]]:
    return {i.name: list(i.violations) for i in result.invariants if not i.passed}


def test_reference_orchestrator_posts_each_entry_exactly_once(tmp_path: Path) -> None:
    results = {r.name: r for r in run_with_fleet(names=SUITE, seed=42, run_dir=tmp_path)}
    for result in results.values():
        assert result.status == "passed", (result.name, result.error, _failed(result))
    lost = results["responses-lost-after-commit-and-duplicated-approval-events-post-each-entry-once"]
    assert {i.name for i in lost.invariants} == {
        "no_approved_entry_lost",
        "no_duplicate_postings",
        "only_approved_billable_time_posted",
        "posted_hours_equal_approved_hours",
        "every_call_carries_a_correlation_id",
        "no_posting_sent_twice_without_cause",
    }
    # The faults really fired: responses were lost after commit and approvals were delivered twice.
    assert lost.facts["lost_responses"] > 0
    assert lost.facts["approval_events"] == 2 * lost.facts["submissions"]
    assert results["a-timesheet-approved-twice-is-posted-once"].facts["second_approval_status"] == 422
    killed = results["an-orchestrator-killed-mid-batch-loses-and-duplicates-no-posting"].facts
    assert all(0 < n < killed["entries"] for n in killed["posted_at_kills"]), "both kills landed mid-batch"
    assert killed["posted"] == killed["entries"]


def test_posting_without_idempotency_is_caught_as_duplicates(tmp_path: Path) -> None:
    results = run_with_fleet(
        names=[SUITE[0], SUITE[3]], seed=42, run_dir=tmp_path, orchestrator_env={"ORCH_DEFECTS": "no-idempotency"}
    )
    for result in results:
        assert result.status == "failed", result.name
        failed = _failed(result)
        # Duplicated billing can also push a customer over its credit limit: the ERP then holds it, and that
        # customer's remaining entries wait unposted. A consequence of the same defect, depending on timing.
        caught = {"no_duplicate_postings", "posted_hours_equal_approved_hours"}
        assert caught <= set(failed) <= caught | {"no_approved_entry_lost"}
        duplicate = failed["no_duplicate_postings"][0]
        assert duplicate.severity == "critical"
        assert len(duplicate.evidence["erp_time_bills"]) >= 2
        assert duplicate.evidence["faulted_erp_requests"], "evidence cites the journal entries of the fired faults"


def test_no_inbox_deduplication_is_caught_as_postings_sent_twice(tmp_path: Path) -> None:
    (result,) = run_with_fleet(
        names=[SUITE[0]], seed=42, run_dir=tmp_path, orchestrator_env={"ORCH_DEFECTS": "no-inbox-dedup"}
    )
    assert result.status == "failed"
    failed = _failed(result)
    assert set(failed) == {"no_posting_sent_twice_without_cause"}
    violation = failed["no_posting_sent_twice_without_cause"][0]
    assert violation.message.endswith("without a lost response before it")
    assert len(violation.evidence["erp_journal_ids"]) >= 2
