"""Invoices: billing a project (``!transform/invoice``), direct invoices, tranId uniqueness, the AR period rule,
payments, and the webhook events they emit."""

from __future__ import annotations

from typing import Any

import pytest
from erp_wire import CUSTOMER, PROJECT, RECORD, Erp, error

NO_LINES = {
    "detail": "You must enter at least one line item for this transaction.",
    "o:errorCode": "USER_ERROR",
    "o:errorPath": "item",
}


def _invoice(erp: Erp, response: Any) -> dict[str, Any]:
    assert response.status_code == 204, response.text
    return erp.get("invoice", response.headers["location"].rsplit("/", 1)[1])


def _project(erp: Erp, billing_type: str, customer: str = CUSTOMER) -> str:
    return erp.create(
        "job",
        {"companyName": f"{billing_type} project", "parent": {"id": customer}, "jobBillingType": {"id": billing_type}},
    )


# -- billing a time-and-materials project -------------------------------------------------------------------------
def test_transform_bills_approved_billable_unbilled_time_and_expenses(erp: Erp) -> None:
    first = erp.time(hours="2", rate="100", tranDate="2026-10-05", memo="Workshop")
    second = erp.time(hours="1.25", rate="190", tranDate="2026-10-06")
    erp.time(approvalStatus={"id": "1"})  # pending: not billed
    erp.time(isBillable=False)  # not billable
    erp.time(customer={"id": "2"})  # another project
    report = erp.create(
        "expenseReport",
        {
            "entity": {"id": "1"},
            "tranDate": "2026-10-07",
            "expense": {
                "items": [
                    {"amount": "45.10", "customer": {"id": PROJECT}, "isBillable": True, "memo": "Taxi"},
                    {"amount": "12.00", "customer": {"id": PROJECT}, "isBillable": False},
                ]
            },
        },
    )

    invoice = _invoice(erp, erp.bill())

    assert [(t["doc"]["id"], t["quantity"], t["rate"], t["amount"]) for t in invoice["time"]["items"]] == [
        (first, 2.0, 100.0, 200.0),
        (second, 1.25, 190.0, 237.5),
    ]
    assert invoice["time"]["items"][0]["memo"] == "Workshop"
    assert [(c["doc"]["id"], c["expenseLine"], c["amount"]) for c in invoice["expCost"]["items"]] == [(report, 1, 45.1)]
    assert invoice["item"]["items"] == []
    assert (invoice["total"], invoice["amountRemaining"], invoice["amountPaid"]) == (482.6, 482.6, 0.0)
    assert (invoice["entity"]["id"], invoice["job"]["id"], invoice["currency"]["refName"]) == (CUSTOMER, PROJECT, "EUR")
    assert (invoice["tranId"], invoice["status"]) == ("INV000001", {"id": "A", "refName": "Open", "links": []})
    # Dated today (simulated: 30 Oct 2026), due by the customer's terms (Net 30).
    assert (invoice["tranDate"], invoice["dueDate"], invoice["postingPeriod"]["refName"]) == (
        "2026-10-30",
        "2026-11-29",
        "Oct 2026",
    )


def test_billed_work_is_not_billed_again_and_moves_from_unbilled_to_ar(erp: Erp) -> None:
    erp.time(hours="3", rate="100")
    assert erp.get("customer", CUSTOMER)["unbilledOrders"] == 300.0
    assert erp.bill().status_code == 204
    customer = erp.get("customer", CUSTOMER)
    assert (customer["unbilledOrders"], customer["balance"]) == (0.0, 300.0)
    assert error(erp.bill()) == NO_LINES
    assert len(erp.state("invoice")) == 1


def test_transform_bills_only_work_dated_up_to_the_invoice_date(erp: Erp) -> None:
    early = erp.time(tranDate="2026-10-10")
    erp.time(tranDate="2026-10-20")
    invoice = _invoice(erp, erp.bill(body={"tranDate": "2026-10-15", "tranId": "OCT-A", "memo": "first half"}))
    assert [t["doc"]["id"] for t in invoice["time"]["items"]] == [early]
    assert (invoice["tranId"], invoice["memo"], invoice["tranDate"]) == ("OCT-A", "first half", "2026-10-15")


def test_time_without_a_rate_is_billed_at_its_service_items_rate(erp: Erp) -> None:
    erp.client.post(
        f"{RECORD}/timeBill",
        json={
            "employee": {"id": "1"},
            "customer": {"id": PROJECT},
            "hours": "2",
            "tranDate": "2026-10-05",
            "item": {"id": "3"},
        },
    )
    [line] = _invoice(erp, erp.bill())["time"]["items"]
    assert (line["rate"], line["amount"], line["item"]["refName"]) == (240.0, 480.0, "Architect")


def test_amounts_use_the_currencys_precision(erp: Erp) -> None:
    yen = erp.create("customer", {"companyName": "Nihon KK", "currency": {"id": "4"}})
    job = _project(erp, "time_and_materials", yen)
    erp.time(customer={"id": job}, hours="1.25", rate="99.99")  # 124.9875 -> 125 yen
    invoice = _invoice(erp, erp.bill(job))
    assert (invoice["total"], invoice["currency"]["refName"]) == (125.0, "JPY")
    assert [row["total"] for row in erp.state("invoice")] == ["125"]


# -- other billing types ------------------------------------------------------------------------------------------
def test_milestone_project_bills_completed_milestones_once(erp: Erp) -> None:
    job = _project(erp, "milestone")
    done = erp.create(
        "projectTask",
        {
            "title": "Design signed off",
            "company": {"id": job},
            "isMilestone": True,
            "status": {"id": "COMPLETE"},
            "amount": "5000",
        },
    )
    later = erp.create(
        "projectTask", {"title": "Go-live", "company": {"id": job}, "isMilestone": True, "amount": "8000"}
    )
    erp.time(customer={"id": job})  # time on a milestone project is not billed
    invoice = _invoice(erp, erp.bill(job))
    assert [(i["projectTask"]["id"], i["description"], i["amount"]) for i in invoice["item"]["items"]] == [
        (done, "Design signed off", 5000.0)
    ]
    assert invoice["time"]["items"] == []
    assert error(erp.bill(job)) == NO_LINES
    assert erp.patch("projectTask", later, {"status": {"id": "COMPLETE"}}).status_code == 204
    assert _invoice(erp, erp.bill(job))["total"] == 8000.0
    billed = error(erp.patch("projectTask", done, {"amount": "1"}))
    assert billed == {
        "detail": "The milestone Design signed off has been billed and can no longer be changed.",
        "o:errorCode": "USER_ERROR",
    }


def test_fixed_fee_project_bills_expenses_but_not_time(erp: Erp) -> None:
    erp.time(customer={"id": "7"})
    assert error(erp.bill("7")) == NO_LINES
    erp.create(
        "expenseReport",
        {
            "entity": {"id": "2"},
            "tranDate": "2026-10-08",
            "expense": {"items": [{"amount": "80", "customer": {"id": "7"}, "isBillable": True, "category": "Hotel"}]},
        },
    )
    invoice = _invoice(erp, erp.bill("7"))
    assert ([c["memo"] for c in invoice["expCost"]["items"]], invoice["time"]["items"]) == (["Hotel"], [])


def test_transform_of_an_unknown_project_is_404(erp: Erp) -> None:
    detail = error(erp.bill("999"), 404)
    assert detail["o:errorCode"] == "NONEXISTENT_ID"


# -- numbers, periods --------------------------------------------------------------------------------------------
def test_tran_id_is_unique_among_invoices(erp: Erp) -> None:
    erp.time(tranDate="2026-10-01")
    assert erp.bill(body={"tranId": "INV-9"}).status_code == 204
    erp.time(tranDate="2026-10-02")
    assert error(erp.bill(body={"tranId": "INV-9"})) == {
        "detail": "The transaction number INV-9 is already used by another invoice. Enter a unique transaction number.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "tranId",
    }
    direct = {"entity": {"id": CUSTOMER}, "tranId": "INV-9", "item": {"items": [{"item": {"id": "1"}}]}}
    assert error(erp.client.post(f"{RECORD}/invoice", json=direct))["o:errorPath"] == "tranId"
    assert len(erp.state("invoice")) == 1


def test_ar_locked_period_refuses_invoices_but_takes_time(erp: Erp) -> None:
    erp.state_change("accounting period 2026-10 is locked for AR")
    erp.time(tranDate="2026-10-20")
    assert error(erp.bill()) == {
        "detail": "The transaction date 2026-10-30 falls in the accounting period Oct 2026, which is locked for "
        "accounts receivable. Posting is not allowed by your NetSuite settings.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "tranDate",
    }
    assert erp.state("invoice") == []


def test_closed_period_refuses_an_invoice_dated_in_it(erp: Erp) -> None:
    body = {"entity": {"id": CUSTOMER}, "tranDate": "2026-09-30", "item": {"items": [{"item": {"id": "1"}}]}}
    detail = error(erp.client.post(f"{RECORD}/invoice", json=body))
    assert detail["detail"] == (
        "The transaction date 2026-09-30 falls in the closed accounting period Sep 2026. "
        "Posting is not allowed by your NetSuite settings."
    )


def test_redate_policy_posts_an_invoice_in_a_locked_period_to_the_first_open_one(erp: Erp) -> None:
    erp.settings(closed_period_policy="redate_to_first_open")
    erp.state_change("accounting period 2026-10 is AR locked")
    erp.time(tranDate="2026-10-20")
    invoice = _invoice(erp, erp.bill())
    assert (invoice["tranDate"], invoice["postingPeriod"]["refName"]) == ("2026-10-30", "Nov 2026")


# -- direct invoices, changes --------------------------------------------------------------------------------------
def test_direct_invoice_with_item_lines(erp: Erp) -> None:
    body = {
        "entity": {"id": "10"},
        "externalId": "crm-inv-1",
        "item": {
            "items": [
                {"item": {"id": "2"}, "quantity": "3"},
                {"item": {"id": "5"}, "rate": "1000", "description": "Kick-off"},
            ]
        },
    }
    invoice_id = erp.create("invoice", body)
    invoice = erp.get("invoice", "eid:crm-inv-1")
    assert invoice["id"] == invoice_id
    assert [(i["item"]["id"], i["quantity"], i["rate"], i["amount"]) for i in invoice["item"]["items"]] == [
        ("2", 3.0, 190.0, 570.0),
        ("5", 1.0, 1000.0, 1000.0),
    ]
    assert (invoice["total"], invoice["dueDate"]) == (1570.0, "2026-12-14")  # Net 45


def test_direct_invoice_refusals(erp: Erp) -> None:
    def post(**body: Any) -> Any:
        return erp.client.post(f"{RECORD}/invoice", json={"entity": {"id": CUSTOMER}, **body})

    assert error(post(item={"items": []})) == NO_LINES
    no_rate = error(post(item={"items": [{"item": {"id": "5"}}]}))
    assert no_rate == {
        "detail": "Line 1 needs a rate: its item has none.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].rate",
    }
    foreign = error(post(job={"id": "2"}, item={"items": [{"item": {"id": "1"}}]}))
    assert foreign == {
        "detail": "Invalid value for field job: project 2 belongs to another customer.",
        "o:errorCode": "INVALID_CONTENT",
        "o:errorPath": "job",
    }


def test_invoice_patch_changes_the_header_and_delete_unbills_its_work(erp: Erp) -> None:
    bill = erp.time(hours="4")
    invoice_id = _invoice(erp, erp.bill())["id"]
    assert erp.patch("invoice", invoice_id, {"memo": "October", "tranId": "OCT-1"}).status_code == 204
    assert (erp.get("invoice", invoice_id)["memo"], erp.get("invoice", invoice_id)["tranId"]) == ("October", "OCT-1")
    assert error(erp.patch("timeBill", bill, {"hours": "5"}))["detail"] == (
        "This time entry has been billed on invoice OCT-1 and can no longer be changed."
    )
    assert erp.client.delete(f"{RECORD}/invoice/{invoice_id}").status_code == 204
    assert erp.get("customer", CUSTOMER)["unbilledOrders"] == 400.0
    assert erp.patch("timeBill", bill, {"hours": "5"}).status_code == 204


# -- payments ------------------------------------------------------------------------------------------------------
def _two_invoices(erp: Erp) -> tuple[str, str]:
    erp.time(tranDate="2026-10-01", hours="1")
    first = _invoice(erp, erp.bill(body={"tranDate": "2026-10-01"}))["id"]
    erp.time(tranDate="2026-10-02", hours="2")
    second = _invoice(erp, erp.bill(body={"tranDate": "2026-10-02"}))["id"]
    return first, second


def test_payment_without_apply_pays_the_oldest_due_first(erp: Erp) -> None:
    first, second = _two_invoices(erp)  # 100.00 and 200.00
    payment = erp.create("customerPayment", {"customer": {"id": CUSTOMER}, "payment": "150"})
    doc = erp.get("customerPayment", payment)
    assert [(a["doc"]["id"], a["amount"]) for a in doc["apply"]["items"]] == [(first, 100.0), (second, 50.0)]
    assert (doc["applied"], doc["unapplied"]) == (150.0, 0.0)
    assert erp.get("invoice", first)["status"]["refName"] == "Paid In Full"
    assert (erp.get("invoice", second)["amountRemaining"], erp.get("customer", CUSTOMER)["balance"]) == (150.0, 150.0)
    [event] = erp.events("payment.applied")
    assert event["payload"]["applied"] == [
        {
            "invoice": {"id": first, "tranId": "INV000001"},
            "amount": "100.00",
            "amountRemaining": "0.00",
            "status": "paidInFull",
        },
        {
            "invoice": {"id": second, "tranId": "INV000002"},
            "amount": "50.00",
            "amountRemaining": "150.00",
            "status": "open",
        },
    ]


def test_payment_applied_to_a_named_invoice_keeps_the_rest_unapplied(erp: Erp) -> None:
    _, second = _two_invoices(erp)
    body = {"customer": {"id": CUSTOMER}, "payment": "500", "apply": {"items": [{"doc": {"id": second}}]}}
    doc = erp.get("customerPayment", erp.create("customerPayment", body))
    assert (doc["applied"], doc["unapplied"]) == (200.0, 300.0)
    # Balance: 100 open on the first invoice minus 300 of unapplied credit.
    assert erp.get("customer", CUSTOMER)["balance"] == -200.0


@pytest.mark.parametrize(
    ("apply", "detail", "path"),
    [
        (
            [{"doc": {"id": "1"}, "amount": "150"}],
            "The amount applied to invoice INV000001 (150.00) exceeds its amount due (100.00).",
            "apply.items[0].amount",
        ),
        (
            [{"doc": {"id": "2"}, "amount": "200"}, {"doc": {"id": "1"}, "amount": "100"}],
            "The total amount applied exceeds the payment amount 250.00.",
            "apply.items[1].amount",
        ),
        ([{"doc": {"id": "1"}}, {"doc": {"id": "1"}}], "Invoice INV000001 is applied twice.", "apply.items[1].doc"),
    ],
)
def test_payment_refusals(erp: Erp, apply: list[dict[str, Any]], detail: str, path: str) -> None:
    _two_invoices(erp)
    body = {"customer": {"id": CUSTOMER}, "payment": "250", "apply": {"items": apply}}
    assert error(erp.client.post(f"{RECORD}/customerPayment", json=body)) == {
        "detail": detail,
        "o:errorCode": "USER_ERROR",
        "o:errorPath": path,
    }
    assert erp.state("customerPayment") == []


def test_payment_for_another_customers_invoice_is_invalid_content(erp: Erp) -> None:
    first, _ = _two_invoices(erp)
    body = {"customer": {"id": "10"}, "payment": "10", "apply": {"items": [{"doc": {"id": first}}]}}
    assert error(erp.client.post(f"{RECORD}/customerPayment", json=body)) == {
        "detail": "Invalid value for field apply.items[0].doc: invoice INV000001 belongs to another customer.",
        "o:errorCode": "INVALID_CONTENT",
        "o:errorPath": "apply.items[0].doc",
    }


def test_deleting_a_payment_reopens_its_invoices_and_a_paid_invoice_cannot_be_deleted(erp: Erp) -> None:
    first, _ = _two_invoices(erp)
    payment = erp.create("customerPayment", {"customer": {"id": CUSTOMER}, "payment": "100"})
    assert error(erp.client.delete(f"{RECORD}/invoice/{first}")) == {
        "detail": "The invoice INV000001 cannot be deleted because payments are applied to it.",
        "o:errorCode": "USER_ERROR",
    }
    assert erp.patch("customerPayment", payment, {"memo": "wire 123"}).status_code == 204
    assert erp.client.delete(f"{RECORD}/customerPayment/{payment}").status_code == 204
    assert (erp.get("invoice", first)["status"]["id"], erp.get("customer", CUSTOMER)["balance"]) == ("A", 300.0)


def test_payment_dated_in_an_ar_locked_period_is_refused(erp: Erp) -> None:
    _two_invoices(erp)
    erp.state_change("accounting period 2026-10 is AR locked")
    detail = error(erp.client.post(f"{RECORD}/customerPayment", json={"customer": {"id": CUSTOMER}, "payment": "1"}))
    assert "locked for accounts receivable" in detail["detail"]


# -- events -------------------------------------------------------------------------------------------------------
def test_invoice_created_event(erp: Erp) -> None:
    erp.time()
    invoice_id = _invoice(erp, erp.bill(body={"externalId": "inv-ext"}))["id"]
    [event] = erp.events("invoice.created")
    assert (event["subject_type"], event["subject_id"]) == ("invoice", invoice_id)
    assert event["payload"] == {
        "invoice": {"id": invoice_id, "tranId": "INV000001", "externalId": "inv-ext"},
        "customer": {"id": CUSTOMER, "externalId": "CUST-00001"},
        "job": {"id": PROJECT},
        "total": "200.00",
        "currency": "EUR",
        "tranDate": "2026-10-30",
        "dueDate": "2026-11-29",
        "postingPeriod": "13",
        "lines": 1,
        "creditWarning": False,
    }
