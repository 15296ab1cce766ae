"""Named provider states of the ERP (part of the contract surface: names are stable)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulators._core.states import Action, ProviderStates
from simulators.erp.models import Customer, Employee, ErpStore, Job, PeriodState

states: ProviderStates[ErpStore] = ProviderStates()


def _pin(store: ErpStore, record_type: str, record: Any, wanted: str | None) -> Any:
    """Insert ``record``, at internal id ``wanted`` when given (so a pact can name it)."""
    if wanted:
        table = store.records[record_type]
        if int(wanted) in table and getattr(table[int(wanted)], "externalId", None) != record.externalId:
            del table[int(wanted)]
        record.id = int(wanted)
    return store.add(record)


def _period_state(state: PeriodState):  # type: ignore[no-untyped-def]
    def handler(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
        period = store.set_period_state(params["period"], state if action == "setup" else "open")
        return {"periodId": str(period.id)}

    return handler


states.register("accounting period {period} is closed")(_period_state("closed"))
states.register("accounting period {period} is AR locked")(_period_state("ar_locked"))
states.register("accounting period {period} is open")(_period_state("open"))


@states.register("customer {externalId} exists")
def customer_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the customer unless it exists; ``params.id`` pins its internal id."""
    existing = store.find_external("customer", params["externalId"])
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
    existing = store.find_external("employee", params["externalId"])
    if action == "teardown" or existing is not None:
        return {"id": str(existing.id)} if existing else {}
    rec = Employee(0, params["externalId"], "Pat", "Example", f"{params['externalId']}@example.com")
    return {"id": str(_pin(store, "employee", rec, params.get("id")).id)}


@states.register("project {externalId} exists")
def project_exists(store: ErpStore, params: dict[str, str], action: Action) -> dict[str, Any]:
    """Create the project (and a customer for it) unless it exists; ``params.id`` pins its internal id."""
    existing = store.find_external("job", params["externalId"])
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
