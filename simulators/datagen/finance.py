"""History in the ERP: a year of monthly invoices with their payments, and customers near or over their limit.

Invoices are aggregates (one per project and closed month), never one per time entry: time and materials
bills the month's hours at the rate card, fixed fee and retainer bill monthly instalments, milestone
projects bill each milestone in the month it fell due. Each customer pays promptly, slowly or badly, so
the receivables age; whatever is unpaid at today is open AR. A share of customers then get a credit limit
just above (near) or below (over) their open AR.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from simulators.datagen.calendar import month_end, month_start
from simulators.datagen.entities import Customer, HistoricalInvoice, Payment, Project, Task
from simulators.datagen.parties import RATE_CARDS

CENT = Decimal("0.01")
THOUSAND = Decimal(1000)
PAYERS = (("prompt", 0.65), ("slow", 0.3), ("late", 0.05))


def _months(p: Project) -> int:
    end = p.end_date or p.start_date
    return max(1, (end.year - p.start_date.year) * 12 + end.month - p.start_date.month + 1)


def _amount(p: Project, start: date, end: date, milestones: list[Task], rng: random.Random) -> Decimal:
    if p.billing_model == "time_and_materials":
        hours = rng.randrange(40, 600)
        return (RATE_CARDS[p.currency]["Senior Consultant"] * hours).quantize(CENT)
    if p.billing_model == "milestone":
        return sum((t.amount or Decimal(0) for t in milestones if start <= t.due_date <= end), Decimal(0))
    return (p.budget / _months(p)).quantize(CENT)


def _pay_delay(payer: str, rng: random.Random) -> int:
    if payer == "prompt":
        return -rng.randrange(0, 10)
    if payer == "slow":  # late, but within the usual 30-day grace before a hold
        return rng.randrange(5, 25)
    return rng.randrange(30, 150)


def history(
    customers: list[Customer], projects: list[Project], tasks: list[Task], months: int, today: date, rng: random.Random
) -> tuple[list[HistoricalInvoice], list[Payment]]:
    """Invoices of the ``months`` closed months before today's, and the payments made on them by today."""
    by_key = {c.key: c for c in customers}
    payer = {c.key: rng.choices([p for p, _ in PAYERS], [w for _, w in PAYERS])[0] for c in customers}
    milestones: dict[int, list[Task]] = {}
    for t in tasks:
        if t.kind == "milestone":
            milestones.setdefault(t.project_psa_id, []).append(t)
    invoices: list[HistoricalInvoice] = []
    payments: list[Payment] = []
    for offset in range(-months, 0):
        start, end = month_start(today, offset), month_end(today, offset)
        for p in projects:
            if p.start_date > end or (p.end_date is not None and p.end_date < start):
                continue
            amount = _amount(p, start, end, milestones.get(p.psa_id, []), rng)
            if amount <= 0:
                continue
            customer = by_key[p.customer_key]
            inv = HistoricalInvoice(
                key=f"INV-{len(invoices) + 1:06d}",
                customer_key=customer.key,
                project_psa_id=p.psa_id,
                period_key=f"{start:%Y-%m}",
                tran_date=end,
                due_date=end + timedelta(days=customer.terms_days),
                currency=p.currency,
                amount=amount,
                description=f"{p.name}: services {start:%B %Y}",
            )
            invoices.append(inv)
            paid_on = inv.due_date + timedelta(days=_pay_delay(payer[customer.key], rng))
            if paid_on < today:
                part = amount if rng.random() > 0.05 else (amount / 2).quantize(CENT)
                payments.append(Payment(f"PAY-{len(payments) + 1:06d}", inv.key, customer.key, paid_on, part))
                rest_on = paid_on + timedelta(days=rng.randrange(20, 60))  # a short payment is chased
                if part < amount and rest_on < today:
                    payments.append(
                        Payment(f"PAY-{len(payments) + 1:06d}", inv.key, customer.key, rest_on, amount - part)
                    )
    return invoices, payments


def open_ar(invoices: list[HistoricalInvoice], payments: list[Payment]) -> dict[str, Decimal]:
    """Unpaid invoice amounts per customer."""
    out: dict[str, Decimal] = {}
    for inv in invoices:
        out[inv.customer_key] = out.get(inv.customer_key, Decimal(0)) + inv.amount
    for pay in payments:
        out[pay.customer_key] -= pay.amount
    return out


def monthly_billing(invoices: list[HistoricalInvoice], months: int) -> dict[str, Decimal]:
    """Each customer's average monthly invoiced amount over the history."""
    out: dict[str, Decimal] = {}
    for inv in invoices:
        out[inv.customer_key] = out.get(inv.customer_key, Decimal(0)) + inv.amount
    return {key: total / max(1, months) for key, total in out.items()}


def credit_limits(
    customers: list[Customer],
    ar: dict[str, Decimal],
    share: float,
    rng: random.Random,
    monthly: dict[str, Decimal] | None = None,
) -> list[Customer]:
    """Limits in thousands: ``share`` of the customers with open AR end up near (80-95% used) or over it.

    The others get room for their open AR and three months of their usual billing, as a credit controller
    would set it, so the closing month's unbilled time alone does not put them on hold.
    """
    out = []
    for c in customers:
        owed = ar.get(c.key, Decimal(0))
        limit = max(c.credit_limit, owed + 3 * (monthly or {}).get(c.key, Decimal(0)))
        if owed > 0 and rng.random() < share:
            if rng.random() < 0.5:  # near: AR uses 80-95% of the limit
                raw = owed / Decimal(str(round(rng.uniform(0.8, 0.95), 3)))
                limit = (raw / THOUSAND).to_integral_value(ROUND_CEILING) * THOUSAND
            else:  # over: AR exceeds the limit by 5-30%
                raw = owed / Decimal(str(round(rng.uniform(1.05, 1.3), 3)))
                limit = max(THOUSAND, (raw / THOUSAND).to_integral_value(ROUND_FLOOR) * THOUSAND)
                if limit >= owed:
                    limit = max(Decimal(0), limit - THOUSAND)
        else:
            limit = (max(limit, owed * 2) / THOUSAND).to_integral_value(ROUND_CEILING) * THOUSAND
        out.append(replace(c, credit_limit=limit))
    return out
