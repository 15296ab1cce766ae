"""The credit-holds suite passes with the reference orchestrator and catches one that ignores credit holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.runner import run_with_fleet

pytestmark = pytest.mark.servers_only

MANUAL = "a-manual-credit-hold-stops-invoicing-is-flagged-and-alerted-and-billing-resumes-on-release"
AUTOMATIC = "crossing-the-credit-limit-holds-the-customer-automatically-until-a-payment-releases-it"


def test_reference_orchestrator_flags_alerts_and_bills_after_release(tmp_path: Path) -> None:
    results = run_with_fleet(names=[MANUAL, AUTOMATIC], seed=42, run_dir=tmp_path)
    for result in results:
        violations = [(i.name, i.violations) for i in result.invariants]
        assert result.status == "passed", (result.name, result.error, violations)
        assert {i.name for i in result.invariants} == {
            "no_invoice_for_held_customer",
            "held_customers_flagged_and_alerted",
            "held_billing_flows_once_released",
            "every_call_carries_a_correlation_id",
        }
        assert result.facts["seconds_to_flag"] is not None
        assert result.facts["seconds_to_invoice_after_release"] is not None
        assert result.facts["hold_events"] >= 2, "a hold and its release were emitted"


@pytest.mark.slow  # it must wait out the flag bound (ten simulated minutes) and the release for what never comes
def test_ignoring_credit_holds_is_caught_with_evidence(tmp_path: Path) -> None:
    (result,) = run_with_fleet(
        names=[MANUAL], seed=42, run_dir=tmp_path, orchestrator_env={"ORCH_DEFECTS": "ignore-credit-hold"}
    )
    assert result.status == "failed", (result.error, result.notes)
    failed = {i.name: i.violations for i in result.invariants if not i.passed}
    assert set(failed) == {"held_customers_flagged_and_alerted", "held_billing_flows_once_released"}
    flag = failed["held_customers_flagged_and_alerted"][0]
    assert flag.evidence["hold_event"]
    assert flag.evidence["erp_requests"], "evidence cites the ERP request that put the hold"
    billing = failed["held_billing_flows_once_released"][0]
    assert billing.evidence["erp_job"]
    assert billing.evidence["hold_events"]
