"""Shared actions: what consultants, approvers and finance do, through the vendor APIs only."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

PSA = "/api/v1"


def records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a Kantata side-loaded envelope, in ``results`` order."""
    return [body[r["key"]][r["id"]] for r in body.get("results", [])]


def ok(resp: httpx.Response) -> dict[str, Any]:
    """The JSON body of a successful response; a failed one fails the scenario with its status and body."""
    if resp.status_code >= 400:
        raise AssertionError(f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}: {resp.text[:300]}")
    body: dict[str, Any] = resp.json()
    return body


@dataclass(frozen=True, slots=True)
class Staffing:
    """A consultant staffed on a workspace."""

    user_id: str
    workspace_id: str
    start_date: date | None = None
    end_date: date | None = None

    def covers(self, days: list[date]) -> bool:
        """Whether the assignment runs on every one of ``days``."""
        return all(
            (self.start_date is None or self.start_date <= d) and (self.end_date is None or d <= self.end_date)
            for d in days
        )


def staffing(psa: httpx.Client) -> list[Staffing]:
    """Every participation in the PSA (all pages)."""
    out: list[Staffing] = []
    page = 1
    while True:
        body = ok(psa.get(f"{PSA}/participations.json", params={"page": page, "per_page": 200}))
        out += [
            Staffing(str(p["user_id"]), str(p["workspace_id"]), _date(p.get("start_date")), _date(p.get("end_date")))
            for p in records(body)
        ]
        if page >= int(body.get("meta", {}).get("page_count", 1) or 1):
            return out
        page += 1


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def weekdays(start: date, count: int) -> list[date]:
    """``count`` weekdays from ``start`` on."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def book_time(
    psa: httpx.Client, who: Staffing, days: list[date], rng: random.Random, *, non_billable_share: float = 0.15
) -> list[dict[str, Any]]:
    """One time entry per day (bulk create), in quarter hours, some non-billable."""
    entries = [
        {
            "workspace_id": who.workspace_id,
            "user_id": who.user_id,
            "date_performed": day.isoformat(),
            "time_in_minutes": rng.choice((120, 240, 360, 450, 480, 510)),
            "billable": rng.random() >= non_billable_share,
            "notes": "Delivery work",
        }
        for day in days
    ]
    return records(ok(psa.post(f"{PSA}/time_entries.json", json={"time_entries": entries})))


def submit(psa: httpx.Client, user_id: str, entry_ids: list[str]) -> str:
    """Submit a timesheet; returns the submission id."""
    body = {"timesheet_submission": {"user_id": user_id, "time_entry_ids": entry_ids, "comment": "Week complete"}}
    return str(records(ok(psa.post(f"{PSA}/timesheet_submissions.json", json=body)))[0]["id"])


def approve(psa: httpx.Client, submission_id: str) -> None:
    """Approve a submitted timesheet."""
    ok(psa.put(f"{PSA}/timesheet_submissions/{submission_id}/approve.json"))


def choose_staffings(
    psa: httpx.Client,
    consultants: int,
    rng: random.Random,
    *,
    exclude: set[str] | None = None,
    days: list[date] | None = None,
) -> list[Staffing]:
    """``consultants`` staffings of distinct users (none of ``exclude``) assigned on all ``days``, seeded order."""
    pairs = [p for p in staffing(psa) if days is None or p.covers(days)]
    seen: set[str] = set(exclude or ())
    chosen: list[Staffing] = []
    for pair in rng.sample(pairs, len(pairs)):
        if pair.user_id not in seen:
            seen.add(pair.user_id)
            chosen.append(pair)
        if len(chosen) == consultants:
            break
    return chosen


def timesheets_for(
    psa: httpx.Client, staffings: list[Staffing], days: list[date], rng: random.Random, *, approve_them: bool = True
) -> list[str]:
    """Book ``days`` for each staffing, submit each week and (by default) approve it; returns submission ids."""
    submissions = []
    for who in staffings:
        entries = book_time(psa, who, days, rng)
        sub = submit(psa, who.user_id, [str(e["id"]) for e in entries])
        if approve_them:
            approve(psa, sub)
        submissions.append(sub)
    return submissions


def approved_timesheets(psa: httpx.Client, *, week_start: date, consultants: int, rng: random.Random) -> list[str]:
    """Book a week for ``consultants`` staffings, submit and approve each; returns the submission ids."""
    days = weekdays(week_start, 5)
    return timesheets_for(psa, choose_staffings(psa, consultants, rng, days=days), days, rng)


def approve_in_bulk(psa: httpx.Client, submission_ids: list[str]) -> httpx.Response:
    """Approve submissions with one ``timesheet_approvals`` resolution (all or none); the raw response."""
    body = {"resolution": {"description": "Approved in bulk", "submission_ids": submission_ids}}
    return psa.post(f"{PSA}/timesheet_approvals.json", json=body)


def set_period_state(erp_admin: Any, period: str, state: str) -> None:
    """Finance closes, locks or reopens an ERP accounting period (``YYYY-MM``; state closed, open, AR locked)."""
    erp_admin.provider_state(f"accounting period {period} is {state}", {"period": period})
