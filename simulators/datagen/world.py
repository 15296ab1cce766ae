"""Build the seeded book of business shared by the CRM, the PSA and the ERP (see :mod:`simulators.datagen`)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np

from simulators._core.rng import derive_seed, make_rng
from simulators.datagen import engagements, finance, parties
from simulators.datagen import timesheets as ts
from simulators.datagen.calendar import month_start, periods
from simulators.datagen.entities import (
    Assignment,
    Consultant,
    Contact,
    Customer,
    Expense,
    HistoricalInvoice,
    Opportunity,
    Payment,
    Period,
    Project,
    Subsidiary,
    Task,
)
from simulators.datagen.profiles import PROFILES, Profile

DEFAULT_TODAY = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)
EXPENSE_CATEGORIES = (("Airfare", 450.0), ("Hotel", 180.0), ("Meals", 40.0), ("Ground Transport", 35.0))


@dataclass(frozen=True, slots=True)
class World:
    """A seeded, coherent book of business: the same seed and profile always give the same world."""

    seed: int
    profile: str
    customers: tuple[Customer, ...]
    consultants: tuple[Consultant, ...]
    projects: tuple[Project, ...]
    assignments: tuple[Assignment, ...]
    opportunities: tuple[Opportunity, ...]
    periods: tuple[Period, ...]
    content_hash: str
    today: date = date(2026, 10, 30)
    subsidiaries: tuple[Subsidiary, ...] = parties.SUBSIDIARIES
    contacts: tuple[Contact, ...] = ()
    tasks: tuple[Task, ...] = ()
    expenses: tuple[Expense, ...] = ()
    invoices: tuple[HistoricalInvoice, ...] = ()
    payments: tuple[Payment, ...] = ()
    timesheets: ts.Timesheets = field(default_factory=ts.empty)
    rate_cards: parties.RateCards = field(default_factory=lambda: parties.RATE_CARDS)
    """Bill rate per role, per currency."""

    @property
    def closing_month(self) -> date:
        """The first day of the month being closed (the month of the simulated clock's start)."""
        return month_start(self.today)

    def expected_billable(self) -> dict[int, Decimal]:
        """Approved billable hours x rate of the closing month, per project (PSA workspace id)."""
        return self.timesheets.billable_by_workspace()


def build_world(seed: int, profile: str = "small", *, start: datetime | None = None) -> World:
    """Build the world for ``seed`` and ``profile``; ``start`` (the simulated clock's start) is "today".

    Raises:
        KeyError: ``profile`` is not one of :data:`PROFILES`.
    """
    return _build(seed, profile, start or DEFAULT_TODAY)


def _expenses(
    assignments: list[Assignment],
    projects: dict[int, Project],
    first: date,
    last: date,
    share: float,
    rng: random.Random,
) -> list[Expense]:
    out: list[Expense] = []
    if last < first:
        return out
    for a in assignments:
        p = projects[a.project_psa_id]
        lo, hi = max(first, a.start_date or first, p.start_date), min(last, a.end_date or last, p.end_date or last)
        if hi < lo or rng.random() >= share:
            continue
        for _ in range(rng.randint(1, 2)):
            category, mean = EXPENSE_CATEGORIES[rng.randrange(len(EXPENSE_CATEGORIES))]
            amount = Decimal(str(round(rng.lognormvariate(0, 0.4) * mean, 2)))
            billable = rng.random() < (0.8 if p.billing_model == "time_and_materials" else 0.3)
            out.append(
                Expense(
                    psa_id=len(out) + 1,
                    project_psa_id=p.psa_id,
                    consultant_psa_id=a.consultant_psa_id,
                    day=lo + timedelta(days=rng.randrange((hi - lo).days + 1)),
                    category=category,
                    amount=amount,
                    currency=p.currency,
                    billable=billable,
                    notes=f"{category} for {p.name}",
                )
            )
    return out


@lru_cache(maxsize=4)
def _build(seed: int, profile: str, now: datetime) -> World:
    size: Profile = PROFILES[profile]
    today = now.date()
    rng = make_rng(seed, "world", profile)
    extra = make_rng(seed, "world", profile, "detail")
    fake = parties.fakers(seed)
    cards = parties.rate_cards(size)
    customers = parties.customers(size.customers, size, rng, extra, fake, seed)
    consultants = parties.consultants(size.consultants, size, rng, extra, fake, cards)
    projects, assignments = (
        engagements.projects_and_assignments(size, customers, consultants, cards, today, rng, extra)
        if customers
        else ([], [])
    )
    opportunities = engagements.opportunities(size.opportunities, customers, today, rng, extra) if customers else []
    tasks: list[Task] = []
    contacts: list[Contact] = []
    if size.realism:
        tasks = engagements.tasks(projects, today, make_rng(seed, "world", profile, "tasks"))
        contacts = parties.contacts(customers, make_rng(seed, "world", profile, "contacts"), fake)
    timesheets = ts.empty()
    expenses: list[Expense] = []
    if size.entries_per_day and assignments:
        notes = tuple(fake["US"].bs().capitalize() for _ in range(64)) + ts.INTERNAL_NOTES
        gen = np.random.default_rng(derive_seed(seed, "world", profile, "timesheets"))
        timesheets = ts.generate(consultants, projects, assignments, tasks, now, size.entries_per_day, gen, notes)
        by_id = {p.psa_id: p for p in projects}
        exp_rng = make_rng(seed, "world", profile, "expenses")
        expenses = _expenses(
            assignments, by_id, month_start(today), today - timedelta(days=1), size.expense_share, exp_rng
        )
    invoices: list[HistoricalInvoice] = []
    payments: list[Payment] = []
    if size.history_months:
        hist = make_rng(seed, "world", profile, "history")
        invoices, payments = finance.history(customers, projects, tasks, size.history_months, today, hist)
        ar = finance.open_ar(invoices, payments)
        monthly = finance.monthly_billing(invoices, size.history_months)
        customer_of = {p.psa_id: p.customer_key for p in projects}
        closing: dict[str, Decimal] = {}
        for workspace, amount in timesheets.billable_by_workspace(approved_only=False).items():
            closing[customer_of[workspace]] = closing.get(customer_of[workspace], Decimal(0)) + amount
        for key, amount in closing.items():  # credit is sized on the larger of the usual and this month's billing
            monthly[key] = max(monthly.get(key, Decimal(0)), amount)
        customers = finance.credit_limits(customers, ar, size.credit_stress_share, hist, monthly)
    tables: dict[str, Any] = {
        "customers": customers,
        "contacts": contacts,
        "consultants": consultants,
        "projects": projects,
        "tasks": tasks,
        "assignments": assignments,
        "opportunities": opportunities,
        "periods": periods(today),
        "expenses": expenses,
        "invoices": invoices,
        "payments": payments,
    }
    return World(
        seed=seed,
        profile=profile,
        customers=tuple(customers),
        consultants=tuple(consultants),
        projects=tuple(projects),
        assignments=tuple(assignments),
        opportunities=tuple(opportunities),
        periods=tables["periods"],
        content_hash=_content_hash(tables, timesheets, cards),
        today=today,
        subsidiaries=parties.SUBSIDIARIES if size.realism else parties.SUBSIDIARIES[:3],
        rate_cards=cards,
        contacts=tuple(contacts),
        tasks=tuple(tasks),
        expenses=tuple(expenses),
        invoices=tuple(invoices),
        payments=tuple(payments),
        timesheets=timesheets,
    )


def _content_hash(tables: dict[str, Any], timesheets: ts.Timesheets, cards: parties.RateCards) -> str:
    """A digest of every record, rate and timesheet column (``repr`` of dates and Decimals is stable)."""
    digest = hashlib.sha256(repr([sorted(cards[c].items()) for c in sorted(cards)]).encode())
    for name, rows in tables.items():
        digest.update(name.encode())
        if rows:
            names = [f.name for f in fields(rows[0])]
            digest.update(repr([tuple(getattr(r, n) for n in names) for r in rows]).encode())
    for name, column in timesheets.arrays().items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(column).tobytes())
    digest.update(repr(timesheets.notes).encode())
    return digest.hexdigest()[:16]
