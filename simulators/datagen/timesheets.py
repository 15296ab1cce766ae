"""The closing month's timesheets, generated as columns (numpy arrays), never as one object per entry.

Every consultant books time on working days (weekdays that are not public holidays in their country) from
the first of the closing month to yesterday, on projects they are assigned to and within the assignment's
dates: about ``entries_per_day`` entries a day split over their assignments and tasks, eight hours a day
with overtime on one day in ten and half days now and then. Time on fixed-fee, milestone and retainer
projects, and about 8% of T&M time (internal work, pre-sales, rework), is non-billable. Each entry
carries its assignment's bill rate in cents.

Entries are grouped into one timesheet submission per consultant, project and week. See
:mod:`simulators.datagen` for the states of the closing month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt

from simulators.datagen.calendar import day_number, month_start, week_start_number, working_days
from simulators.datagen.entities import Assignment, Consultant, Project, Task

I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]

NEW, APPROVED, REJECTED = 0, 1, 2
"""Submission status codes (Kantata's ``new``, ``approved``, ``rejected``)."""
STATUS_NAMES: tuple[Literal["new", "approved", "rejected"], ...] = ("new", "approved", "rejected")
NON_BILLABLE_SHARE = 0.08
INTERNAL_NOTES = (
    "Internal: knowledge sharing",
    "Internal: pre-sales support",
    "Rework after review",
    "Internal: training",
    "Internal: team meeting",
)


@dataclass(frozen=True, slots=True, eq=False)
class Timesheets:
    """Time entries and timesheet submissions as parallel arrays (index ``i`` is entry id ``i + 1``).

    Entry columns: ``user``/``workspace``/``assignment``/``story`` (PSA ids; story 0 is none), ``day`` (days
    since 1970-01-01), ``minutes``, ``billable``, ``rate_cents``, ``submission`` (0: in no submission),
    ``approved``, ``note`` (index into ``notes``), ``created`` (seconds since the epoch, UTC).
    Submission columns (``sub_*``; index ``j`` is submission id ``j + 1``): user, workspace, status code,
    submitted and resolved times, and the slice ``[sub_first, sub_stop)`` of entries it lists. A rejected
    submission that was resubmitted lists the same entries as its successor.
    """

    user: I64
    workspace: I64
    assignment: I64
    story: I64
    day: I64
    minutes: I64
    billable: BOOL
    rate_cents: I64
    submission: I64
    approved: BOOL
    note: I64
    created: I64
    notes: tuple[str, ...]
    sub_user: I64
    sub_workspace: I64
    sub_status: I64
    sub_submitted: I64
    sub_resolved: I64
    sub_first: I64
    sub_stop: I64

    def __len__(self) -> int:
        return len(self.day)

    def arrays(self) -> dict[str, I64 | BOOL]:
        """Every column by name (for hashing and export)."""
        return {name: getattr(self, name) for name in self.__slots__ if name != "notes"}

    def amount_cents(self) -> I64:
        """Each entry's hours x rate in cents, rounded half up (as the PSA computes it)."""
        out: I64 = (self.minutes * self.rate_cents + 30) // 60
        return out

    def billable_by_workspace(self, *, approved_only: bool = True) -> dict[int, Decimal]:
        """Approved (or all) billable hours x rate per workspace: what the closing month's time should bill."""
        keep = self.approved & self.billable if approved_only else self.billable
        ws, inverse = np.unique(self.workspace[keep], return_inverse=True)
        sums = np.zeros(len(ws), dtype=np.int64)
        np.add.at(sums, inverse, self.amount_cents()[keep])
        return {int(w): Decimal(int(s)).scaleb(-2) for w, s in zip(ws, sums, strict=True)}


def generate(
    consultants: list[Consultant],
    projects: list[Project],
    assignments: list[Assignment],
    tasks: list[Task],
    today: datetime,
    entries_per_day: float,
    gen: np.random.Generator,
    notes: tuple[str, ...],
) -> Timesheets:
    """The closing month's time entries and submissions (see the module docstring)."""
    first, last = month_start(today.date()), today.date() - timedelta(days=1)
    d0, n_days = day_number(first), (last - first).days + 1
    now_s = int(today.timestamp())
    cons_index = {c.psa_id: n for n, c in enumerate(consultants)}
    proj = {p.psa_id: p for p in projects}
    # Assignments on projects live in the closing month, as columns.
    live = [
        a
        for a in assignments
        if proj[a.project_psa_id].start_date <= last and (proj[a.project_psa_id].end_date or last) >= first
    ]
    a_cons = np.array([cons_index[a.consultant_psa_id] for a in live], dtype=np.int64)
    a_start = np.array([day_number(a.start_date) if a.start_date else d0 for a in live], dtype=np.int64)
    a_end = np.array([day_number(a.end_date) if a.end_date else d0 + n_days for a in live], dtype=np.int64)
    a_ws = np.array([a.project_psa_id for a in live], dtype=np.int64)
    a_id = np.array([a.psa_id for a in live], dtype=np.int64)
    a_rate = np.array([int(a.bill_rate * 100) for a in live], dtype=np.int64)
    a_tm = np.array([proj[a.project_psa_id].billing_model == "time_and_materials" for a in live], dtype=np.bool_)
    order = np.argsort(a_cons, kind="stable")
    counts = np.bincount(a_cons, minlength=len(consultants))
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # Tasks to book on, per project (CSR over the project's position in ``live`` projects).
    book = [t for t in tasks if t.kind == "task"]
    t_ws = np.array([t.project_psa_id for t in book], dtype=np.int64)
    t_id = np.array([t.psa_id for t in book], dtype=np.int64)
    t_order = np.argsort(t_ws, kind="stable")
    t_sorted_ws = t_ws[t_order]

    # Working (consultant, day) cells.
    calendars = {c: working_days(c, first, last) for c in sorted({c.country for c in consultants})}
    mask = np.array([calendars[c.country] for c in consultants], dtype=np.bool_).reshape(len(consultants), n_days)
    mask &= (counts > 0)[:, None]
    cell_c, cell_d = np.nonzero(mask)
    cell_day = cell_d.astype(np.int64) + d0
    k = len(cell_c)
    draw = gen.random(k)
    day_minutes = np.full(k, 480, dtype=np.int64)
    overtime = draw < 0.1
    day_minutes[overtime] = 540 + 15 * gen.integers(0, 9, int(overtime.sum()))
    day_minutes[draw > 0.96] = 240
    per_cell = 1 + gen.poisson(max(entries_per_day - 1.0, 0.0), k)
    cell = np.repeat(np.arange(k), per_cell)
    pick = (gen.random(len(cell)) * counts[cell_c[cell]]).astype(np.int64)
    asg = order[offsets[cell_c[cell]] + pick]
    day = cell_day[cell]
    inside = (a_start[asg] <= day) & (day <= a_end[asg])
    cell, asg, day = cell[inside], asg[inside], day[inside]
    n = len(cell)
    weight = gen.random(n) + 0.2
    share = weight / np.bincount(cell, weights=weight, minlength=k)[cell]
    minutes = np.maximum(15, np.rint(share * day_minutes[cell] / 15).astype(np.int64) * 15)
    billable = a_tm[asg] & (gen.random(n) >= NON_BILLABLE_SHARE)
    ws = a_ws[asg]
    lo = np.searchsorted(t_sorted_ws, ws, side="left")
    hi = np.searchsorted(t_sorted_ws, ws, side="right")
    has_task = hi > lo
    story = np.zeros(n, dtype=np.int64)
    tpick = lo + (gen.random(n) * (hi - lo)).astype(np.int64)
    story[has_task] = t_id[t_order[tpick[has_task]]]
    n_billable_notes = len(notes) - len(INTERNAL_NOTES)
    note = np.where(
        billable,
        gen.integers(0, max(n_billable_notes, 1), n),
        n_billable_notes + gen.integers(0, len(INTERNAL_NOTES), n),
    )
    user = np.array([c.psa_id for c in consultants], dtype=np.int64)[cell_c[cell]]

    # Entry ids in the order consultants submit: week, consultant, project, day.
    week = week_start_number(day)
    sort = np.lexsort((day, ws, user, week))
    user, ws, day, week = user[sort], ws[sort], day[sort], week[sort]
    minutes, billable, story, note = minutes[sort], billable[sort], story[sort], note[sort]
    assignment, rate = a_id[asg[sort]], a_rate[asg[sort]]
    created = np.minimum(day * 86_400 + 17 * 3600, now_s - 3600)

    # One timesheet per (week, consultant, project).
    starts = np.flatnonzero(np.concatenate(([True], (np.diff(week) != 0) | (np.diff(user) != 0) | (np.diff(ws) != 0))))
    stops = np.append(starts[1:], n)
    groups = len(starts)
    g_week = week[starts]
    closing = g_week == week_start_number(np.array([day_number(last)], dtype=np.int64))[0]
    r = gen.random(groups)
    unsubmitted = closing & (r < 0.06)
    pending_rejection = closing & (r >= 0.06) & (r < 0.12)
    resubmitted = ~closing & (r < 0.04)
    late = ~closing & (r > 0.97)
    # Records per group: none (late, unsubmitted), a rejected one before the final one, or just the final one.
    records = np.where(unsubmitted, 0, np.where(resubmitted, 2, 1))
    first_id = np.cumsum(records) - records + 1
    final_id = np.where(unsubmitted, 0, first_id + records - 1)
    week_end = (g_week + 4) * 86_400 + 17 * 3600
    submitted = np.where(closing, now_s - gen.integers(600, 72_000, groups), week_end)
    submitted = submitted + np.where(late, gen.integers(3, 10, groups) * 86_400, gen.integers(0, 2, groups) * 86_400)
    resolved = submitted + gen.integers(2 * 3600, 72 * 3600, groups)
    cap = now_s - 60
    submitted, resolved = np.minimum(submitted, cap), np.minimum(resolved, cap)

    total = int(records.sum())
    sub_user = np.zeros(total, dtype=np.int64)
    sub_ws = np.zeros(total, dtype=np.int64)
    sub_status = np.zeros(total, dtype=np.int64)
    sub_submitted = np.zeros(total, dtype=np.int64)
    sub_resolved = np.zeros(total, dtype=np.int64)
    sub_first = np.zeros(total, dtype=np.int64)
    sub_stop = np.zeros(total, dtype=np.int64)
    # The final (or only) record of each submitted group.
    has = records > 0
    idx = final_id[has] - 1
    sub_user[idx], sub_ws[idx] = user[starts[has]], ws[starts[has]]
    sub_first[idx], sub_stop[idx] = starts[has], stops[has]
    final_status = np.where(closing, np.where(pending_rejection, REJECTED, NEW), APPROVED)[has]
    sub_status[idx] = final_status
    sub_submitted[idx] = np.where(resubmitted[has], np.minimum(resolved[has] + 86_400, cap), submitted[has])
    sub_resolved[idx] = np.where(
        final_status == NEW, 0, np.where(resubmitted[has], np.minimum(resolved[has] + 2 * 86_400, cap), resolved[has])
    )
    # The rejected predecessor of a resubmitted timesheet.
    idx = first_id[resubmitted] - 1
    sub_user[idx], sub_ws[idx] = user[starts[resubmitted]], ws[starts[resubmitted]]
    sub_first[idx], sub_stop[idx] = starts[resubmitted], stops[resubmitted]
    sub_status[idx] = REJECTED
    sub_submitted[idx], sub_resolved[idx] = submitted[resubmitted], resolved[resubmitted]

    group_of = np.repeat(np.arange(groups), stops - starts)
    entry_sub = np.where(pending_rejection, 0, final_id)[group_of]
    approved = (~closing)[group_of]
    return Timesheets(
        user=user,
        workspace=ws,
        assignment=assignment,
        story=story,
        day=day,
        minutes=minutes,
        billable=billable,
        rate_cents=rate,
        submission=entry_sub,
        approved=approved,
        note=note,
        created=created,
        notes=notes,
        sub_user=sub_user,
        sub_workspace=sub_ws,
        sub_status=sub_status,
        sub_submitted=sub_submitted,
        sub_resolved=sub_resolved,
        sub_first=sub_first,
        sub_stop=sub_stop,
    )


def empty(notes: tuple[str, ...] = ()) -> Timesheets:
    """No timesheets (profiles that leave time to the scenarios)."""
    z = np.zeros(0, dtype=np.int64)
    b = np.zeros(0, dtype=np.bool_)
    return Timesheets(z, z, z, z, z, z, b, z, z, b, z, z, notes, z, z, z, z, z, z, z)
