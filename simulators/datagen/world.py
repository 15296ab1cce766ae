"""Build a seeded book of business shared by the CRM, the PSA and the ERP.

The same customer is a CRM Account (``ERP_Customer_Id__c``), a PSA workspace's client and an ERP customer
(``externalId``); consultants and projects carry the PSA id that the ERP uses in its external ids
(``psa-user-<id>``, ``psa-ws-<id>``). Every simulator builds the same world from the same seed, so no
simulator ever has to call another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from simulators._core.rng import make_faker, make_rng

BillingModel = Literal["time_and_materials", "fixed_fee", "milestone"]
PeriodState = Literal["open", "ar_locked", "closed"]


@dataclass(frozen=True, slots=True)
class Customer:
    """A legal customer, known in all three systems by ``key``."""

    key: str
    name: str
    currency: str
    country: str
    credit_limit: Decimal
    terms: str


@dataclass(frozen=True, slots=True)
class Consultant:
    """A PSA user who books time; an ERP employee ``psa-user-<psa_id>``."""

    psa_id: int
    first_name: str
    last_name: str
    email: str
    role: str
    bill_rate: Decimal
    cost_rate: Decimal

    @property
    def erp_external_id(self) -> str:
        """The ERP employee's external id."""
        return f"psa-user-{self.psa_id}"


@dataclass(frozen=True, slots=True)
class Project:
    """A PSA workspace; an ERP job ``psa-ws-<psa_id>`` under its customer."""

    psa_id: int
    key: str
    name: str
    customer_key: str
    billing_model: BillingModel
    currency: str
    budget: Decimal
    start_date: date

    @property
    def erp_external_id(self) -> str:
        """The ERP job's external id."""
        return f"psa-ws-{self.psa_id}"


@dataclass(frozen=True, slots=True)
class Assignment:
    """A consultant staffed on a project (a PSA participation) at a bill rate."""

    psa_id: int
    project_psa_id: int
    consultant_psa_id: int
    bill_rate: Decimal


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A CRM opportunity for a customer."""

    key: str
    customer_key: str
    name: str
    stage: str
    amount: Decimal
    close_date: date


@dataclass(frozen=True, slots=True)
class Period:
    """A monthly accounting period ``YYYY-MM``."""

    key: str
    start: date
    end: date
    state: PeriodState


@dataclass(frozen=True, slots=True)
class World:
    """A seeded, coherent book of business."""

    seed: int
    profile: str
    customers: tuple[Customer, ...]
    consultants: tuple[Consultant, ...]
    projects: tuple[Project, ...]
    assignments: tuple[Assignment, ...]
    opportunities: tuple[Opportunity, ...]
    periods: tuple[Period, ...]
    content_hash: str


@dataclass(frozen=True, slots=True)
class ProfileSize:
    """How big a profile's world is."""

    customers: int
    consultants: int
    projects: int
    staff_per_project: int


PROFILES: dict[str, ProfileSize] = {
    "empty": ProfileSize(0, 0, 0, 0),
    "small": ProfileSize(customers=6, consultants=16, projects=8, staff_per_project=4),
    "standard": ProfileSize(customers=200, consultants=500, projects=400, staff_per_project=6),
}

_COUNTRIES = (("US", "USD", "en_US"), ("GB", "GBP", "en_GB"), ("DE", "EUR", "de_DE"))
_ROLES = (("Consultant", 150), ("Senior Consultant", 190), ("Architect", 240), ("Project Manager", 210))
_STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")
_TERMS = ("Net 30", "Net 45", "Net 60")
_PROJECT_KINDS = ("ERP Rollout", "Data Platform", "CX Redesign", "Cloud Migration")


def _month_start(d: date, offset: int) -> date:
    month = d.month - 1 + offset
    return date(d.year + month // 12, month % 12 + 1, 1)


def _periods(today: date) -> tuple[Period, ...]:
    """Twelve months back and three ahead; months before the current one are closed."""
    out = []
    current = _month_start(today, 0)
    for offset in range(-12, 4):
        start = _month_start(today, offset)
        end = _month_start(today, offset + 1) - timedelta(days=1)
        state: PeriodState = "closed" if start < current else "open"
        out.append(Period(f"{start:%Y-%m}", start, end, state))
    return tuple(out)


def _hash(payload: object) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_world(seed: int, profile: str = "small", *, start: datetime | None = None) -> World:
    """Build the world for ``seed`` and ``profile``; the same inputs always give the same world.

    Raises:
        KeyError: ``profile`` is not one of :data:`PROFILES`.
    """
    return _build(seed, profile, (start or datetime(2026, 10, 30, tzinfo=UTC)).date())


@lru_cache(maxsize=8)
def _build(seed: int, profile: str, today: date) -> World:
    size = PROFILES[profile]
    rng = make_rng(seed, "world", profile)
    fakers = {country: make_faker(seed, "world", country, locale=loc) for country, _, loc in _COUNTRIES}

    customers = []
    for i in range(1, size.customers + 1):
        country, currency, _ = _COUNTRIES[rng.randrange(len(_COUNTRIES))]
        fake = fakers[country]
        customers.append(
            Customer(
                key=f"CUST-{i:05d}",
                name=fake.company(),
                currency=currency,
                country=country,
                credit_limit=Decimal(rng.choice((50_000, 100_000, 250_000, 500_000))),
                terms=rng.choice(_TERMS),
            )
        )

    consultants = []
    fake = fakers["US"]
    for i in range(1, size.consultants + 1):
        role, rate = _ROLES[rng.randrange(len(_ROLES))]
        first, last = fake.first_name(), fake.last_name()
        consultants.append(
            Consultant(
                psa_id=1000 + i,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}{i}@example.com".lower(),
                role=role,
                bill_rate=Decimal(rate),
                cost_rate=(Decimal(rate) * Decimal("0.45")).quantize(Decimal("0.01")),
            )
        )

    projects: list[Project] = []
    assignments: list[Assignment] = []
    models: tuple[BillingModel, ...] = ("time_and_materials", "time_and_materials", "fixed_fee", "milestone")
    for i in range(1, size.projects + 1):
        customer = customers[(i - 1) % len(customers)]
        project = Project(
            psa_id=2000 + i,
            key=f"PRJ-{i:05d}",
            name=f"{customer.name.split()[0].rstrip(',')} {rng.choice(_PROJECT_KINDS)}",
            customer_key=customer.key,
            billing_model=models[rng.randrange(len(models))],
            currency=customer.currency,
            budget=Decimal(rng.randrange(50, 500) * 1000),
            start_date=_month_start(today, -rng.randrange(1, 6)),
        )
        projects.append(project)
        for consultant in rng.sample(consultants, min(size.staff_per_project, len(consultants))):
            assignments.append(
                Assignment(
                    psa_id=5000 + len(assignments) + 1,
                    project_psa_id=project.psa_id,
                    consultant_psa_id=consultant.psa_id,
                    bill_rate=consultant.bill_rate,
                )
            )

    opportunities = [
        Opportunity(
            key=f"OPP-{i:05d}",
            customer_key=c.key,
            name=f"{c.name} - Services",
            stage=rng.choice(_STAGES),
            amount=Decimal(rng.randrange(20, 400) * 1000),
            close_date=today + timedelta(days=rng.randrange(-60, 90)),
        )
        for i, c in enumerate(customers, start=1)
    ]
    periods = _periods(today)
    content = {
        "customers": [asdict(c) for c in customers],
        "consultants": [asdict(c) for c in consultants],
        "projects": [asdict(p) for p in projects],
        "assignments": [asdict(a) for a in assignments],
        "opportunities": [asdict(o) for o in opportunities],
        "periods": [asdict(p) for p in periods],
    }
    return World(
        seed=seed,
        profile=profile,
        customers=tuple(customers),
        consultants=tuple(consultants),
        projects=tuple(projects),
        assignments=tuple(assignments),
        opportunities=tuple(opportunities),
        periods=periods,
        content_hash=_hash(content),
    )
