"""Suite: credit holds (a manual hold mid-run, an automatic hold when the credit limit is crossed, release).

Delivery completes priced milestones in the PSA while finance holds and releases the customer in the ERP
(credit policy ``enforce``). The clocks run at 60x, so "within a bound of simulated time" means something:
the bound is ten simulated minutes, ten seconds of wall time.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from harness.engine import ScenarioContext, scenario
from scenarios import billing_actions as act
from scenarios.credit_invariants import (
    held_billing_flows_once_released,
    held_customers_flagged_and_alerted,
    no_invoice_for_held_customer,
)
from scenarios.invariants import every_call_carries_a_correlation_id

SUITE = "credit holds"
CLOCK_RATE = 60.0
BOUND = timedelta(minutes=10)
FLAG_WAIT_S = 11.0
"""Wall seconds to wait for the flag and the task: just past the bound (ten simulated minutes at 60x)."""
INVOICE_WAIT_S = 12.0


def _start(ctx: ScenarioContext) -> act.Engagement:
    ctx.erp.admin.update_settings({"credit_policy": "enforce"})
    ctx.set_clocks(mode="running", rate=CLOCK_RATE)
    engagement = act.milestone_engagement(ctx)
    ctx.note(
        f"customer {engagement.customer_external_id} (ERP {engagement.customer_id}, CRM {engagement.account_id}), "
        f"milestone project: PSA workspace {engagement.workspace_id} / ERP job {engagement.job_id}"
    )
    return engagement


def _milestone_invoiced(ctx: ScenarioContext, job_id: str, title: str) -> bool:
    invoices = [i for i in ctx.erp.admin.data().get("invoice", []) if str(i.get("job")) == job_id]
    return any(line.get("description") == title for inv in invoices for line in inv.get("lines", []))


def _flagged_and_alerted(ctx: ScenarioContext, eng: act.Engagement) -> bool:
    psa = ctx.psa.admin.data()
    flagged = any(
        r.get("subject_type") == "Workspace"
        and str(r.get("subject_id")) == eng.workspace_id
        and "hold" in str(r.get("external_status") or "").lower()
        and "release" not in str(r.get("external_status") or "").lower()
        for r in psa.get("external_references", [])
    ) or any(str(w["id"]) == eng.workspace_id and w.get("status") == "on_hold" for w in psa.get("workspaces", []))
    tasks = act.soql(ctx.crm.api, f"SELECT Id FROM Task WHERE WhatId = '{eng.account_id}' AND IsClosed = false")
    return flagged and bool(tasks)


def _check_hold(ctx: ScenarioContext, eng: act.Engagement) -> None:
    events = ctx.erp.admin.events()
    ctx.expect(
        no_invoice_for_held_customer(events),
        held_customers_flagged_and_alerted(events, {eng.customer_external_id}, BOUND),
    )


def _check_release(ctx: ScenarioContext, eng: act.Engagement, milestones: dict[str, Decimal]) -> None:
    events = ctx.erp.admin.events()
    ctx.expect(
        no_invoice_for_held_customer(events),
        held_billing_flows_once_released(events, milestones, eng.job_id),
        every_call_carries_a_correlation_id,
    )


@scenario("a-manual-credit-hold-stops-invoicing-is-flagged-and-alerted-and-billing-resumes-on-release", suite=SUITE)
def manual_hold(ctx: ScenarioContext) -> None:
    """Finance puts the customer on hold (override ON) mid-run; a milestone completed during the hold is not
    invoiced, the customer's PSA workspaces are flagged and the account owner gets a CRM task within ten
    simulated minutes; when finance releases the hold (override OFF) the held milestone is invoiced."""
    eng = _start(ctx)
    act.update_customer(ctx.erp.api, eng.customer_external_id, {"creditHoldOverride": {"id": "ON"}})
    title, amount = f"Design sign-off ({ctx.seed})", Decimal("4000.00")
    act.complete_milestone(ctx.psa.api, eng.workspace_id, title, int(amount * 100))
    waited = act.wait_until(
        ctx, lambda: _flagged_and_alerted(ctx, eng), timeout_s=FLAG_WAIT_S, what="the hold flag and task"
    )
    ctx.facts["seconds_to_flag"] = waited
    _check_hold(ctx, eng)

    act.update_customer(ctx.erp.api, eng.customer_external_id, {"creditHoldOverride": {"id": "OFF"}})
    waited = act.wait_until(
        ctx,
        lambda: _milestone_invoiced(ctx, eng.job_id, title),
        timeout_s=INVOICE_WAIT_S,
        what="the held milestone's invoice",
    )
    ctx.facts["seconds_to_invoice_after_release"] = waited
    ctx.facts["hold_events"] = len(act.erp_events(ctx, "customer.creditHoldChanged"))
    _check_release(ctx, eng, {title: amount})


@scenario("crossing-the-credit-limit-holds-the-customer-automatically-until-a-payment-releases-it", suite=SUITE)
def automatic_hold(ctx: ScenarioContext) -> None:
    """The customer's credit limit is set 1,000.00 above its exposure; a 1,500.00 milestone invoice crosses it
    and NetSuite holds the customer automatically. The next milestone is refused while the workspaces are
    flagged and the account owner alerted; once finance records the customer's payment the hold lifts and
    the refused milestone is invoiced."""
    eng = _start(ctx)
    ctx.settle(quiet_s=1.0, timeout_s=30)
    cust = act.customer(ctx.erp.api, eng.customer_external_id)
    exposure = Decimal(str(cust.get("balance") or 0)) + Decimal(str(cust.get("unbilledOrders") or 0))
    limit = (exposure + Decimal("1000.00")).quantize(Decimal("0.01"))
    act.update_customer(
        ctx.erp.api, eng.customer_external_id, {"creditLimit": str(limit), "creditHoldOverride": {"id": "AUTO"}}
    )
    ctx.note(f"exposure {exposure}, credit limit set to {limit}")
    first, second = f"Phase 1 acceptance ({ctx.seed})", f"Phase 2 acceptance ({ctx.seed})"
    amounts = {first: Decimal("1500.00"), second: Decimal("800.00")}
    act.complete_milestone(ctx.psa.api, eng.workspace_id, first, int(amounts[first] * 100))
    act.wait_until(
        ctx, lambda: _milestone_invoiced(ctx, eng.job_id, first), timeout_s=INVOICE_WAIT_S, what="the first invoice"
    )
    act.complete_milestone(ctx.psa.api, eng.workspace_id, second, int(amounts[second] * 100))
    waited = act.wait_until(
        ctx, lambda: _flagged_and_alerted(ctx, eng), timeout_s=FLAG_WAIT_S, what="the hold flag and task"
    )
    ctx.facts["seconds_to_flag"] = waited
    _check_hold(ctx, eng)

    act.receive_payment(ctx.erp.api, eng.customer_id, str(amounts[first]))
    waited = act.wait_until(
        ctx,
        lambda: _milestone_invoiced(ctx, eng.job_id, second),
        timeout_s=INVOICE_WAIT_S,
        what="the held milestone's invoice",
    )
    ctx.facts["seconds_to_invoice_after_release"] = waited
    ctx.facts["hold_events"] = len(act.erp_events(ctx, "customer.creditHoldChanged"))
    _check_release(ctx, eng, amounts)
