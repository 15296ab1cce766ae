"""Suite: duplicate submissions (lost responses after commit, events delivered twice)."""

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

LOST_RESPONSE_RATE = 0.3
CONSULTANTS = 8
WEEK = date(2026, 10, 19)


@scenario("duplicate-submissions", suite="duplicate submissions")
def duplicate_submissions(ctx: ScenarioContext) -> None:
    """30% of ERP timeBill writes commit but lose their response, and every PSA approval event is
    delivered twice: each approved billable time entry must still be posted exactly once, and posted hours
    must equal approved hours."""
    ctx.erp.admin.add_fault(
        {
            "id": "lost-timebill-responses",
            "match": {"method": ["POST", "PUT"], "path": "/services/rest/record/v1/timeBill*"},
            "kind": "CONNECTION_RESET",
            "phase": "after",
            "probability": LOST_RESPONSE_RATE,
        }
    )
    ctx.psa.admin.update_settings({"events": {"duplicate_rate": 1.0}})
    rng = random.Random(ctx.seed)
    submissions = actions.approved_timesheets(ctx.psa.api, week_start=WEEK, consultants=CONSULTANTS, rng=rng)
    ctx.note(f"{len(submissions)} timesheets approved by {CONSULTANTS} consultants for the week of {WEEK}")

    def all_posted() -> bool:
        view = ctx.view()
        posted = postings_by_entry(view.erp.get("timeBill", []))
        return all(entry_id in posted for entry_id in approved_billable(view))

    ctx.eventually(all_posted, timeout_s=90, what="every approved billable entry to reach the ERP")
    ctx.settle(quiet_s=1.5)
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
    )
