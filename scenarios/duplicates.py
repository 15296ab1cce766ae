"""Suite: duplicate submissions (lost responses after commit, duplicated, reordered and replayed events, a
double approval, an orchestrator crash mid-batch). The invariant throughout: exactly-once postings."""

from __future__ import annotations

import random
from datetime import date

from harness.engine import ScenarioContext, scenario
from scenarios import actions
from scenarios.invariants import (
    approved_billable,
    every_call_carries_a_correlation_id,
    no_approved_entry_lost,
    no_duplicate_postings,
    only_approved_billable_time_posted,
    posted_hours_equal_approved_hours,
)
from scenarios.links import postings_by_entry
from scenarios.period_invariants import no_posting_sent_twice_without_cause
from scenarios.waits import await_outcome

SUITE = "duplicate submissions"
LOST_RESPONSE_RATE = 0.3
CONSULTANTS = 8
WEEK = date(2026, 10, 19)
TIMEBILL_WRITES = {"method": ["POST", "PUT"], "path": "/services/rest/record/v1/timeBill*"}


def _lose_responses(ctx: ScenarioContext, rate: float) -> None:
    ctx.erp.admin.add_fault(
        {"id": "lost-timebill-responses", "match": TIMEBILL_WRITES, "kind": "CONNECTION_RESET", "phase": "after"}
        | {"probability": rate}
    )


def _posted_count(ctx: ScenarioContext) -> int:
    return len(postings_by_entry(ctx.erp.admin.data().get("timeBill", [])))


@scenario("responses-lost-after-commit-and-duplicated-approval-events-post-each-entry-once", suite=SUITE)
def duplicate_submissions(ctx: ScenarioContext) -> None:
    """30% of ERP timeBill writes commit but lose their response, and every PSA approval event is
    delivered twice: each approved billable time entry must still be posted exactly once, posted hours
    must equal approved hours, and no posting may be sent again unless its response was lost."""
    _lose_responses(ctx, LOST_RESPONSE_RATE)
    ctx.psa.admin.update_settings({"events": {"duplicate_rate": 1.0}})
    rng = random.Random(ctx.seed)
    submissions = actions.approved_timesheets(ctx.psa.api, week_start=WEEK, consultants=CONSULTANTS, rng=rng)
    ctx.note(f"{len(submissions)} timesheets approved by {CONSULTANTS} consultants for the week of {WEEK}")
    await_outcome(ctx, timeout_s=90, quiet_s=1.5)
    fired = sum(r["fired"] for r in ctx.erp.admin.faults())
    approvals = [e for e in ctx.psa.admin.events() if e["type"] == "timesheet_submission:approved"]
    ctx.facts.update({"lost_responses": fired, "approval_events": len(approvals), "submissions": len(submissions)})
    ctx.note(f"{fired} timeBill responses lost after commit; {len(approvals)} approval events delivered")
    ctx.expect(
        no_approved_entry_lost,
        no_duplicate_postings,
        only_approved_billable_time_posted,
        posted_hours_equal_approved_hours,
        every_call_carries_a_correlation_id,
        no_posting_sent_twice_without_cause,
    )


@scenario("approval-events-that-arrive-late-out-of-order-and-replayed-post-each-entry-once", suite=SUITE)
def reordered_and_replayed(ctx: ScenarioContext) -> None:
    """The PSA feed delivers half its events out of order, repeats half of them under new ids (a replayed
    webhook) and stamps them up to a minute after the change; approvals come in two waves a day apart.
    Each approved billable entry is posted exactly once and never sent twice."""
    ctx.psa.admin.update_settings({"events": {"reorder_rate": 0.5, "duplicate_rate": 0.5}, "event_max_lag_seconds": 60})
    rng = random.Random(ctx.seed)
    first = actions.approved_timesheets(ctx.psa.api, week_start=WEEK, consultants=4, rng=rng)
    ctx.advance_clocks(days=1)
    second = actions.approved_timesheets(ctx.psa.api, week_start=date(2026, 10, 12), consultants=4, rng=rng)
    await_outcome(ctx, timeout_s=90, quiet_s=1.5)
    events = ctx.psa.admin.events()
    ctx.facts.update({"submissions": len(first) + len(second), "events": len(events)})
    ctx.expect(
        no_approved_entry_lost,
        no_duplicate_postings,
        posted_hours_equal_approved_hours,
        no_posting_sent_twice_without_cause,
    )


@scenario("a-timesheet-approved-twice-is-posted-once", suite=SUITE)
def double_approval(ctx: ScenarioContext) -> None:
    """An approver approves the same timesheets twice, once one by one and again in a bulk approval (the
    PSA refuses the second, as Kantata does for a submission no longer pending). Each entry is posted once."""
    rng = random.Random(ctx.seed)
    days = actions.weekdays(WEEK, 5)
    staffings = actions.choose_staffings(ctx.psa.api, 4, rng, days=days)
    submissions = actions.timesheets_for(ctx.psa.api, staffings, days, rng)
    again = actions.approve_in_bulk(ctx.psa.api, submissions)
    ctx.facts.update({"submissions": len(submissions), "second_approval_status": again.status_code})
    ctx.note(f"second approval of {len(submissions)} timesheets answered {again.status_code}")
    await_outcome(ctx)
    ctx.expect(no_approved_entry_lost, no_duplicate_postings, posted_hours_equal_approved_hours)


@scenario("an-orchestrator-killed-mid-batch-loses-and-duplicates-no-posting", suite=SUITE)
def killed_mid_batch(ctx: ScenarioContext) -> None:
    """Three weeks of timesheets are approved at once; ERP writes are slowed to 20 ms and 10% lose their
    response. While the orchestrator is posting, its process is SIGKILLed twice (no shutdown code runs) and
    started again each time on the ledger it left behind. Nothing is lost and nothing is posted twice."""
    ctx.erp.admin.add_fault(
        {"id": "slow-timebill-writes", "match": TIMEBILL_WRITES, "kind": "DELAY", "params": {"delay_ms": 20}}
    )
    _lose_responses(ctx, 0.1)
    rng = random.Random(ctx.seed)
    days = actions.weekdays(date(2026, 10, 5), 15)
    staffings = actions.choose_staffings(ctx.psa.api, 12, rng, days=days)
    actions.timesheets_for(ctx.psa.api, staffings, days, rng)
    total = len(approved_billable(ctx.view()))
    at_kills = []
    for share in (0.25, 0.6):
        wanted = total * share
        ctx.eventually(
            lambda: _posted_count(ctx) >= wanted,  # noqa: B023  (called within this iteration)
            timeout_s=60,
            interval_s=0.05,
            what=f"{share:.0%} of the postings",
        )
        ctx.orchestrator.kill()
        at_kills.append(_posted_count(ctx))
        ctx.note(f"orchestrator SIGKILLed with {at_kills[-1]} of {total} entries posted")
        ctx.orchestrator.restart()
    await_outcome(ctx, timeout_s=120, quiet_s=1.5)
    ctx.facts.update({"entries": total, "posted_at_kills": at_kills, "posted": _posted_count(ctx)})
    ctx.expect(no_approved_entry_lost, no_duplicate_postings, posted_hours_equal_approved_hours)
