"""Named provider states of the ERP (part of the contract surface: names are stable)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.erp.exceptions import UserError
from simulators.erp.models import Customer, Employee, ErpStore, Invoice, InvoiceLine, Job, PeriodState

states: ProviderStates[ErpStore] = ProviderStates()


def _pin(store: ErpStore, record: Any, wanted: str | None) -> Any:
    """Insert ``record``, at internal id ``wanted`` when given (so a pact can name it).

    A pinned id that another record holds is refused loudly rather than taking that record's place.
    """
    if wanted:
        record.id = int(wanted)
    return store.add(record)


def _existing(store: ErpStore, record_type: str, params: dict[str, str]) -> Any | None:
    """The record with ``params.externalId``; refused if it exists at another id than a pinned one."""
    existing = store.find_external(record_type, params["externalId"])
    wanted = params.get("id")
    if existing is not None and wanted and str(existing.id) != wanted:
        raise UserError(
            f"Provider state wants {record_type} {params['externalId']} at internal id {wanted}, "
            f"but it exists at {existing.id}; start the simulator with the 'empty' profile to pin ids."
        )
    return existing


def _period_state(state: PeriodState) -> Callable[[ErpStore, dict[str, str], Action], dict[str, Any]]:
    def handler(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
        key = params["period"]
        memo = store.state_memo.setdefault("period_states", {})
        if action == "setup":
            memo.setdefault(key, store.period_by_key(key).state)
            period = store.set_period_state(key, state)
        else:  # teardown: back to what the period was before setup
            period = store.set_period_state(key, memo.pop(key, store.period_by_key(key).state))
        return {"periodId": str(period.id)}

    return handler


states.register("accounting period {period} is closed")(_period_state("closed"))
states.register("accounting period {period} is AR locked")(_period_state("ar_locked"))
states.register("accounting period {period} is locked for AR")(_period_state("ar_locked"))
states.register("accounting period {period} is open")(_period_state("open"))


@states.register("customer {externalId} exists")
def customer_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the customer unless it exists; ``params.id`` pins its internal id."""
    existing = _existing(store, "customer", params)
    if action == "teardown" or existing is not None:
        return {"id": str(existing.id)} if existing else {}
    rec = Customer(
        0,
        params["externalId"],
        params.get("companyName", f"Customer {params['externalId']}"),
        1,
        Decimal(params.get("creditLimit", "100000")),
        subsidiary=1 if 1 in store.records["subsidiary"] else None,
        created=store.ctx.clock.now(),
    )
    return {"id": str(_pin(store, rec, params.get("id")).id)}


@states.register("customer {externalId} is on credit hold")
def customer_on_hold(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Put the customer on a manual credit hold (Hold = On)."""
    result = customer_exists(store, params, "setup")
    cust = store.get("customer", f"eid:{params['externalId']}")
    cust.creditHoldOverride = "ON" if action == "setup" else "AUTO"
    store.credit.touch(cust.id)
    store.credit.refresh()
    return result


def _invoice(store: ErpStore, cust: Customer, tran_id: str, amount: Decimal, pinned: str | None = None) -> Invoice:
    """An open invoice dated today in the period of today, posted as-is (no rules: it is a given state)."""
    today = store.ctx.clock.now().date()
    period = store.periods.for_day(today) or max(store.records["accountingPeriod"].values(), key=lambda p: p.endDate)
    line = InvoiceLine(1, "item", amount, Decimal("1"), amount, description="Provider state")
    inv = Invoice(
        int(pinned or 0),
        None,
        tran_id,
        cust.id,
        today,
        today + timedelta(days=30),
        period.id,
        cust.currency,
        lines=[line],
    )
    inv.total = inv.amountRemaining = amount
    inv.subsidiary, inv.created, inv.lastModified = cust.subsidiary, store.ctx.clock.now(), store.ctx.clock.now()
    return store.add(inv)  # type: ignore[no-any-return]


@states.register("customer {externalId} is over its credit limit")
def customer_over_limit(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Give the customer an open invoice above its credit limit (Hold = Auto puts it on hold).

    ``params``: ``creditLimit`` (default 100.00), ``balance`` (the invoice amount, default 1000.00). Teardown
    deletes the invoice and restores the limit.
    """
    result = customer_exists(store, {k: v for k, v in params.items() if k in ("externalId", "id")}, "setup")
    cust = store.get("customer", f"eid:{params['externalId']}")
    memo = store.state_memo.setdefault("over_limit", {})
    if action == "setup":
        inv = _invoice(store, cust, f"OVERLIMIT-{cust.id}", Decimal(params.get("balance", "1000.00")))
        memo[params["externalId"]] = {"limit": cust.creditLimit, "invoice": inv.id}
        cust.creditLimit = Decimal(params.get("creditLimit", "100.00"))
        result["invoiceId"] = str(inv.id)
    else:
        saved = memo.pop(params["externalId"], None)
        if saved is not None:
            cust.creditLimit = saved["limit"]
            posted = store.records["invoice"].get(saved["invoice"])
            if posted is not None:
                store.credit.untrack_invoice(posted)
                store.db.remove("invoice", posted)
    store.credit.touch(cust.id)
    store.credit.refresh()
    return result


@states.register("invoice {tranId} exists")
def invoice_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """An open invoice with this document number (``params``: ``customerExternalId``, ``amount``, ``id``)."""
    holder = store.db.tran_ids.get(params["tranId"])
    if action == "teardown" or holder is not None:
        return {"id": str(holder)} if holder is not None else {}
    customer = customer_exists(store, {"externalId": params.get("customerExternalId", "CUST-PACT")}, "setup")
    cust = store.records["customer"][int(customer["id"])]
    inv = _invoice(store, cust, params["tranId"], Decimal(params.get("amount", "100.00")), params.get("id"))
    return {"id": str(inv.id), "customerId": customer["id"]}


@states.register("employee {externalId} exists")
def employee_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the employee unless it exists; ``params.id`` pins its internal id."""
    existing = _existing(store, "employee", params)
    if action == "teardown" or existing is not None:
        return {"id": str(existing.id)} if existing else {}
    rec = Employee(0, params["externalId"], "Pat", "Example", f"{params['externalId']}@example.com")
    return {"id": str(_pin(store, rec, params.get("id")).id)}


@states.register("project {externalId} exists")
def project_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the project (and a customer for it) unless it exists; ``params.id`` pins its internal id."""
    existing = _existing(store, "job", params)
    if action == "teardown" or existing is not None:
        return {"id": str(existing.id)} if existing else {}
    customer = customer_exists(store, {"externalId": params.get("customerExternalId", "CUST-PACT")}, "setup")
    rec = Job(0, params["externalId"], params["externalId"], f"Project {params['externalId']}", int(customer["id"]))
    return {"id": str(_pin(store, rec, params.get("id")).id)}


@states.register("time bill {externalId} exists")
def time_bill_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Nothing to create here: reports the timeBill's id if it was posted."""
    existing = store.find_external("timeBill", params["externalId"])
    return {"id": str(existing.id)} if existing else {}
