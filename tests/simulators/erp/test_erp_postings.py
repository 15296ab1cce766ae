"""Time and expense postings beyond create/upsert: every timeBill reference field, PATCH, expense reports."""

from __future__ import annotations

from typing import Any

import pytest
from erp_wire import PROJECT, RECORD, Erp, error


def _report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "entity": {"id": "2"},
        "tranDate": "2026-10-09",
        "memo": "Client visit",
        "expense": {
            "items": [
                {"amount": "120.456", "category": "Hotel", "customer": {"id": PROJECT}, "isBillable": True},
                {"amount": "9.5", "memo": "Coffee"},
            ]
        },
    }
    body.update(overrides)
    return body


def test_time_bill_reference_fields_round_trip(erp: Erp) -> None:
    task = erp.create("projectTask", {"title": "Build", "company": {"id": PROJECT}})
    bill_id = erp.time(
        item={"id": "2"},
        caseTaskEvent={"id": task},
        subsidiary={"id": "3"},
        overrideRate=True,
        supervisorApproval=True,
        rejectionNote="n/a",
    )
    bill = erp.get("timeBill", bill_id)
    assert (bill["item"]["id"], bill["item"]["refName"]) == ("2", "Senior Consultant")
    assert (bill["caseTaskEvent"]["id"], bill["caseTaskEvent"]["refName"]) == (task, "Build")
    assert bill["caseTaskEvent"]["links"][0]["href"].endswith(f"/projectTask/{task}")
    assert (bill["subsidiary"]["refName"], bill["overrideRate"], bill["supervisorApproval"]) == (
        "Honeycomb GmbH",
        True,
        True,
    )
    assert bill["rejectionNote"] == "n/a"


def test_time_bill_subsidiary_defaults_to_the_employees(erp: Erp) -> None:
    assert erp.get("timeBill", erp.time())["subsidiary"]["id"] == "1"


@pytest.mark.parametrize(
    ("fields", "detail", "path"),
    [
        ({"item": {"id": "99"}}, "Invalid value for field item: no service item with internal id 99.", "item"),
        (
            {"caseTaskEvent": {"id": "99"}},
            "Invalid value for field caseTaskEvent: no project task with internal id 99.",
            "caseTaskEvent",
        ),
        (
            {"subsidiary": {"id": "99"}},
            "Invalid value for field subsidiary: no subsidiary with internal id 99.",
            "subsidiary",
        ),
    ],
)
def test_bad_time_bill_references(erp: Erp, fields: dict[str, Any], detail: str, path: str) -> None:
    response = erp.client.post(
        f"{RECORD}/timeBill",
        json={"employee": {"id": "1"}, "customer": {"id": PROJECT}, "hours": "1", "tranDate": "2026-10-01", **fields},
    )
    assert error(response) == {"detail": detail, "o:errorCode": "INVALID_CONTENT", "o:errorPath": path}


def test_task_of_another_project_is_refused(erp: Erp) -> None:
    task = erp.create("projectTask", {"title": "Elsewhere", "company": {"id": "2"}})
    response = erp.client.post(
        f"{RECORD}/timeBill",
        json={
            "employee": {"id": "1"},
            "customer": {"id": PROJECT},
            "hours": "1",
            "tranDate": "2026-10-01",
            "caseTaskEvent": {"id": task},
        },
    )
    assert error(response)["detail"] == (
        f"Invalid value for field caseTaskEvent: project task {task} does not belong to the project {PROJECT}."
    )


def test_patch_changes_only_the_given_fields(erp: Erp) -> None:
    bill_id = erp.time(memo="first", hours="2")
    assert erp.patch("timeBill", bill_id, {"hours": "3.333", "memo": None}).status_code == 204
    bill = erp.get("timeBill", bill_id)
    assert (bill["hours"], bill["memo"], bill["rate"], bill["tranDate"]) == (3.33, None, 100.0, "2026-10-15")


def test_patch_moving_a_posting_into_a_closed_period_is_refused(erp: Erp) -> None:
    bill_id = erp.time()
    detail = error(erp.patch("timeBill", bill_id, {"tranDate": "2026-09-01"}))
    assert detail["detail"].startswith("The transaction date 2026-09-01 falls in the closed accounting period Sep")
    assert erp.get("timeBill", bill_id)["tranDate"] == "2026-10-15"


def test_patch_cannot_null_the_hours(erp: Erp) -> None:
    assert error(erp.patch("timeBill", erp.time(), {"hours": None}))["o:errorPath"] == "hours"


def test_expense_report_lifecycle(erp: Erp) -> None:
    report_id = erp.create("expenseReport", {**_report(), "externalId": "psa-exp-1"})
    report = erp.get("expenseReport", "eid:psa-exp-1")
    assert (report["id"], report["tranId"], report["total"], report["memo"]) == (
        report_id,
        f"ER{report_id}",
        129.96,
        "Client visit",
    )
    assert report["postingPeriod"]["refName"] == "Oct 2026"
    assert [(x["line"], x["amount"], x["isBillable"], x["isBilled"]) for x in report["expense"]["items"]] == [
        (1, 120.46, True, False),
        (2, 9.5, False, False),
    ]
    assert erp.get("customer", "9")["unbilledOrders"] == 120.46
    assert erp.patch("expenseReport", report_id, {"expense": {"items": [{"amount": "10"}]}}).status_code == 204
    assert (erp.get("expenseReport", report_id)["total"], erp.get("customer", "9")["unbilledOrders"]) == (10.0, 0.0)
    assert erp.client.delete(f"{RECORD}/expenseReport/{report_id}").status_code == 204


def test_expense_report_refusals(erp: Erp) -> None:
    def post(**overrides: Any) -> Any:
        return erp.client.post(f"{RECORD}/expenseReport", json=_report(**overrides))

    assert error(post(expense={"items": []})) == {
        "detail": "You must enter at least one line item for this transaction.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "expense",
    }
    assert error(post(expense={"items": [{"amount": "5", "isBillable": True}]})) == {
        "detail": "Expense line 1 is billable but names no customer or project.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "expense.items[0].customer",
    }
    assert (
        error(post(entity={"id": "999"}))["detail"]
        == "Invalid value for field entity: no employee with internal id 999."
    )
    closed = error(post(tranDate="2026-09-09"))
    assert closed["detail"].startswith("The transaction date 2026-09-09 falls in the closed accounting period")


def test_billed_expense_report_cannot_change(erp: Erp) -> None:
    report_id = erp.create("expenseReport", _report())
    assert erp.bill().status_code == 204
    assert error(erp.client.delete(f"{RECORD}/expenseReport/{report_id}"))["detail"].startswith(
        "This expense report has been billed on invoice INV000001"
    )
    assert [x["isBilled"] for x in erp.get("expenseReport", report_id)["expense"]["items"]] == [True, False]
