"""Named provider states of the ERP (part of the contract surface: names are stable)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.erp.exceptions import UserError
from simulators.erp.models import Customer, Employee, ErpStore, Job, PeriodState

states: ProviderStates[ErpStore] = ProviderStates()


def _pin(store: ErpStore, record_type: str, record: Any, wanted: str | None) -> Any:
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
        "USD",
        Decimal(params.get("creditLimit", "100000")),
        created=store.ctx.clock.now(),
    )
    return {"id": str(_pin(store, "customer", rec, params.get("id")).id)}


@states.register("customer {externalId} is on credit hold")
def customer_on_hold(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Put the customer on a manual credit hold (Hold = On)."""
    result = customer_exists(store, params, "setup")
    cust = store.get("customer", f"eid:{params['externalId']}")
    cust.creditHoldOverride = "ON" if action == "setup" else "AUTO"
    return result


@states.register("employee {externalId} exists")
def employee_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the employee unless it exists; ``params.id`` pins its internal id."""
    existing = _existing(store, "employee", params)
    if action == "teardown" or existing is not None:
        return {"id": str(existing.id)} if existing else {}
    rec = Employee(0, params["externalId"], "Pat", "Example", f"{params['externalId']}@example.com")
    return {"id": str(_pin(store, "employee", rec, params.get("id")).id)}


@states.register("project {externalId} exists")
def project_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the project (and a customer for it) unless it exists; ``params.id`` pins its internal id."""
    existing = _existing(store, "job", params)
    if action == "teardown" or existing is not None:
        return {"id": str(existing.id)} if existing else {}
    customer = customer_exists(store, {"externalId": params.get("customerExternalId", "CUST-PACT")}, "setup")
    rec = Job(0, params["externalId"], params["externalId"], f"Project {params['externalId']}", int(customer["id"]))
    return {"id": str(_pin(store, "job", rec, params.get("id")).id)}


@states.register("time bill {externalId} exists")
def time_bill_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Nothing to create here: reports the timeBill's id if it was posted."""
    existing = store.find_external("timeBill", params["externalId"])
    return {"id": str(existing.id)} if existing else {}
