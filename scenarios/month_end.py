"""Suite: month-end peak (the closing week of a month-end world, approved in bursts at period end).

The ``month-end-ci`` world (~50,000 time entries; ``--full``: the ``month-end`` world, ~1,000,000) holds the
closing month's timesheets: earlier weeks approved (loaded without feed events, so the orchestrator must
catch up on them itself), the closing week submitted and awaiting approval. On a world without timesheets
(``small``) the scenario books and submits the closing week itself through the PSA API.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from typing import Any

import httpx

from harness.engine import ScenarioContext, scenario
from scenarios import actions
from scenarios.invariants import no_duplicate_postings, only_approved_billable_time_posted
from scenarios.period_invariants import (
    approved_equals_posted_plus_dead_lettered,
    every_approved_entry_posted_or_dead_lettered,
    held_entries,
    nothing_posted_into_a_closed_period,
)

SUITE = "month-end peak"
BURSTS = 5
CLOSING_WEEK = date(2026, 10, 26)
ERP_CONCURRENCY = 15
CRM_DAILY_LIMIT = 15_000
TIMEBILL = "/services/rest/record/v1/timeBill/"


class PostingWatch:
    """Follows the ERP's journal from the harness side: when each ``timeBill`` upsert was first committed."""

    def __init__(self, ctx: ScenarioContext) -> None:
        self._admin = ctx.erp.admin
        self._since = self._admin.requests(limit=1).get("total", 0)
        self.seen: dict[str, float] = {}

    def poll(self) -> int:
        """Read the journal's new writes; returns how many postings were seen so far."""
        while True:
            body = self._admin.requests(since_id=self._since, method="PUT", path=TIMEBILL, limit=5000)
            entries = body["requests"]
            now = time.monotonic()
            for e in entries:
                self._since = max(self._since, int(e["id"]))
                fault = e.get("fault") or {}
                if e["status"] in (200, 204) or fault.get("phase") == "after":
                    self.seen.setdefault(e["path"].rsplit("eid:", 1)[-1], now)
            if len(entries) < 5000:
                return len(self.seen)


def _new_submissions(psa: httpx.Client) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = actions.ok(
            psa.get("/api/v1/timesheet_submissions.json", params={"status": "new", "limit": 200, "offset": offset})
        )
        page = actions.records(body)
        out += page
        offset += len(page)
        if len(page) < 200:
            return out


def _closing_week_submissions(ctx: ScenarioContext) -> list[dict[str, Any]]:
    """The closing week's pending timesheets (booked and submitted here when the world has none)."""
    pending = _new_submissions(ctx.psa.api)
    if not pending:
        days = actions.weekdays(CLOSING_WEEK, 4)
        staffings = actions.choose_staffings(ctx.psa.api, 16, random.Random(ctx.seed), days=days)
        actions.timesheets_for(ctx.psa.api, staffings, days, random.Random(ctx.seed), approve_them=False)
        pending = _new_submissions(ctx.psa.api)
    return pending


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _approved_billable_count(psa: httpx.Client) -> int:
    params = {"approved": "true", "billable": "true", "limit": "1"}
    body = actions.ok(psa.get("/api/v1/time_entries.json", params=params))
    return int(body.get("count", 0))


def _drain(ctx: ScenarioContext, watch: PostingWatch, *, quiet_s: float, timeout_s: float) -> list[dict[str, Any]]:
    """Wait until every approved billable entry is posted or dead-lettered, or until neither count has
    moved for ``quiet_s`` (what is left then waits on a credit hold, or is lost); returns the dead letters."""
    end = time.monotonic() + timeout_s
    last, moved = (-1, -1), time.monotonic()
    letters: list[dict[str, Any]] = []
    while time.monotonic() < end:
        letters = ctx.orchestrator.dead_letters() or []
        now = (watch.poll(), len(letters))
        if sum(now) >= _approved_billable_count(ctx.psa.api):
            return letters
        if now != last:
            last, moved = now, time.monotonic()
        elif time.monotonic() - moved >= quiet_s:
            return letters
        pause = time.monotonic() + 0.5
        while time.monotonic() < pause:
            watch.poll()
    ctx.note(f"the pipeline was still moving after {timeout_s:.0f}s")
    return letters


@scenario(
    "a-month-end-peak-is-posted-exactly-once-and-reconciles-to-the-cent",
    suite=SUITE,
    profile="month-end-ci",
    full_profile="month-end",
)
def month_end_peak(ctx: ScenarioContext) -> None:
    """Month-end: the weeks already approved wait to be posted, and the closing week's pending timesheets
    are approved in five bursts at period end, with the ERP's account-wide concurrency limit (15) and the
    Salesforce daily quota on. Every approved billable entry is posted exactly once, dead-lettered with a
    reason or held for a customer on credit hold; posted hours and amounts reconcile with the PSA's
    approvals to the cent per project and period. Reports throughput and approval-to-posting latency."""
    ctx.erp.admin.update_settings({"concurrency_limit": ERP_CONCURRENCY})
    ctx.crm.admin.update_settings({"daily_api_limit": CRM_DAILY_LIMIT})
    started = time.monotonic()
    watch = PostingWatch(ctx)
    backlog = _approved_billable_count(ctx.psa.api)
    pending = _closing_week_submissions(ctx)
    ctx.note(f"{backlog} approved billable entries waiting; {len(pending)} closing-week timesheets to approve")

    approved_at: dict[str, float] = {}
    size = max(1, -(-len(pending) // BURSTS))
    for start in range(0, len(pending), size):
        burst = pending[start : start + size]
        resp = actions.approve_in_bulk(ctx.psa.api, [str(s["id"]) for s in burst])
        actions.ok(resp)
        now = time.monotonic()
        for sub in burst:
            for entry_id in sub.get("time_entry_ids", []):
                approved_at[f"psa-te-{entry_id}"] = now
        pause = time.monotonic() + 1.0  # the next approver's burst a moment later; postings go on meanwhile
        while time.monotonic() < pause:
            watch.poll()
    letters = _drain(ctx, watch, quiet_s=8.0, timeout_s=240.0)
    reasons: dict[str, int] = {}
    for letter in letters:
        reasons[str(letter.get("reason"))] = reasons.get(str(letter.get("reason")), 0) + 1

    latencies = [watch.seen[k] - t for k, t in approved_at.items() if k in watch.seen]
    stamps = sorted(watch.seen.values())
    span = (stamps[-1] - started) if stamps else 0.0
    ctx.facts.update(
        {
            "profile": ctx.profile,
            "approved_backlog": backlog,
            "closing_week_timesheets": len(pending),
            "postings": len(watch.seen),
            "throughput_per_s": round(len(watch.seen) / span, 1) if span else 0.0,
            "latency_p50_s": round(_percentile(latencies, 0.50), 3),
            "latency_p95_s": round(_percentile(latencies, 0.95), 3),
            "latency_p99_s": round(_percentile(latencies, 0.99), 3),
            "latency_mean_s": round(statistics.fmean(latencies), 3) if latencies else 0.0,
            "burst_postings": len(latencies),
            "dead_letters": reasons,
        }
    )
    ctx.note(
        f"{len(watch.seen)} postings in {span:.1f}s ({ctx.facts['throughput_per_s']}/s); approval to posting "
        f"p50 {ctx.facts['latency_p50_s']}s, p95 {ctx.facts['latency_p95_s']}s, p99 {ctx.facts['latency_p99_s']}s"
    )
    view = ctx.view()
    ctx.facts["held_for_credit"] = len(held_entries(view))
    ctx.expect(
        every_approved_entry_posted_or_dead_lettered,
        no_duplicate_postings,
        only_approved_billable_time_posted,
        approved_equals_posted_plus_dead_lettered,
        nothing_posted_into_a_closed_period,
        view=view,
    )
