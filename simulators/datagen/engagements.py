"""Projects with their tasks and milestones, staffing (assignments) and the CRM pipeline (opportunities).

As in :mod:`simulators.datagen.parties`, ``rng`` draws a world's core (models, budgets, starts, staffing,
stages) and ``extra`` the detail that ``realism`` adds.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from simulators.datagen.calendar import month_end, month_start
from simulators.datagen.entities import (
    Assignment,
    BillingModel,
    Consultant,
    Customer,
    Opportunity,
    Project,
    Task,
)
from simulators.datagen.parties import RateCards
from simulators.datagen.profiles import Profile

PLAIN_MODELS: tuple[BillingModel, ...] = ("time_and_materials", "time_and_materials", "fixed_fee", "milestone")
MODELS: tuple[BillingModel, ...] = (*PLAIN_MODELS, "time_and_materials", "retainer")
KINDS = ("ERP Rollout", "Data Platform", "CX Redesign", "Cloud Migration")
PHASES = ("Discovery", "Design", "Build", "Test", "Deployment", "Hypercare")
STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")
DISCOUNT = Decimal("0.90")
"""Negotiated rate of the customers with a discount on the rate card."""
CENT = Decimal("0.01")


def projects_and_assignments(
    size: Profile,
    customer_list: list[Customer],
    consultant_list: list[Consultant],
    cards: RateCards,
    today: date,
    rng: random.Random,
    extra: random.Random,
) -> tuple[list[Project], list[Assignment]]:
    """Projects for the customers in turn, each staffed with a sample of the consultants.

    The bill rate is the card's rate for the consultant's role in the project's currency. With ``realism``:
    retainers, end dates (a few projects ended before the closing month), a negotiated discount for one
    customer in ten, and one assignment in ten that starts or ends inside the closing month.
    """
    models = MODELS if size.realism else PLAIN_MODELS
    discounted = {c.key for c in customer_list if size.realism and extra.random() < 0.1}
    first_day = month_start(today)
    days_in = (today - first_day).days
    projects: list[Project] = []
    assignments: list[Assignment] = []
    for i in range(1, size.projects + 1):
        customer = customer_list[(i - 1) % len(customer_list)]
        kind = rng.choice(KINDS)
        model = models[rng.randrange(len(models))]
        budget = Decimal(rng.randrange(50, 500) * 1000)
        start = month_start(today, -rng.randrange(1, 6))
        end: date | None = None
        if size.realism:
            start = month_start(today, -extra.randrange(1, 13))
            end = month_end(today, -1) if extra.random() < 0.05 else month_end(today, extra.randrange(1, 10))
            if model == "retainer":
                kind = "Managed Services"
                budget = Decimal(
                    extra.randrange(8, 40) * 1000 * ((end.year - start.year) * 12 + end.month - start.month + 1)
                )
        project = Project(
            psa_id=2000 + i,
            key=f"PRJ-{i:05d}",
            name=f"{customer.name.split()[0].rstrip(',')} {kind}",
            customer_key=customer.key,
            billing_model=model,
            currency=customer.currency,
            budget=budget,
            start_date=start,
            end_date=end,
        )
        projects.append(project)
        for c in rng.sample(consultant_list, min(size.staff_per_project, len(consultant_list))):
            rate = cards[project.currency][c.role]
            a_start, a_end = start, end
            if size.realism:
                if customer.key in discounted:
                    rate = (rate * DISCOUNT).quantize(CENT)
                draw = extra.random()
                if draw < 0.05 and days_in > 4:
                    a_start = first_day + timedelta(days=extra.randrange(2, days_in))
                elif draw < 0.1 and days_in > 4:
                    a_end = first_day + timedelta(days=extra.randrange(2, days_in))
            assignments.append(
                Assignment(5000 + len(assignments) + 1, project.psa_id, c.psa_id, rate, a_start, a_end, c.role)
            )
    return projects, assignments


def tasks(project_list: list[Project], today: date, rng: random.Random) -> list[Task]:
    """Two to four phases per project to book time on; milestone projects also get priced milestones."""
    out: list[Task] = []
    for p in project_list:
        end = p.end_date or month_end(today, 6)
        span = (end - p.start_date).days
        phases = PHASES[: rng.randint(2, 4)]
        for n, phase in enumerate(phases):
            first = p.start_date + timedelta(days=span * n // len(phases))
            due = p.start_date + timedelta(days=span * (n + 1) // len(phases))
            out.append(Task(len(out) + 1, p.psa_id, phase, "task", first, due, completed=due < today))
        if p.billing_model == "milestone":
            count = rng.randint(3, 4)
            share = (p.budget / count).quantize(CENT)
            for n in range(count):
                due = p.start_date + timedelta(days=span * (n + 1) // count)
                amount = p.budget - share * (count - 1) if n == count - 1 else share
                title = f"Milestone {n + 1}: {phases[min(n, len(phases) - 1)]} accepted"
                out.append(Task(len(out) + 1, p.psa_id, title, "milestone", p.start_date, due, amount, due < today))
    return out


def opportunities(
    count: int, customer_list: list[Customer], today: date, rng: random.Random, extra: random.Random
) -> list[Opportunity]:
    """One opportunity per customer, then (``count`` beyond the customers) more for random customers."""
    out = []
    for i in range(1, count + 1):
        first = i <= len(customer_list)
        r = rng if first else extra
        c = customer_list[i - 1] if first else extra.choice(customer_list)
        stage = r.choice(STAGES)
        amount = Decimal(r.randrange(20, 400) * 1000)
        closed = stage.startswith("Closed")
        offset = r.randrange(-60, 90) if first else (-extra.randrange(1, 300) if closed else extra.randrange(1, 120))
        out.append(
            Opportunity(
                key=f"OPP-{i:05d}",
                customer_key=c.key,
                name=f"{c.name} - {'Services' if first else extra.choice(KINDS)}",
                stage=stage,
                amount=amount,
                close_date=today + timedelta(days=offset),
            )
        )
    return out
