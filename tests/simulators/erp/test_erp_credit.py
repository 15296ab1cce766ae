"""Customer credit: exposure (open AR + unbilled work), automatic and manual holds, the credit policy, and the
``customer.creditHoldChanged`` webhook."""

from __future__ import annotations

from typing import Any

import pytest
from erp_wire import RECORD, Erp, error


def _customer(erp: Erp, limit: str | None = "1000", terms: str = "2") -> tuple[str, str]:
    """A customer (USD, Net 30 by default) with a time-and-materials project."""
    body: dict[str, Any] = {"companyName": "Credit Co", "externalId": "CREDIT-1", "terms": {"id": terms}}
    if limit is not None:
        body["creditLimit"] = limit
    customer = erp.create("customer", body)
    job = erp.create("job", {"companyName": "Credit project", "parent": {"id": customer}})
    return customer, job


def _held(erp: Erp, customer: str) -> tuple[bool, float, float]:
    doc = erp.get("customer", customer)
    return doc["onCreditHold"], doc["balance"], doc["unbilledOrders"]


def test_unbilled_work_over_the_limit_puts_an_auto_hold_on_and_emits_an_event(erp: Erp) -> None:
    customer, job = _customer(erp)
    erp.time(customer={"id": job}, hours="8", rate="100")  # 800
    assert _held(erp, customer) == (False, 0.0, 800.0)
    assert erp.events("customer.creditHoldChanged") == []
    erp.time(customer={"id": job}, hours="3", rate="100")  # 1100 > 1000
    assert _held(erp, customer) == (True, 0.0, 1100.0)
    [event] = erp.events("customer.creditHoldChanged")
    assert (event["subject_type"], event["subject_id"]) == ("customer", customer)
    assert event["payload"] == {
        "customer": {"id": customer, "externalId": "CREDIT-1"},
        "onCreditHold": True,
        "reason": "credit limit exceeded",
        "creditHoldOverride": "AUTO",
        "creditLimit": "1000.00",
        "balance": "0",
        "unbilledOrders": "1100.00",
        "overdueBalance": "0",
    }


def test_enforce_refuses_an_invoice_for_a_held_customer(erp: Erp) -> None:
    customer, job = _customer(erp, limit="100")
    erp.time(customer={"id": job}, hours="2", rate="100")
    assert error(erp.bill(job)) == {
        "detail": "The customer CREDIT-1 (Credit Co) is on credit hold (credit limit exceeded). New sales "
        "transactions are not allowed by your NetSuite credit limit settings.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "entity",
    }
    direct = {"entity": {"id": customer}, "item": {"items": [{"item": {"id": "1"}}]}}
    assert "is on credit hold" in error(erp.client.post(f"{RECORD}/invoice", json=direct))["detail"]
    assert erp.state("invoice") == []
    assert erp.events("invoice.created") == []


def test_warn_lets_the_invoice_through_and_flags_it(erp: Erp) -> None:
    erp.settings(credit_policy="warn")
    _, job = _customer(erp, limit="100")
    erp.time(customer={"id": job}, hours="2", rate="100")
    assert erp.bill(job).status_code == 204
    [event] = erp.events("invoice.created")
    assert event["payload"]["creditWarning"] is True


def test_ignore_does_not_look_at_holds(erp: Erp) -> None:
    erp.settings(credit_policy="ignore")
    customer, job = _customer(erp, limit="100")
    erp.patch("customer", customer, {"creditHoldOverride": {"id": "ON"}})
    erp.time(customer={"id": job})
    assert erp.bill(job).status_code == 204
    assert erp.events("invoice.created")[0]["payload"]["creditWarning"] is False


def test_manual_hold_on_and_off(erp: Erp) -> None:
    customer, job = _customer(erp, limit="100")
    erp.time(customer={"id": job}, hours="2", rate="100")  # over the limit: held by AUTO
    assert erp.patch("customer", customer, {"creditHoldOverride": {"id": "OFF"}}).status_code == 204
    assert _held(erp, customer)[0] is False
    assert erp.bill(job).status_code == 204
    erp.patch("customer", customer, {"creditHoldOverride": {"id": "ON"}, "creditLimit": "1000000"})
    assert erp.get("customer", customer)["creditHoldOverride"] == {"id": "ON", "refName": "On", "links": []}
    erp.time(customer={"id": job})
    assert "(manual hold)" in error(erp.bill(job))["detail"]
    reasons = [e["payload"]["reason"] for e in erp.events("customer.creditHoldChanged")]
    assert reasons == ["credit limit exceeded", None, "manual hold"]


def test_no_credit_limit_means_no_limit_hold(erp: Erp) -> None:
    customer, job = _customer(erp, limit=None)
    erp.time(customer={"id": job}, hours="24", rate="100000")
    assert erp.get("customer", customer)["creditLimit"] is None
    assert _held(erp, customer) == (False, 0.0, 2_400_000.0)


def test_raising_the_limit_releases_the_hold(erp: Erp) -> None:
    customer, job = _customer(erp, limit="100")
    erp.time(customer={"id": job}, hours="2", rate="100")
    erp.patch("customer", customer, {"creditLimit": "5000"})
    assert _held(erp, customer)[0] is False
    assert [e["payload"]["onCreditHold"] for e in erp.events("customer.creditHoldChanged")] == [True, False]


def test_overdue_balance_past_the_grace_days_holds_as_the_clock_moves(erp: Erp) -> None:
    erp.settings(credit_overdue_grace_days=10)
    customer, job = _customer(erp, limit="100000", terms="5")  # due on receipt
    erp.time(customer={"id": job})
    erp.bill(job)  # due 30 Oct 2026
    erp.advance(days=10)  # 9 Nov: 10 days overdue, not more than the grace
    doc = erp.get("customer", customer)
    assert (doc["overdueBalance"], doc["daysOverdue"], doc["onCreditHold"]) == (200.0, 10, False)
    erp.advance(days=1)
    doc = erp.get("customer", customer)
    assert (doc["daysOverdue"], doc["onCreditHold"]) == (11, True)
    [event] = erp.events("customer.creditHoldChanged")
    assert event["payload"]["reason"] == "overdue balance past the grace period"
    assert event["created_at"] == "2026-11-10T09:00:00+00:00"
    # Paying the overdue invoice releases the hold.
    erp.create("customerPayment", {"customer": {"id": customer}, "payment": "200"})
    doc = erp.get("customer", customer)
    assert (doc["overdueBalance"], doc["onCreditHold"]) == (0.0, False)


@pytest.mark.parametrize("status", ["1", "3"])
def test_only_approved_time_counts_as_unbilled(erp: Erp, status: str) -> None:
    customer, job = _customer(erp)
    bill = erp.time(customer={"id": job}, approvalStatus={"id": status})
    assert _held(erp, customer)[2] == 0.0
    erp.patch("timeBill", bill, {"approvalStatus": {"id": "2"}})
    assert _held(erp, customer)[2] == 200.0
    erp.client.delete(f"{RECORD}/timeBill/{bill}")
    assert _held(erp, customer)[2] == 0.0


def test_provider_states_for_credit(erp: Erp) -> None:
    over = erp.state_change("customer CUST-OVER is over its credit limit", creditLimit="50", balance="75.00")
    doc = erp.get("customer", "eid:CUST-OVER")
    assert (doc["id"], doc["creditLimit"], doc["balance"], doc["onCreditHold"]) == (over["id"], 50.0, 75.0, True)
    response = erp.client.post(
        "/__admin/provider-states", json={"state": "customer CUST-OVER is over its credit limit", "action": "teardown"}
    )
    assert response.status_code == 200
    doc = erp.get("customer", "eid:CUST-OVER")
    assert (doc["creditLimit"], doc["balance"], doc["onCreditHold"]) == (100000.0, 0.0, False)
    erp.state_change("customer CUST-HOLD is on credit hold")
    assert erp.get("customer", "eid:CUST-HOLD")["onCreditHold"] is True
