"""Waiting for the orchestrator, through what the systems show (and its dead-letter queue, when it has one)."""

from __future__ import annotations

from harness.engine import ScenarioContext, ScenarioTimeoutError
from harness.invariants import SystemView
from scenarios.invariants import approved_billable
from scenarios.links import postings_by_entry
from scenarios.period_invariants import dead_lettered_entries


def outstanding(view: SystemView) -> list[str]:
    """Approved billable entries neither posted nor dead-lettered yet."""
    posted = postings_by_entry(view.erp.get("timeBill", []))
    parked = dead_lettered_entries(view)
    return [e for e in approved_billable(view) if e not in posted and e not in parked]


def await_outcome(ctx: ScenarioContext, *, timeout_s: float = 60.0, quiet_s: float = 1.0) -> int:
    """Wait until every approved billable entry is posted or dead-lettered and the systems are quiet.

    A timeout is not an error here: the scenario goes on to its invariants, which name what is missing.
    Returns how many entries were still outstanding.
    """
    left: list[str] = []

    def done() -> bool:
        nonlocal left
        left = outstanding(ctx.view())
        return not left

    try:
        ctx.eventually(done, timeout_s=timeout_s, interval_s=0.3, what="every approved entry posted or dead-lettered")
    except ScenarioTimeoutError:
        ctx.note(f"{len(left)} approved entries were still outstanding after {timeout_s:.0f}s")
    try:
        ctx.settle(quiet_s=quiet_s, timeout_s=timeout_s)
    except ScenarioTimeoutError:
        ctx.note(f"the systems were still being written to after {timeout_s:.0f}s")
    return len(left)
