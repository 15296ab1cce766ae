"""The closing month of the month-end profiles: what is approved, what awaits approval, in the PSA."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from simulators.datagen import PROFILES, World
from simulators.datagen.calendar import from_day_number


def test_month_end_ci_has_the_shape_of_month_end_at_a_twentieth_of_the_size(month_end_ci: World) -> None:
    assert 45_000 <= len(month_end_ci.timesheets) <= 60_000
    ci, full = PROFILES["month-end-ci"], PROFILES["month-end"]
    assert (ci.entries_per_day, ci.staff_per_project) == (full.entries_per_day, full.staff_per_project)
    assert full.consultants == 20 * ci.consultants


def test_closing_week_awaits_approval_and_earlier_weeks_are_approved(
    month_end_ci: World, month_end_ci_psa: Any
) -> None:
    psa = month_end_ci_psa
    today = month_end_ci.today
    monday = today - timedelta(days=today.weekday())
    entries = list(psa.tables["time_entries"].values())
    subs = psa.tables["timesheet_submissions"]
    assert len(entries) == len(month_end_ci.timesheets)
    closing = [e for e in entries if e.date_performed >= monday]
    earlier = [e for e in entries if e.date_performed < monday]
    assert closing
    assert earlier
    assert all(e.approved and subs[e.timesheet_submission_id].status == "approved" for e in earlier)
    assert not any(e.approved for e in closing)
    states = Counter(subs[e.timesheet_submission_id].status if e.timesheet_submission_id else "none" for e in closing)
    assert set(states) == {"new", "none"}
    assert 0.8 < states["new"] / len(closing) < 0.95
    # Every submission lists exactly the entries that point to it (or, rejected, those it once held).
    statuses = Counter(s.status for s in subs.values())
    assert statuses["approved"]
    assert statuses["new"]
    assert statuses["rejected"]
    for sub in subs.values():
        listed = [psa.tables["time_entries"][i] for i in sub.time_entry_ids]
        assert all((e.user_id, e.workspace_id) == (sub.user_id, sub.workspace_id) for e in listed)
        if sub.status in ("approved", "new"):
            assert all(e.timesheet_submission_id == sub.id for e in listed)
            assert sub.submitted_at <= psa.now()
        if sub.status != "new":
            resolution = psa.tables["resolutions"][sub.resolution_ids[-1]]
            assert resolution.type == ("approval" if sub.status == "approved" else "rejection")
    # Rejected timesheets of earlier weeks were resubmitted and approved.
    resubmitted = [s for s in subs.values() if s.status == "rejected" and s.time_entry_ids[0] < len(earlier)]
    assert resubmitted
    for s in resubmitted:
        assert psa.tables["time_entries"][s.time_entry_ids[0]].approved


def test_closing_month_has_overtime_non_billable_time_and_rates_in_cents(month_end_ci: World) -> None:
    t = month_end_ci.timesheets
    daily: Counter[tuple[int, int]] = Counter()
    for user, day, minutes in zip(t.user.tolist(), t.day.tolist(), t.minutes.tolist(), strict=True):
        daily[(user, day)] += minutes
    assert max(daily.values()) > 540  # overtime
    assert min(daily.values()) <= 480
    assert 0.3 < float(t.billable.mean()) < 0.8  # T&M time is billable, except internal work
    assert {from_day_number(d).month for d in t.day.tolist()} == {month_end_ci.today.month}
    assert set(t.rate_cents.tolist()) >= {15000, 12000, 13500}
