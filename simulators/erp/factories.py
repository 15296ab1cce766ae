"""Seed the ERP from the shared world: account setup, periods, projects, customers, employees and history.

Account setup (currencies, the firm's subsidiaries, service items) is there in every profile, as in any
NetSuite account; the ``empty`` profile has no master data beyond it. Projects take the first entity ids
(1..P) and customers the next ones, because customers and projects share NetSuite's entity id space.
History is the closed months' invoices (one per project and month, ``tranId`` ``INV-nnnnnn``) and the
customer payments applied to them; what is unpaid is the customers' open AR, aged by due date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulators.datagen import World
from simulators.erp.models.records import (
    AccountingPeriod,
    BillingType,
    Currency,
    Customer,
    CustomerPayment,
    Employee,
    Invoice,
    InvoiceLine,
    Job,
    PaymentApplication,
    ServiceItem,
    Subsidiary,
)

if TYPE_CHECKING:
    from simulators.erp.models.store import ErpStore

CURRENCIES = (("USD", "US Dollar", 2), ("GBP", "British Pound", 2), ("EUR", "Euro", 2), ("JPY", "Japanese Yen", 0))
SERVICE_ITEMS = (
    ("Consultant", Decimal("150.00")),
    ("Senior Consultant", Decimal("190.00")),
    ("Architect", Decimal("240.00")),
    ("Project Manager", Decimal("210.00")),
    ("Milestone Billing", None),
)
_BILLING_TYPE: dict[str, BillingType] = {
    "time_and_materials": "time_and_materials",
    "fixed_fee": "fixed_fee",
    "milestone": "milestone",
    "retainer": "fixed_fee",  # a recurring fixed charge
}


def load_world(store: ErpStore, world: World) -> None:
    """Insert the account setup and the world's ERP records with internal ids in world order (deterministic)."""
    db = store.db
    now = store.ctx.clock.now()
    currency_ids: dict[str, int] = {}
    for n, (symbol, name, precision) in enumerate(CURRENCIES, start=1):
        db.insert("currency", Currency(n, None, symbol, name, precision, isBaseCurrency=n == 1))
        currency_ids[symbol] = n
    subsidiary_ids: dict[str, int] = {}
    for n, sub in enumerate(world.subsidiaries, start=1):
        db.insert("subsidiary", Subsidiary(n, None, sub.name, sub.country, currency_ids[sub.currency]))
        subsidiary_ids[sub.key] = n
    for n, (name, rate) in enumerate(SERVICE_ITEMS, start=1):
        db.insert("serviceItem", ServiceItem(n, None, name, f"{name} services", rate))
    period_ids: dict[str, int] = {}
    for p in world.periods:
        period = db.insert("accountingPeriod", AccountingPeriod(0, f"{p.start:%b %Y}", p.key, p.start, p.end, p.state))
        period_ids[p.key] = period.id
    job_ids = {prj.psa_id: n for n, prj in enumerate(world.projects, start=1)}
    customer_ids = {c.key: len(world.projects) + n for n, c in enumerate(world.customers, start=1)}
    for prj in world.projects:
        job = Job(
            job_ids[prj.psa_id],
            prj.erp_external_id,
            prj.key,
            prj.name,
            customer_ids[prj.customer_key],
            _BILLING_TYPE[prj.billing_model],
        )
        job.startDate, job.created, job.lastModified = prj.start_date, now, now
        db.insert("job", job)
    for c in world.customers:
        cust = Customer(customer_ids[c.key], c.key, c.name, currency_ids[c.currency], c.credit_limit, terms=c.terms)
        cust.subsidiary = subsidiary_ids.get(c.subsidiary, 1)
        cust.email = f"accounts.payable@{c.domain}" if c.domain else None
        cust.created = cust.lastModified = now
        db.insert("customer", cust)
    for e in world.consultants:
        employee = Employee(0, e.erp_external_id, e.first_name, e.last_name, e.email, e.cost_rate, 1, e.role)
        employee.subsidiary = subsidiary_ids.get(e.country, 1)
        employee.created = now
        db.insert("employee", employee)
    _load_history(store, world, currency_ids, subsidiary_ids, customer_ids, job_ids, period_ids)


def _load_history(
    store: ErpStore,
    world: World,
    currency_ids: dict[str, int],
    subsidiary_ids: dict[str, int],
    customer_ids: dict[str, int],
    job_ids: dict[int, int],
    period_ids: dict[str, int],
) -> None:
    """Historical invoices and the payments applied to them (internal ids in world order)."""
    db = store.db
    now = store.ctx.clock.now()
    customers = {c.key: c for c in world.customers}
    invoice_ids: dict[str, Invoice] = {}
    for n, h in enumerate(world.invoices, start=1):
        line = InvoiceLine(1, "item", h.amount, Decimal(1), h.amount, len(SERVICE_ITEMS), h.description)
        inv = Invoice(
            n,
            h.key,
            h.key,
            customer_ids[h.customer_key],
            h.tran_date,
            h.due_date,
            period_ids[h.period_key],
            currency_ids[h.currency],
            job=job_ids[h.project_psa_id],
            subsidiary=subsidiary_ids.get(customers[h.customer_key].subsidiary, 1),
            memo=h.description,
            lines=[line],
            total=h.amount,
            amountRemaining=h.amount,
            created=now,
            lastModified=now,
        )
        invoice_ids[h.key] = db.insert("invoice", inv)
    first_period = world.periods[0].key if world.periods else ""
    for n, p in enumerate(world.payments, start=1):
        inv = invoice_ids[p.invoice_key]
        inv.amountPaid += p.amount
        inv.amountRemaining = inv.total - inv.amountPaid
        inv.status = "paidInFull" if inv.amountRemaining <= 0 else "open"
        period = period_ids.get(f"{p.tran_date:%Y-%m}", period_ids.get(first_period, 0))
        db.insert(
            "customerPayment",
            CustomerPayment(
                n,
                p.key,
                p.key,
                inv.entity,
                p.tran_date,
                period,
                inv.currency,
                p.amount,
                [PaymentApplication(inv.id, p.amount)],
                created=now,
            ),
        )
