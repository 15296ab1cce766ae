"""Suite: project setup (closed-won opportunity -> ERP customer -> PSA workspace -> ERP project -> ids in CRM).

Sales wins opportunities in the CRM: one of a new account with no ERP customer yet, and one of a seeded
account already linked to its ERP customer. The integration must set each up exactly once, completely,
however its calls fail and however often the change events arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.engine import ScenarioContext, scenario
from scenarios import billing_actions as act
from scenarios.invariants import every_call_carries_a_correlation_id
from scenarios.setup_invariants import (
    Baseline,
    baseline,
    no_half_created_records,
    nothing_created,
    won_opportunities_set_up_once,
)

SUITE = "project setup"
SETUP_WAIT_S = 30.0
REFUSAL_QUIET_S = 3.0
"""Seconds without a write to any system after which the refusal is judged (several orchestrator polls)."""


def _baseline(ctx: ScenarioContext) -> Baseline:
    return baseline(ctx.erp.admin.data(), ctx.psa.admin.data())


def _new_account_opportunity(ctx: ScenarioContext, name: str) -> str:
    """A new Account (no ERP customer yet) with an open opportunity; returns the opportunity id."""
    account = ctx.crm.api.post(f"{act.CRM}/sobjects/Account", json={"Name": name})
    assert account.status_code == 201, account.text
    opp = ctx.crm.api.post(
        f"{act.CRM}/sobjects/Opportunity",
        json={
            "Name": f"{name} rollout",
            "AccountId": account.json()["id"],
            "StageName": "Prospecting",
            "CloseDate": "2026-11-30",
        },
    )
    assert opp.status_code == 201, opp.text
    return str(opp.json()["id"])


def _seeded_open_opportunities(ctx: ScenarioContext, n: int) -> list[str]:
    rows = act.soql(
        ctx.crm.api,
        "SELECT Id FROM Opportunity WHERE IsClosed = false AND Account.ERP_Customer_Id__c != null ORDER BY Id LIMIT "
        + str(n),
    )
    return [str(r["Id"]) for r in rows]


def _win(ctx: ScenarioContext, opp_id: str, amount: int) -> None:
    resp = ctx.crm.api.patch(
        f"{act.CRM}/sobjects/Opportunity/{opp_id}", json={"StageName": "Closed Won", "Amount": amount}
    )
    assert resp.status_code == 204, resp.text


def _set_up(ctx: ScenarioContext, opp_ids: list[str]) -> bool:
    ids = ", ".join(f"'{i}'" for i in opp_ids)
    rows = act.soql(ctx.crm.api, f"SELECT Id, PSA_Project_Id__c, ERP_Job_Id__c FROM Opportunity WHERE Id IN ({ids})")
    return len(rows) == len(opp_ids) and all(r.get("PSA_Project_Id__c") and r.get("ERP_Job_Id__c") for r in rows)


def _win_and_check(
    ctx: ScenarioContext, opp_ids: list[str], before: Baseline, after_win: Callable[[], None] | None = None
) -> None:
    for n, opp_id in enumerate(opp_ids):
        _win(ctx, opp_id, 25_000 + 5_000 * n)
    if after_win is not None:
        after_win()
    waited = act.wait_until(ctx, lambda: _set_up(ctx, opp_ids), timeout_s=SETUP_WAIT_S, what="every setup")
    ctx.facts["seconds_to_set_up"] = waited
    ctx.settle(quiet_s=1.0, timeout_s=30)
    ctx.expect(
        won_opportunities_set_up_once(opp_ids, before),
        no_half_created_records(before),
        every_call_carries_a_correlation_id,
    )


@scenario("a-closed-won-opportunity-gets-its-customer-workspace-and-job-once-with-the-ids-written-back", suite=SUITE)
def closed_won_setup(ctx: ScenarioContext) -> None:
    """Two opportunities are closed won, one of a brand-new account: each gets one ERP customer (the new account
    a new one, upserted by external id), one PSA workspace and one ERP project under it, and the Opportunity
    carries the PSA and ERP ids afterwards."""
    before = _baseline(ctx)
    opp_ids = [_new_account_opportunity(ctx, f"Harbour Lights {ctx.seed}"), *_seeded_open_opportunities(ctx, 1)]
    _win_and_check(ctx, opp_ids, before)
    ctx.facts["opportunities"] = len(opp_ids)


@scenario("a-failure-midway-pauses-the-setup-which-resumes-without-half-created-records", suite=SUITE)
def failure_midway(ctx: ScenarioContext) -> None:
    """The PSA commits the first new workspace but its response is lost, the ERP refuses the first three project
    upserts with 503, and Salesforce refuses the first write-back with 503: every setup pauses and resumes
    where it stopped, leaving no second workspace, no orphan project and no opportunity without its ids."""
    rules: list[tuple[Any, dict[str, Any]]] = [
        (
            ctx.psa,
            {
                "id": "lost-workspace-response",
                "match": {"method": ["POST"], "path": "/api/v1/workspaces*"},
                "kind": "CONNECTION_RESET",
                "phase": "after",
                "times": 1,
            },
        ),
        (
            ctx.erp,
            {
                "id": "job-upsert-unavailable",
                "match": {"method": ["PUT"], "path": "/services/rest/record/v1/job/*"},
                "kind": "HTTP_ERROR",
                "phase": "before",
                "times": 3,
                "params": {"status": 503},
            },
        ),
        (
            ctx.crm,
            {
                "id": "write-back-unavailable",
                "match": {"method": ["PATCH"], "path": "/services/data/*/sobjects/Opportunity/*"},
                "kind": "HTTP_ERROR",
                "phase": "before",
                "times": 1,
                "params": {"status": 503},
            },
        ),
    ]
    before = _baseline(ctx)
    opp_ids = [_new_account_opportunity(ctx, f"Northwind Cycles {ctx.seed}"), *_seeded_open_opportunities(ctx, 1)]
    for system, rule in rules[:2]:
        system.admin.add_fault(rule)

    def fail_write_back() -> None:
        """The CRM rule goes in once sales has won the deals, so that it fails the integration's write-back only."""
        ctx.crm.admin.add_fault(rules[2][1])

    _win_and_check(ctx, opp_ids, before, after_win=fail_write_back)
    fired = {rule["id"]: 0 for _, rule in rules}
    for system, _ in rules:
        for rule in system.admin.faults():
            if rule["id"] in fired:
                fired[rule["id"]] = rule["fired"]
    ctx.facts["faults_fired"] = fired
    ctx.note(f"faults fired: {fired}")


@scenario("duplicated-change-events-set-up-nothing-twice", suite=SUITE)
def duplicate_events(ctx: ScenarioContext) -> None:
    """Every CRM change event is delivered twice and each opportunity is edited again after it is won: three
    won opportunities still get one customer, one workspace and one project each."""
    ctx.crm.admin.update_settings({"events": {"duplicate_rate": 1.0}})
    before = _baseline(ctx)
    opp_ids = [_new_account_opportunity(ctx, f"Bluebell Foods {ctx.seed}"), *_seeded_open_opportunities(ctx, 2)]
    for opp_id in opp_ids:
        _win(ctx, opp_id, 40_000)
        resp = ctx.crm.api.patch(f"{act.CRM}/sobjects/Opportunity/{opp_id}", json={"Description": "Signed."})
        assert resp.status_code == 204, resp.text
    _win_and_check(ctx, opp_ids, before)
    events = [e for e in ctx.crm.admin.events() if e["type"] == "OpportunityChangeEvent"]
    ctx.facts["opportunity_change_events"] = len(events)
    ctx.facts["duplicates"] = sum(1 for e in events if e.get("duplicate_of") is not None)


@scenario("a-won-opportunity-without-an-account-is-refused-before-anything-is-created", suite=SUITE)
def missing_mandatory_fields(ctx: ScenarioContext) -> None:
    """An opportunity is closed won without an account: the integration must refuse it (a visible exception
    for people to fix), creating no ERP customer or project and no PSA workspace."""
    before = _baseline(ctx)
    created = ctx.crm.api.post(
        f"{act.CRM}/sobjects/Opportunity",
        json={"Name": f"Orphan deal {ctx.seed}", "StageName": "Closed Won", "CloseDate": "2026-11-30", "Amount": 9000},
    )
    assert created.status_code == 201, created.text
    ctx.settle(quiet_s=REFUSAL_QUIET_S, timeout_s=30)
    ctx.expect(nothing_created(before), every_call_carries_a_correlation_id)
