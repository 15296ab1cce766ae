"""Seed the ERP from the shared world: account setup, periods, projects, customers and employees.

Account setup (currencies, subsidiaries, service items) is there in every profile, as in any NetSuite
account; the ``empty`` profile has no master data beyond it. Projects take the first entity ids (1..P) and
customers the next ones, because customers and projects share NetSuite's entity id space.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulators.datagen import World
from simulators.erp.models.records import (
    AccountingPeriod,
    Currency,
    Customer,
    Employee,
    Job,
    ServiceItem,
    Subsidiary,
)

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

CURRENCIES = (("USD", "US Dollar", 2), ("GBP", "British Pound", 2), ("EUR", "Euro", 2), ("JPY", "Japanese Yen", 0))
SUBSIDIARIES = (
    ("Honeycomb Holdings Inc.", "US", "USD"),
    ("Honeycomb UK Ltd", "GB", "GBP"),
    ("Honeycomb GmbH", "DE", "EUR"),
)
SERVICE_ITEMS = (
    ("Consultant", Decimal("150.00")),
    ("Senior Consultant", Decimal("190.00")),
    ("Architect", Decimal("240.00")),
    ("Project Manager", Decimal("210.00")),
    ("Milestone Billing", None),
)


def load_world(store: ErpStore, world: World) -> None:
    """Insert the account setup and the world's ERP records with internal ids in world order (deterministic)."""
    db = store.db
    now = store.ctx.clock.now()
    currency_ids: dict[str, int] = {}
    for n, (symbol, name, precision) in enumerate(CURRENCIES, start=1):
        db.insert("currency", Currency(n, None, symbol, name, precision, isBaseCurrency=n == 1))
        currency_ids[symbol] = n
    subsidiary_ids: dict[str, int] = {}
    for n, (name, country, symbol) in enumerate(SUBSIDIARIES, start=1):
        db.insert("subsidiary", Subsidiary(n, None, name, country, currency_ids[symbol]))
        subsidiary_ids[country] = n
    for n, (name, rate) in enumerate(SERVICE_ITEMS, start=1):
        db.insert("serviceItem", ServiceItem(n, None, name, f"{name} services", rate))
    for p in world.periods:
        db.insert("accountingPeriod", AccountingPeriod(0, f"{p.start:%b %Y}", p.key, p.start, p.end, p.state))
    customer_ids = {c.key: len(world.projects) + n for n, c in enumerate(world.customers, start=1)}
    for n, prj in enumerate(world.projects, start=1):
        job = Job(n, prj.erp_external_id, prj.key, prj.name, customer_ids[prj.customer_key], prj.billing_model)
        job.startDate, job.created, job.lastModified = prj.start_date, now, now
        db.insert("job", job)
    for c in world.customers:
        cust = Customer(customer_ids[c.key], c.key, c.name, currency_ids[c.currency], c.credit_limit, terms=c.terms)
        cust.subsidiary = subsidiary_ids.get(c.country, 1)
        cust.created = cust.lastModified = now
        db.insert("customer", cust)
    for e in world.consultants:
        employee = Employee(0, e.erp_external_id, e.first_name, e.last_name, e.email, e.cost_rate, 1, e.role)
        employee.created = now
        db.insert("employee", employee)
