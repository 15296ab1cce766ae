"""The closed-periods suite passes with the reference orchestrator under both period policies, and catches
an orchestrator that ignores the period policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine import ScenarioResult
from harness.invariants import Violation
from harness.runner import run_with_fleet

pytestmark = pytest.mark.servers_only

DEAD_LETTER = "late-approvals-for-a-closed-period-are-dead-lettered-and-post-once-after-reopening"
REDATE = "late-approvals-are-re-dated-to-the-first-open-period-keeping-their-original-date"
ERP_REDATES = "postings-are-never-dated-in-a-closed-period-even-when-the-erp-would-re-date-them"


def _failed(result: ScenarioResult) -> dict[str, list[Violation]]:
    return {i.name: list(i.violations) for i in result.invariants if not i.passed}


def test_reference_orchestrator_keeps_closed_periods_closed(tmp_path: Path) -> None:
    results = {r.name: r for r in run_with_fleet(names=[DEAD_LETTER, REDATE, ERP_REDATES], seed=42, run_dir=tmp_path)}
    for result in results.values():
        assert result.status == "passed", (result.name, result.error, _failed(result))
    dead = results[DEAD_LETTER].facts
    assert dead["dead_lettered"] > 0
    assert dead["replayed"] == dead["dead_lettered"]
    assert results[REDATE].facts["redated"] > 0
    assert results[ERP_REDATES].facts["dead_lettered"] > 0


def test_ignoring_the_period_policy_is_caught(tmp_path: Path) -> None:
    results = {
        r.name: r
        for r in run_with_fleet(
            names=[REDATE, ERP_REDATES],
            seed=42,
            run_dir=tmp_path,
            orchestrator_env={"ORCH_DEFECTS": "ignore-period-policy"},
        )
    }
    slipped = _failed(results[ERP_REDATES])
    assert set(slipped) == {"nothing_posted_into_a_closed_period"}
    violation = slipped["nothing_posted_into_a_closed_period"][0]
    assert "in the closed period Oct 2026" in violation.message
    evidence = violation.evidence
    assert evidence["erp_record"].startswith("timeBill/")
    assert evidence["tranDate"].startswith("2026-10-")
    assert evidence["erp_journal_ids"], "evidence cites the ERP requests that wrote the posting"
    assert set(_failed(results[REDATE])) == {"no_approved_entry_lost"}
