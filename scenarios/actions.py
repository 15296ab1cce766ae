"""Shared actions: what consultants, approvers and finance do, through the vendor APIs only."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

PSA = "/api/v1"


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [body[r["key"]][r["id"]] for r in body.get("results", [])]


def _ok(resp: httpx.Response) -> dict[str, Any]:
    if resp.status_code >= 400:
        raise AssertionError(f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}: {resp.text[:300]}")
    body: dict[str, Any] = resp.json()
    return body


@dataclass(frozen=True, slots=True)
class Staffing:
    """A consultant staffed on a workspace."""

    user_id: str
    workspace_id: str


def staffing(psa: httpx.Client) -> list[Staffing]:
    """Every participation in the PSA (all pages)."""
    out: list[Staffing] = []
    page = 1
    while True:
        body = _ok(psa.get(f"{PSA}/participations.json", params={"page": page, "per_page": 200}))
        out += [Staffing(str(p["user_id"]), str(p["workspace_id"])) for p in _records(body)]
        if page >= int(body.get("meta", {}).get("page_count", 1) or 1):
            return out
        page += 1


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
    return _records(_ok(psa.post(f"{PSA}/time_entries.json", json={"time_entries": entries})))


def submit(psa: httpx.Client, user_id: str, entry_ids: list[str]) -> str:
    """Submit a timesheet; returns the submission id."""
    body = {"timesheet_submission": {"user_id": user_id, "time_entry_ids": entry_ids, "comment": "Week complete"}}
    return str(_records(_ok(psa.post(f"{PSA}/timesheet_submissions.json", json=body)))[0]["id"])


def approve(psa: httpx.Client, submission_id: str) -> None:
    """Approve a submitted timesheet."""
    _ok(psa.put(f"{PSA}/timesheet_submissions/{submission_id}/approve.json"))


def approved_timesheets(psa: httpx.Client, *, week_start: date, consultants: int, rng: random.Random) -> list[str]:
    """Book a week for ``consultants`` staffings, submit and approve each; returns the submission ids."""
    pairs = staffing(psa)
    seen: set[str] = set()
    chosen = []
    for pair in rng.sample(pairs, len(pairs)):
        if pair.user_id not in seen:
            seen.add(pair.user_id)
            chosen.append(pair)
        if len(chosen) == consultants:
            break
    submissions = []
    for who in chosen:
        entries = book_time(psa, who, weekdays(week_start, 5), rng)
        sub = submit(psa, who.user_id, [str(e["id"]) for e in entries])
        approve(psa, sub)
        submissions.append(sub)
    return submissions
