"""Seed the ERP from the shared world: periods, customers, employees, projects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulators.datagen import World

if TYPE_CHECKING:
    from simulators.erp.models import ErpStore


def load_world(store: ErpStore, world: World) -> None:
    """Insert the world's ERP records with internal ids in world order (deterministic)."""
    from simulators.erp.models import AccountingPeriod, Customer, Employee, Job

    now = store.ctx.clock.now()
    for p in world.periods:
        store.add(AccountingPeriod(0, f"{p.start:%b %Y}", p.key, p.start, p.end, p.state))
    customer_ids: dict[str, int] = {}
    for c in world.customers:
        rec = store.add(Customer(0, c.key, c.name, c.currency, c.credit_limit, terms=c.terms, created=now))
        customer_ids[c.key] = rec.id
    for e in world.consultants:
        store.add(Employee(0, e.erp_external_id, e.first_name, e.last_name, e.email, e.cost_rate, created=now))
    for prj in world.projects:
        store.add(
            Job(
                0,
                prj.erp_external_id,
                prj.key,
                prj.name,
                customer_ids[prj.customer_key],
                prj.billing_model,
                created=now,
            )
        )
