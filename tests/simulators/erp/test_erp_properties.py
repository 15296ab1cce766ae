"""Property tests of the period and credit rules, through the wire, for any sequence of postings, clock moves,
period closes and holds.

Properties, checked after every step against a snapshot taken before it:

- a posting created or changed in a step lands in a period that, before the step, accepted its ledger (closed
  refuses everything, AR-locked refuses invoices and payments), in the period of its date or (re-date policy)
  a later one;
- a closed period's postings never change (billing or paying them later, from an open period, is allowed);
- the customer's balance, unbilled work and hold equal an oracle computed from the records;
- under ``enforce`` no invoice is created for a customer the oracle says is held, and every invoice refused
  for credit was for a held customer; under ``warn``/``ignore`` nothing is refused for credit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from erp_wire import RECORD
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators.erp.app import create_app

Snapshot = dict[str, Any]
AR = ("invoice", "customerPayment")
POSTINGS = ("timeBill", "expenseReport", "invoice", "customerPayment")
VOLATILE = {"invoice": {"amountPaid", "amountRemaining", "status", "lastModified"}, "timeBill": {"invoice"}}
CREDIT_REFUSAL = "is on credit hold"

days = st.integers(min_value=-45, max_value=10)
actions = st.one_of(
    st.tuples(st.just("time"), days, st.integers(1, 8), st.sampled_from(["50", "100", "150"]), st.booleans()),
    st.tuples(st.just("expense"), days, st.integers(10, 300)),
    st.tuples(st.just("advance"), st.integers(0, 15)),
    st.tuples(st.just("hold"), st.sampled_from(["AUTO", "ON", "OFF"])),
    st.tuples(st.just("limit"), st.sampled_from(["200", "600", "2000", None])),
    st.tuples(st.just("bill"), st.one_of(st.none(), st.integers(-20, 0))),
    st.tuples(st.just("invoice"), st.integers(-20, 0), st.integers(50, 500)),
    st.tuples(st.just("pay"), st.integers(50, 800)),
    st.tuples(st.just("close"), st.integers(-1, 0)),
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One simulator for every example (reset before each)."""
    with TestClient(create_app(), headers={"Authorization": "Bearer property"}) as c:
        yield c


def _snapshot(client: TestClient) -> Snapshot:
    doc = client.get("/__admin/state").json()
    data: Snapshot = doc["tenants"]["default"]["data"]
    data["today"] = date.fromisoformat(doc["clock"]["now"][:10])
    return data


def _rows(snap: Snapshot, record_type: str) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in snap[record_type]}


def _frozen(record_type: str, row: dict[str, Any]) -> str:
    kept = {k: v for k, v in row.items() if k not in VOLATILE.get(record_type, set())}
    if record_type == "expenseReport":
        kept["expense"] = [{k: v for k, v in line.items() if k != "invoice"} for line in row["expense"]]
    return json.dumps(kept, sort_keys=True)


def _oracle(snap: Snapshot, customer: int, grace: int) -> tuple[Decimal, Decimal, bool]:
    """(balance, unbilled work, held) of the customer, from the records alone."""
    cust = _rows(snap, "customer")[customer]
    jobs = {j["id"] for j in snap["job"] if j["parent"] == customer}
    unbilled = Decimal(0)
    for bill in snap["timeBill"]:
        billable = bill["approvalStatus"] == "approved" and bill["isBillable"] and bill["invoice"] is None
        if billable and bill["customer"] in jobs:
            amount = Decimal(bill["hours"]) * Decimal(bill["rate"] or 0)
            unbilled += amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    for report in snap["expenseReport"]:
        for line in report["expense"]:
            if report["approvalStatus"] == "approved" and line["isBillable"] and line["invoice"] is None:
                unbilled += Decimal(line["amount"]) if line["customer"] in jobs else 0
    invoices = [i for i in snap["invoice"] if i["entity"] == customer]
    balance = sum((Decimal(i["amountRemaining"]) for i in invoices), Decimal(0))
    balance -= sum((Decimal(p["unapplied"]) for p in snap["customerPayment"] if p["customer"] == customer), Decimal(0))
    overdue = [
        (snap["today"] - date.fromisoformat(i["dueDate"])).days
        for i in invoices
        if Decimal(i["amountRemaining"]) > 0 and date.fromisoformat(i["dueDate"]) < snap["today"]
    ]
    limit = None if cust["creditLimit"] is None else Decimal(cust["creditLimit"])
    held = cust["creditHoldOverride"] == "ON" or (
        cust["creditHoldOverride"] == "AUTO"
        and ((limit is not None and balance + unbilled > limit) or (bool(overdue) and max(overdue) > grace))
    )
    return balance, unbilled, held


def _period_of(snap: Snapshot, day: date) -> dict[str, Any] | None:
    return next((p for p in snap["accountingPeriod"] if p["key"] == f"{day:%Y-%m}"), None)


def _check_postings(before: Snapshot, after: Snapshot, redate: bool) -> None:
    periods = _rows(before, "accountingPeriod")
    for record_type in POSTINGS:
        old, new = _rows(before, record_type), _rows(after, record_type)
        for record_id, row in new.items():
            if record_id in old and _frozen(record_type, old[record_id]) == _frozen(record_type, row):
                continue
            period = periods[row["postingPeriod"]]
            assert period["state"] != "closed", f"{record_type} {record_id} posted in closed {period['key']}"
            if record_type in AR:
                assert period["state"] == "open", f"{record_type} {record_id} posted in AR-locked {period['key']}"
            own = _period_of(before, date.fromisoformat(row["tranDate"]))
            assert own is not None
            assert period["id"] == own["id"] or (redate and period["startDate"] > own["endDate"])
        # A closed period's postings are frozen: none added, changed or removed.
        for period_id, period in periods.items():
            if period["state"] != "closed":
                continue
            was = {i: _frozen(record_type, r) for i, r in old.items() if r["postingPeriod"] == period_id}
            now = {i: _frozen(record_type, r) for i, r in new.items() if r["postingPeriod"] == period_id}
            assert was == now, f"{record_type} postings of closed period {period['key']} changed"


def _step(client: TestClient, action: tuple[Any, ...], ids: dict[str, str], today: date, n: int) -> Any:
    kind = action[0]
    if kind == "time":
        _, offset, hours, rate, approved = action
        body = {
            "employee": {"id": "1"},
            "customer": {"id": ids["job"]},
            "hours": hours,
            "rate": rate,
            "tranDate": (today + timedelta(days=offset)).isoformat(),
            "approvalStatus": {"id": "2" if approved else "1"},
        }
        return client.put(f"{RECORD}/timeBill/eid:prop-{n % 5}", json=body)
    if kind == "expense":
        line = {"amount": action[2], "customer": {"id": ids["job"]}, "isBillable": True}
        body = {
            "entity": {"id": "1"},
            "tranDate": (today + timedelta(days=action[1])).isoformat(),
            "expense": {"items": [line]},
        }
        return client.post(f"{RECORD}/expenseReport", json=body)
    if kind == "advance":
        return client.post("/__admin/clock/advance", json={"days": action[1]})
    if kind == "hold":
        return client.patch(f"{RECORD}/customer/{ids['customer']}", json={"creditHoldOverride": {"id": action[1]}})
    if kind == "limit":
        return client.patch(f"{RECORD}/customer/{ids['customer']}", json={"creditLimit": action[1]})
    if kind == "bill":
        body = {} if action[1] is None else {"tranDate": (today + timedelta(days=action[1])).isoformat()}
        return client.post(f"{RECORD}/job/{ids['job']}/!transform/invoice", json=body)
    if kind == "invoice":
        body = {
            "entity": {"id": ids["customer"]},
            "tranDate": (today + timedelta(days=action[1])).isoformat(),
            "item": {"items": [{"item": {"id": "1"}, "rate": action[2]}]},
        }
        return client.post(f"{RECORD}/invoice", json=body)
    if kind == "pay":
        return client.post(
            f"{RECORD}/customerPayment", json={"customer": {"id": ids["customer"]}, "payment": action[1]}
        )
    month = date(today.year, today.month, 1) - timedelta(days=1) if action[1] < 0 else today
    return client.post("/__admin/provider-states", json={"state": f"accounting period {month:%Y-%m} is closed"})


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    steps=st.lists(actions, min_size=4, max_size=20),
    policy=st.sampled_from(["enforce", "warn", "ignore"]),
    redate=st.booleans(),
)
def test_postings_respect_periods_and_invoices_respect_holds(
    client: TestClient, steps: list[tuple[Any, ...]], policy: str, redate: bool
) -> None:
    grace = 5
    client.post("/__admin/reset")
    client.put(
        "/__admin/settings",
        json={
            "credit_policy": policy,
            "credit_overdue_grace_days": grace,
            "closed_period_policy": "redate_to_first_open" if redate else "reject",
            "close_calendar": {"ar_lock_after_days": 2, "close_after_days": 6},
        },
    )
    customer = (
        client.post(f"{RECORD}/customer", json={"companyName": "Prop Co", "creditLimit": "600", "terms": {"id": "5"}})
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    job = (
        client.post(f"{RECORD}/job", json={"companyName": "Prop job", "parent": {"id": customer}})
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    ids = {"customer": customer, "job": job}
    before = _snapshot(client)
    for n, action in enumerate(steps):
        response = _step(client, action, ids, before["today"], n)
        assert response.status_code < 500, response.text
        after = _snapshot(client)
        _check_postings(before, after, redate)

        balance, unbilled, held = _oracle(before, int(customer), grace)
        new_invoices = set(_rows(after, "invoice")) - set(_rows(before, "invoice"))
        refused_for_credit = response.status_code == 400 and CREDIT_REFUSAL in response.text
        if policy == "enforce" and held:
            assert not new_invoices, f"invoice {new_invoices} created for a held customer"
        if refused_for_credit:
            assert (policy, held) == ("enforce", True), response.text
        if policy == "enforce" and action[0] in ("bill", "invoice") and held:
            assert refused_for_credit or response.status_code == 400, response.text

        balance, unbilled, held = _oracle(after, int(customer), grace)
        cust = _rows(after, "customer")[int(customer)]
        assert (Decimal(cust["balance"]), Decimal(cust["unbilledOrders"]), cust["onCreditHold"]) == (
            balance,
            unbilled,
            held,
        )
        before = after
