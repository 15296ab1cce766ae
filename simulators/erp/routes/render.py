"""Domain records -> NetSuite wire records (links are absolute, as NetSuite returns them)."""

from __future__ import annotations

from fastapi import Request

from simulators.erp.models import AccountingPeriod, Customer, Employee, ErpStore, Job, TimeBill
from simulators.erp.schemas import (
    APPROVAL,
    HOLD_NAMES,
    AccountingPeriodOut,
    CustomerOut,
    EmployeeOut,
    JobOut,
    Link,
    RefOut,
    TimeBillOut,
)

RECORD_BASE = "/services/rest/record/v1"


def base_url(request: Request) -> str:
    """``scheme://host:port`` of the request."""
    return str(request.base_url).rstrip("/")


def record_href(base: str, record_type: str, record_id: int | str) -> str:
    """Absolute URL of a record."""
    return f"{base}{RECORD_BASE}/{record_type}/{record_id}"


def self_links(base: str, record_type: str, record_id: int | str) -> list[Link]:
    """The ``links`` of a record."""
    return [Link(rel="self", href=record_href(base, record_type, record_id))]


def ref(base: str, record_type: str, record_id: int, name: str | None) -> RefOut:
    """A reference field."""
    return RefOut(id=str(record_id), refName=name, links=self_links(base, record_type, record_id))


def customer_out(base: str, c: Customer) -> CustomerOut:
    """Render a customer."""
    return CustomerOut(
        links=self_links(base, "customer", c.id),
        id=str(c.id),
        externalId=c.externalId,
        entityId=c.externalId or str(c.id),
        companyName=c.companyName,
        currency=RefOut(id=c.currency, refName=c.currency),
        creditLimit=float(c.creditLimit),
        creditHoldOverride=RefOut(id=c.creditHoldOverride, refName=HOLD_NAMES[c.creditHoldOverride]),
        balance=float(c.balance),
        terms=RefOut(id=c.terms, refName=c.terms) if c.terms else None,
        dateCreated=c.created,
    )


def employee_out(base: str, e: Employee) -> EmployeeOut:
    """Render an employee."""
    return EmployeeOut(
        links=self_links(base, "employee", e.id),
        id=str(e.id),
        externalId=e.externalId,
        firstName=e.firstName,
        lastName=e.lastName,
        email=e.email,
        laborCost=float(e.laborCost),
    )


def job_out(base: str, store: ErpStore, j: Job) -> JobOut:
    """Render a project."""
    parent = store.records["customer"].get(j.parent)
    return JobOut(
        links=self_links(base, "job", j.id),
        id=str(j.id),
        externalId=j.externalId,
        entityId=j.entityId,
        companyName=j.companyName,
        parent=ref(base, "customer", j.parent, parent.companyName if parent else None),
        jobBillingType=RefOut(id=j.billingType, refName=j.billingType.replace("_", " ").title()),
    )


def period_out(base: str, p: AccountingPeriod) -> AccountingPeriodOut:
    """Render an accounting period."""
    return AccountingPeriodOut(
        links=self_links(base, "accountingPeriod", p.id),
        id=str(p.id),
        periodName=p.periodName,
        startDate=p.startDate,
        endDate=p.endDate,
        closed=p.state == "closed",
        arLocked=p.state in ("ar_locked", "closed"),
        allLocked=p.state == "closed",
    )


def time_bill_out(base: str, store: ErpStore, t: TimeBill) -> TimeBillOut:
    """Render a timeBill."""
    employee = store.records["employee"].get(t.employee)
    project = store.records["job"].get(t.customer) or store.records["customer"].get(t.customer)
    period = store.records["accountingPeriod"].get(t.postingPeriod)
    status_id, status_name = APPROVAL.get(t.approvalStatus, APPROVAL["approved"])
    return TimeBillOut(
        links=self_links(base, "timeBill", t.id),
        id=str(t.id),
        externalId=t.externalId,
        employee=ref(base, "employee", t.employee, f"{employee.firstName} {employee.lastName}" if employee else None),
        customer=ref(
            base,
            "job" if isinstance(project, Job) else "customer",
            t.customer,
            project.companyName if project else None,
        ),
        hours=float(t.hours),
        tranDate=t.tranDate,
        postingPeriod=ref(base, "accountingPeriod", t.postingPeriod, period.periodName if period else None),
        isBillable=t.isBillable,
        approvalStatus=RefOut(id=status_id, refName=status_name),
        rate=float(t.rate) if t.rate is not None else None,
        memo=t.memo,
        createdDate=t.created,
        lastModifiedDate=t.lastModified,
    )
