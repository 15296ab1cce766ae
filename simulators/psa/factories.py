"""Seed the PSA from the shared world: consultants as users, projects as workspaces, assignments as
participations, each keeping its world ``psa_id`` so the CRM and ERP can refer to it; the consultants'
roles as roles and one standard rate card per currency, priced at the world's role rates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulators.datagen import World
from simulators.psa.entities import Participation, RateCard, RateCardRole, Role, User, Workspace

if TYPE_CHECKING:
    from simulators.psa.models import PsaStore

_MODEL_NAMES = {"time_and_materials": "Time and materials", "fixed_fee": "Fixed fee", "milestone": "Milestone"}
LOCATIONS = ("New York", "London", "Berlin", "Chicago", "Toronto")
"""Account locations, assigned to users by id (the world has none)."""


def load_world(store: PsaStore, world: World) -> None:
    """Insert the world's PSA records with their world ids (deterministic)."""
    now = store.now()
    customers = {c.key: c for c in world.customers}
    rates = {c.role: c.bill_rate for c in world.consultants}
    roles = {name: store.add(Role(i, name)) for i, name in enumerate(sorted(rates), start=1)}
    cards: dict[str, RateCard] = {}
    for currency in sorted({p.currency for p in world.projects}):
        card = cards[currency] = store.add(RateCard(0, f"Standard {currency}", currency, default=True))
        for name, role in roles.items():
            store.add(RateCardRole(0, card.id, role.id, rates[name]))
    users: dict[int, User] = {}
    for c in world.consultants:
        users[c.psa_id] = store.add(
            User(
                c.psa_id,
                c.first_name,
                c.last_name,
                c.email,
                c.role,
                c.bill_rate,
                c.cost_rate,
                role_id=roles[c.role].id,
                location=LOCATIONS[c.psa_id % len(LOCATIONS)],
            )
        )
    starts = {}
    for p in world.projects:
        client = customers[p.customer_key].name if p.customer_key in customers else p.customer_key
        starts[p.psa_id] = p.start_date
        store.add(
            Workspace(
                id=p.psa_id,
                title=p.name,
                description=f"{_MODEL_NAMES[p.billing_model]} engagement for {client} ({p.key})",
                currency=p.currency,
                budget=p.budget,
                billing_model=p.billing_model,
                client_ref=p.customer_key,
                start_date=p.start_date,
                created_at=now,
                updated_at=now,
                rate_card_id=cards[p.currency].id,
            )
        )
    for a in world.assignments:
        user = users[a.consultant_psa_id]
        # The world's assignment rate is the role's standard rate: leave it to the rate card (rate None).
        own_rate = None if a.bill_rate == rates[user.headline] else a.bill_rate
        store.add(
            Participation(
                a.psa_id,
                a.project_psa_id,
                a.consultant_psa_id,
                own_rate,
                user.headline,
                role_id=user.role_id,
                start_date=starts[a.project_psa_id],
            )
        )
