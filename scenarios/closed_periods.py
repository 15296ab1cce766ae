"""Suite: closed periods (the month closes while its last approvals are still coming in).

October 2026 is the open month of the seeded world (today is Friday 30 October); September and earlier
are closed. Each case posts an early October week, closes October, then approves the last October week
late, and checks that nothing lands in the closed period under either period policy.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from harness.engine import ScenarioContext, scenario
from scenarios import actions
from scenarios.invariants import no_approved_entry_lost, no_duplicate_postings, posted_hours_equal_approved_hours
from scenarios.links import source_entry_id
from scenarios.period_invariants import (
    approved_equals_posted_plus_dead_lettered,
    every_approved_entry_posted_or_dead_lettered,
    no_posting_sent_twice_without_cause,
    nothing_posted_into_a_closed_period,
    redated_postings_keep_the_original_date,
)
from scenarios.waits import await_outcome

SUITE = "closed periods"
PERIOD = "2026-10"
EARLY_WEEK = date(2026, 10, 19)
LATE_WEEK = date(2026, 10, 26)
CONSULTANTS = 3


def _early_then_late(ctx: ScenarioContext, close: Callable[[], None]) -> None:
    """Approve an early October week and wait for it; run ``close``; approve the last October week late."""
    rng = random.Random(ctx.seed)
    early_days, late_days = actions.weekdays(EARLY_WEEK, 5), actions.weekdays(LATE_WEEK, 5)
    early = actions.choose_staffings(ctx.psa.api, CONSULTANTS, rng, days=early_days + late_days)
    late = actions.choose_staffings(
        ctx.psa.api, CONSULTANTS, rng, exclude={s.user_id for s in early}, days=early_days + late_days
    )
    actions.timesheets_for(ctx.psa.api, early, early_days, rng)
    await_outcome(ctx)
    close()
    actions.timesheets_for(ctx.psa.api, late, late_days, rng)
    await_outcome(ctx)


def _redated(ctx: ScenarioContext) -> int:
    entries = {str(e["id"]): e for e in ctx.psa.admin.data().get("time_entries", [])}
    bills = ctx.erp.admin.data().get("timeBill", [])
    return sum(
        1
        for b in bills
        if (e := entries.get(source_entry_id(b) or "")) and str(b["tranDate"])[:10] != str(e["date_performed"])[:10]
    )


@scenario("late-approvals-for-a-closed-period-are-dead-lettered-and-post-once-after-reopening", suite=SUITE)
def dead_letter_then_replay(ctx: ScenarioContext) -> None:
    """October closes while its last week is still being approved. Under the dead-letter policy the late
    approvals are parked with reason PERIOD_CLOSED and nothing is posted into the closed period; once finance
    reopens October and replays the dead-letter queue, each late entry is posted exactly once and the books
    reconcile per project and period."""
    _early_then_late(ctx, lambda: actions.set_period_state(ctx.erp.admin, PERIOD, "closed"))
    parked = [d for d in ctx.orchestrator.dead_letters() or [] if d.get("reason") == "PERIOD_CLOSED"]
    ctx.facts["dead_lettered"] = len(parked)
    ctx.note(f"{len(parked)} late entries dead-lettered with PERIOD_CLOSED while {PERIOD} was closed")
    ctx.expect(
        nothing_posted_into_a_closed_period,
        every_approved_entry_posted_or_dead_lettered,
        approved_equals_posted_plus_dead_lettered,
    )
    actions.set_period_state(ctx.erp.admin, PERIOD, "open")
    replayed = ctx.orchestrator.replay("PERIOD_CLOSED")
    ctx.facts["replayed"] = replayed
    ctx.note(f"{PERIOD} reopened; {replayed} dead letters replayed")
    await_outcome(ctx)
    ctx.expect(
        no_approved_entry_lost,
        no_duplicate_postings,
        no_posting_sent_twice_without_cause,
        posted_hours_equal_approved_hours,
        approved_equals_posted_plus_dead_lettered,
    )


@scenario("late-approvals-are-re-dated-to-the-first-open-period-keeping-their-original-date", suite=SUITE)
def redate_policy(ctx: ScenarioContext) -> None:
    """The close calendar closes October as the clock passes month-end; the last October week is approved on
    2 November. Under the re-date policy each late entry is posted on the first day of November with its
    original date kept in the memo; nothing is dated in the closed period and the books reconcile."""
    ctx.orchestrator.configure({"ORCH_PERIOD_POLICY": "redate"})
    ctx.erp.admin.update_settings({"close_calendar": {"close_after_days": 1}})

    def month_end() -> None:
        ctx.advance_clocks(days=3)  # Monday 2 November: October is past its close day

    _early_then_late(ctx, month_end)
    redated = _redated(ctx)
    ctx.facts["redated"] = redated
    ctx.note(f"{redated} late entries re-dated out of the closed {PERIOD}")
    ctx.expect(
        nothing_posted_into_a_closed_period,
        redated_postings_keep_the_original_date,
        no_approved_entry_lost,
        no_duplicate_postings,
        approved_equals_posted_plus_dead_lettered,
    )


@scenario("postings-are-never-dated-in-a-closed-period-even-when-the-erp-would-re-date-them", suite=SUITE)
def erp_redates_silently(ctx: ScenarioContext) -> None:
    """The ERP is set to move postings out of closed periods silently (NetSuite's First Open Period
    preference). October closes mid-run; the orchestrator must still not send postings dated in it: under
    the dead-letter policy the late approvals are dead-lettered with PERIOD_CLOSED rather than slipped into
    November under their October date."""
    ctx.erp.admin.update_settings({"closed_period_policy": "redate_to_first_open"})
    _early_then_late(ctx, lambda: actions.set_period_state(ctx.erp.admin, PERIOD, "closed"))
    parked = [d for d in ctx.orchestrator.dead_letters() or [] if d.get("reason") == "PERIOD_CLOSED"]
    ctx.facts["dead_lettered"] = len(parked)
    ctx.expect(
        nothing_posted_into_a_closed_period,
        every_approved_entry_posted_or_dead_lettered,
        approved_equals_posted_plus_dead_lettered,
        no_duplicate_postings,
    )
