"""Seed the PSA from the shared world: consultants as users, projects as workspaces, assignments as
participations, each keeping its world ``psa_id`` so the CRM and ERP can refer to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulators.datagen import World
from simulators.psa.records import Participation, User, Workspace

if TYPE_CHECKING:
    from simulators.psa.models import PsaStore

_MODEL_NAMES = {"time_and_materials": "Time and materials", "fixed_fee": "Fixed fee", "milestone": "Milestone"}


def load_world(store: PsaStore, world: World) -> None:
    """Insert the world's PSA records with their world ids (deterministic)."""
    now = store.ctx.clock.now()
    customers = {c.key: c for c in world.customers}
    roles: dict[int, str] = {}
    for c in world.consultants:
        store.add(User(c.psa_id, c.first_name, c.last_name, c.email, c.role, c.bill_rate, c.cost_rate))
        roles[c.psa_id] = c.role
    for p in world.projects:
        client = customers[p.customer_key].name if p.customer_key in customers else p.customer_key
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
            )
        )
    for a in world.assignments:
        store.add(
            Participation(a.psa_id, a.project_psa_id, a.consultant_psa_id, a.bill_rate, roles[a.consultant_psa_id])
        )
