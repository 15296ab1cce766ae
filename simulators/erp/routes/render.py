"""Domain records -> NetSuite wire records (links are absolute, as NetSuite returns them): master records."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import Request

from simulators.erp.models import (
    AccountingPeriod,
    Currency,
    Customer,
    Employee,
    ErpStore,
    Job,
    ProjectTask,
    ServiceItem,
    Subsidiary,
)
from simulators.erp.schemas.common import BILLING_TYPES, HOLD_NAMES, TASK_STATUS, TERMS_BY_NAME, Link, RefOut
from simulators.erp.schemas.masters import (
    AccountingPeriodOut,
    CurrencyOut,
    CustomerOut,
    EmployeeOut,
    JobOut,
    ProjectTaskOut,
    ServiceItemOut,
    SubsidiaryOut,
)

RECORD_BASE = "/services/rest/record/v1"


def base_url(request: Request) -> str:
    """``scheme://host:port`` of the request (as Starlette's ``request.base_url``; remembered per origin)."""
    scope = request.scope
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    root = scope.get("app_root_path", scope.get("root_path", ""))
    server = scope.get("server")
    return _base_url(scope["scheme"], tuple(server) if server is not None else None, host, root)


@functools.lru_cache(maxsize=256)
def _base_url(scheme: str, server: tuple[str, int | None] | None, host: bytes | None, root: str) -> str:
    scope = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "root_path": root,
        "path": "/",
        "query_string": b"",
        "headers": [(b"host", host)] if host is not None else [],
    }
    return str(Request(scope).base_url).rstrip("/")


def record_href(base: str, record_type: str, record_id: int | str) -> str:
    """Absolute URL of a record."""
    return f"{base}{RECORD_BASE}/{record_type}/{record_id}"


def self_links(base: str, record_type: str, record_id: int | str) -> list[Link]:
    """The ``links`` of a record."""
    return [Link(rel="self", href=record_href(base, record_type, record_id))]


@functools.lru_cache(maxsize=65_536)
def ref(base: str, record_type: str, record_id: int, name: str | None) -> RefOut:
    """A reference field: built once per (origin, record, name) and shared by every response that renders it
    (a record's employee, customer and period repeat across thousands of postings), so never mutated."""
    return RefOut(id=str(record_id), refName=name, links=self_links(base, record_type, record_id))


def ref_to(base: str, store: ErpStore, record_type: str, record_id: int | None) -> RefOut | None:
    """A reference to a record of ``record_type`` (named after it when it exists), or None."""
    if record_id is None:
        return None
    return ref(base, record_type, record_id, name_of(store.records[record_type].get(record_id)))


def entity_ref(base: str, store: ErpStore, entity_id: int) -> RefOut:
    """A reference to a customer or project (they share the entity id space)."""
    record_type = "job" if entity_id in store.records["job"] else "customer"
    return ref(base, record_type, entity_id, name_of(store.records[record_type].get(entity_id)))


def name_of(record: Any) -> str | None:
    """The ``refName`` of a record."""
    if record is None:
        return None
    if isinstance(record, Employee):
        return f"{record.firstName} {record.lastName}"
    for attr in ("companyName", "periodName", "symbol", "itemId", "title", "tranId", "name"):
        value = getattr(record, attr, None)
        if isinstance(value, str):
            return value
    return None


def money(value: Any) -> float | None:
    """A Decimal as a JSON number."""
    return None if value is None else float(value)


def currency_out(base: str, store: ErpStore, c: Currency) -> CurrencyOut:
    """Render a currency."""
    return CurrencyOut(
        links=self_links(base, "currency", c.id),
        id=str(c.id),
        externalId=c.externalId,
        symbol=c.symbol,
        name=c.name,
        currencyPrecision=c.precision,
        exchangeRate=float(c.exchangeRate),
        isBaseCurrency=c.isBaseCurrency,
    )


def subsidiary_out(base: str, store: ErpStore, s: Subsidiary) -> SubsidiaryOut:
    """Render a subsidiary."""
    currency = ref_to(base, store, "currency", s.currency)
    assert currency is not None
    return SubsidiaryOut(
        links=self_links(base, "subsidiary", s.id),
        id=str(s.id),
        externalId=s.externalId,
        name=s.name,
        country=s.country,
        currency=currency,
    )


def customer_out(base: str, store: ErpStore, c: Customer) -> CustomerOut:
    """Render a customer."""
    currency = ref_to(base, store, "currency", c.currency)
    assert currency is not None
    return CustomerOut(
        links=self_links(base, "customer", c.id),
        id=str(c.id),
        externalId=c.externalId,
        entityId=c.externalId or str(c.id),
        companyName=c.companyName,
        currency=currency,
        subsidiary=ref_to(base, store, "subsidiary", c.subsidiary),
        creditLimit=money(c.creditLimit),
        creditHoldOverride=RefOut(id=c.creditHoldOverride, refName=HOLD_NAMES[c.creditHoldOverride]),
        onCreditHold=c.onCreditHold,
        balance=float(c.balance),
        overdueBalance=float(c.overdueBalance),
        unbilledOrders=float(c.unbilledOrders),
        daysOverdue=c.daysOverdue,
        terms=RefOut(id=TERMS_BY_NAME.get(c.terms, c.terms), refName=c.terms) if c.terms else None,
        email=c.email,
        dateCreated=c.created,
        lastModifiedDate=c.lastModified,
    )


def employee_out(base: str, store: ErpStore, e: Employee) -> EmployeeOut:
    """Render an employee."""
    return EmployeeOut(
        links=self_links(base, "employee", e.id),
        id=str(e.id),
        externalId=e.externalId,
        firstName=e.firstName,
        lastName=e.lastName,
        email=e.email,
        laborCost=float(e.laborCost),
        subsidiary=ref_to(base, store, "subsidiary", e.subsidiary),
        title=e.title,
    )


def job_out(base: str, store: ErpStore, j: Job) -> JobOut:
    """Render a project."""
    parent = ref_to(base, store, "customer", j.parent)
    assert parent is not None
    return JobOut(
        links=self_links(base, "job", j.id),
        id=str(j.id),
        externalId=j.externalId,
        entityId=j.entityId,
        companyName=j.companyName,
        parent=parent,
        jobBillingType=RefOut(id=j.billingType, refName=BILLING_TYPES[j.billingType]),
        startDate=j.startDate,
    )


def project_task_out(base: str, store: ErpStore, t: ProjectTask) -> ProjectTaskOut:
    """Render a project task."""
    company = ref_to(base, store, "job", t.company)
    assert company is not None
    return ProjectTaskOut(
        links=self_links(base, "projectTask", t.id),
        id=str(t.id),
        externalId=t.externalId,
        title=t.title,
        company=company,
        isMilestone=t.isMilestone,
        status=RefOut(id=t.status, refName=TASK_STATUS[t.status]),
        amount=money(t.amount),
        plannedWork=money(t.plannedWork),
        endDate=t.endDate,
    )


def service_item_out(base: str, store: ErpStore, i: ServiceItem) -> ServiceItemOut:
    """Render a service item."""
    return ServiceItemOut(
        links=self_links(base, "serviceItem", i.id),
        id=str(i.id),
        externalId=i.externalId,
        itemId=i.itemId,
        displayName=i.displayName,
        rate=money(i.rate),
        isInactive=i.isInactive,
    )


def period_out(base: str, store: ErpStore, p: AccountingPeriod) -> AccountingPeriodOut:
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
