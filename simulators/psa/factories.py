"""Seed the PSA from the shared world: roles and one standard rate card per currency (the world's rate
cards), consultants as users, projects as workspaces with their tasks and milestones as stories,
assignments as participations, each keeping its world ``psa_id`` so the CRM and ERP can refer to it; and
the closing month's time entries, timesheet submissions with their resolutions, and expenses.

The timesheets (up to a million entries) are built straight from the world's columns; every record is
loaded with :meth:`PsaStore.bulk_load`, without feed events: they are the
state the account is in, not changes a client should react to.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from simulators.datagen import World
from simulators.datagen.calendar import from_day_number, month_start
from simulators.datagen.timesheets import APPROVED, REJECTED, STATUS_NAMES
from simulators.psa.entities import (
    BillingModel,
    Expense,
    Participation,
    RateCard,
    RateCardRole,
    Resolution,
    Role,
    Story,
    TimeEntry,
    TimesheetSubmission,
    User,
    Workspace,
)

if TYPE_CHECKING:
    from simulators.psa.models import PsaStore

_MODEL_NAMES = {
    "time_and_materials": "Time and materials",
    "fixed_fee": "Fixed fee",
    "milestone": "Milestone",
    "retainer": "Retainer",
}
_PSA_MODEL: dict[str, BillingModel] = {
    "time_and_materials": "time_and_materials",
    "fixed_fee": "fixed_fee",
    "milestone": "milestone",
    "retainer": "fixed_fee",  # a monthly fixed charge; the description names the retainer
}
REJECTION_NOTE = "Please split the hours by task and resubmit"


def load_world(store: PsaStore, world: World) -> None:
    """Insert the world's PSA records with their world ids (deterministic)."""
    now = store.now()
    customers = {c.key: c for c in world.customers}
    role_names = sorted({c.role for c in world.consultants})
    roles = {name: store.add(Role(i, name)) for i, name in enumerate(role_names, start=1)}
    cards: dict[str, RateCard] = {}
    for currency in sorted({p.currency for p in world.projects}):
        card = cards[currency] = store.add(RateCard(0, f"Standard {currency}", currency, default=True))
        for name, role in roles.items():
            store.add(RateCardRole(0, card.id, role.id, world.rate_cards[currency][name]))
    users = {
        c.psa_id: User(
            c.psa_id,
            c.first_name,
            c.last_name,
            c.email,
            c.role,
            c.bill_rate,
            c.cost_rate,
            role_id=roles[c.role].id,
            location=c.location,
        )
        for c in world.consultants
    }
    store.bulk_load("users", users.values())
    closing = month_start(world.today)
    projects = {p.psa_id: p for p in world.projects}
    workspaces = []
    for p in world.projects:
        client = customers[p.customer_key].name if p.customer_key in customers else p.customer_key
        workspaces.append(
            Workspace(
                id=p.psa_id,
                title=p.name,
                description=f"{_MODEL_NAMES[p.billing_model]} engagement for {client} ({p.key})",
                currency=p.currency,
                budget=p.budget,
                billing_model=_PSA_MODEL[p.billing_model],
                client_ref=p.customer_key,
                start_date=p.start_date,
                created_at=now,
                updated_at=now,
                status="completed" if p.end_date is not None and p.end_date < closing else "active",
                due_date=p.end_date,
                rate_card_id=cards[p.currency].id,
            )
        )
    store.bulk_load("workspaces", workspaces)
    store.bulk_load(
        "stories",
        (
            Story(
                t.psa_id,
                t.project_psa_id,
                t.title,
                t.kind,
                now,
                now,
                state="completed" if t.completed else ("started" if t.start_date <= world.today else "not started"),
                start_date=t.start_date,
                due_date=t.due_date,
                billable=t.kind == "task" and projects[t.project_psa_id].billing_model == "time_and_materials",
                budget_estimate=t.amount,
            )
            for t in world.tasks
        ),
    )
    participations = []
    for a in world.assignments:
        user = users[a.consultant_psa_id]
        card_rate = world.rate_cards[projects[a.project_psa_id].currency][user.headline]
        participations.append(
            Participation(
                a.psa_id,
                a.project_psa_id,
                a.consultant_psa_id,
                None if a.bill_rate == card_rate else a.bill_rate,  # None: the rate card's rate
                user.headline,
                role_id=user.role_id,
                start_date=a.start_date,
                end_date=a.end_date,
            )
        )
    store.bulk_load("participations", participations)
    load_timesheets(store, world, users)
    store.bulk_load(
        "expenses",
        (
            Expense(
                e.psa_id,
                e.project_psa_id,
                e.consultant_psa_id,
                e.day,
                e.category,
                e.amount,
                e.currency,
                now,
                now,
                notes=e.notes,
                is_billable=e.billable,
                reimbursable=True,
            )
            for e in world.expenses
        ),
    )


def _stamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def load_timesheets(store: PsaStore, world: World, users: dict[int, User]) -> None:
    """Bulk-load the closing month's time entries, submissions and resolutions from the world's columns."""
    t = world.timesheets
    if not len(t):
        return
    # A million new objects would trigger the cyclic GC again and again (none of them is in a cycle); once
    # loaded they are frozen, so later collections do not walk them on the request path.
    gc.disable()
    try:
        _load_timesheets(store, world, users)
    finally:
        gc.enable()
        gc.freeze()


def _load_timesheets(store: PsaStore, world: World, users: dict[int, User]) -> None:
    t = world.timesheets
    days: dict[int, date] = {n: from_day_number(n) for n in np.unique(t.day).tolist()}
    store.bulk_load("time_entries", _entries(world, users, days))
    subs: list[TimesheetSubmission] = []
    resolutions: list[Resolution] = []
    for j, (user, ws, status, submitted, resolved, first, stop) in enumerate(
        zip(
            t.sub_user.tolist(),
            t.sub_workspace.tolist(),
            t.sub_status.tolist(),
            t.sub_submitted.tolist(),
            t.sub_resolved.tolist(),
            t.sub_first.tolist(),
            t.sub_stop.tolist(),
            strict=True,
        ),
        start=1,
    ):
        sub = TimesheetSubmission(
            j,
            user,
            ws,
            list(range(first + 1, stop + 1)),
            _stamp(submitted),
            title=f"Timesheet {days[int(t.day[first])].isoformat()} to {days[int(t.day[stop - 1])].isoformat()}",
            status=STATUS_NAMES[status],
        )
        if status in (APPROVED, REJECTED):
            rejected = status == REJECTED
            res = Resolution(
                len(resolutions) + 1,
                "rejection" if rejected else "approval",
                j,
                _stamp(resolved),
                REJECTION_NOTE if rejected else None,
            )
            resolutions.append(res)
            sub.resolved_at, sub.resolution_ids = res.created_at, [res.id]
            sub.comment = REJECTION_NOTE if rejected else None
        subs.append(sub)
    store.bulk_load("timesheet_submissions", subs)
    store.bulk_load("resolutions", resolutions)


def _entries(world: World, users: dict[int, User], days: dict[int, date]) -> Iterator[TimeEntry]:
    """Time entries from the columns; equal values share one object (dates, rates, timestamps)."""
    t = world.timesheets
    rates = {c: Decimal(c).scaleb(-2) for c in np.unique(t.rate_cents).tolist()}
    stamps = {s: _stamp(s) for s in np.unique(t.created).tolist()}
    cost = {u.id: u.cost_rate for u in users.values()}
    notes = t.notes
    columns = zip(
        t.workspace.tolist(),
        t.user.tolist(),
        t.day.tolist(),
        t.minutes.tolist(),
        t.rate_cents.tolist(),
        t.created.tolist(),
        t.billable.tolist(),
        t.note.tolist(),
        t.story.tolist(),
        t.approved.tolist(),
        t.submission.tolist(),
        strict=True,
    )
    for i, (ws, user, day, minutes, rate, created, billable, note, story, approved, sub) in enumerate(columns, 1):
        stamp = stamps[created]
        yield TimeEntry(
            i,
            ws,
            user,
            days[day],
            minutes,
            rates[rate],
            stamp,
            stamp,
            billable,
            notes[note],
            story or None,
            approved,
            sub or None,
            cost[user],
        )
