"""Expenses and invoices: billing eligibility (approved, billable, not yet billed), cancel versus delete."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def _invoice(client: TestClient, **fields: Any) -> Any:
    return client.post(f"{API}/invoices.json", json={"invoice": {"workspace_ids": [2001]} | fields})


# -- expenses ------------------------------------------------------------------------------------------------
def test_log_an_expense(psa: Any) -> None:
    part = psa.participation()
    expense = psa.expense(part, notes="Flight", reimbursable=True)
    assert expense | {"created_at": None, "updated_at": None} == {
        "id": "1",
        "workspace_id": "2001",
        "user_id": part["user_id"],
        "date": "2026-10-27",
        "category": "Travel",
        "notes": "Flight",
        "amount_in_cents": 12_500,
        "currency": "EUR",
        "is_billable": True,
        "is_invoiced": False,
        "invoice_id": None,
        "reimbursable": True,
        "story_id": None,
        "created_at": None,
        "updated_at": None,
    }
    assert [e["event_type"] for e in psa.events()] == ["expense:created"]


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"workspace_id": 9999}, "Workspace 9999 does not exist", "workspace_id"),
        (
            {"date": "2001-01-01"},
            "2001-01-01 is outside the assignment of user {user} to workspace 2001 ({start} to open)",
            "date",
        ),
        ({"amount_in_cents": -1}, "Amount in cents must be greater than or equal to 0", "amount_in_cents"),
        ({"story_id": 77}, "Story 77 does not exist", "story_id"),
    ],
)
def test_expense_validation(
    psa: Any, client: TestClient, refused: Any, overrides: dict[str, Any], message: str, field: str
) -> None:
    part = psa.participation()
    body = {"workspace_id": 2001, "user_id": part["user_id"], "date": "2026-10-27", "amount_in_cents": 100} | overrides
    resp = client.post(f"{API}/expenses.json", json={"expense": body})
    refused(resp, 422, "validation", message.format(user=part["user_id"], start=part["start_date"]), field)


def test_expenses_need_a_participation_and_an_open_workspace(psa: Any, client: TestClient, refused: Any) -> None:
    part = psa.participation()
    staffed = {
        p["user_id"]
        for p in client.get(f"{API}/participations.json", params={"workspace_id": 2001})
        .json()["participations"]
        .values()
    }
    outsider = next(str(u) for u in range(1001, 1017) if str(u) not in staffed)
    body = {"workspace_id": 2001, "user_id": outsider, "date": "2026-10-27", "amount_in_cents": 100}
    refused(
        client.post(f"{API}/expenses.json", json={"expense": body}),
        422,
        "validation",
        f"User {outsider} is not a participant in workspace 2001",
        "user_id",
    )
    psa.put("workspaces/2001", "workspace", status_key="on_hold")
    body["user_id"] = part["user_id"]
    refused(
        client.post(f"{API}/expenses.json", json={"expense": body}),
        422,
        "validation",
        "Workspace 2001 is on hold; expenses cannot be logged",
        "workspace_id",
    )


def test_an_invoiced_expense_is_locked(psa: Any, client: TestClient, refused: Any) -> None:
    expense = psa.expense(psa.participation())
    assert psa.put(f"expenses/{expense['id']}", "expense", amount_in_cents=13_000).status_code == 200
    assert _invoice(client, expense_ids=[expense["id"]]).status_code == 200
    message = "Expense is locked because it is on invoice 1"
    refused(psa.put(f"expenses/{expense['id']}", "expense", notes="x"), 422, "validation", message)
    refused(client.delete(f"{API}/expenses/{expense['id']}.json"), 422, "validation", message)
    assert [e["payload_changes"] for e in psa.events(event_types="expense:updated")] == [
        {"amount_in_cents": [12_500, 13_000]},
        {"invoice_id": [None, "1"]},
    ]


def test_expense_list_filters_and_delete(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    billable, internal = psa.expense(part), psa.expense(part, is_billable=False)

    def ids(**params: Any) -> list[str]:
        return [r["id"] for r in client.get(f"{API}/expenses.json", params=params).json()["results"]]

    assert ids(is_billable="true") == [billable["id"]]
    assert ids(is_invoiced="false", workspace_id=2001) == [billable["id"], internal["id"]]
    doc = client.get(f"{API}/expenses.json", params={"optional_fields": "billing_eligible"}).json()
    assert [x["billing_eligible"] for x in doc["expenses"].values()] == [True, False]
    assert client.delete(f"{API}/expenses/{internal['id']}.json").status_code == 204
    assert ids() == [billable["id"]]


# -- invoices ------------------------------------------------------------------------------------------------
def test_draft_an_invoice_from_approved_time_and_expenses(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    entries = psa.approved(part, psa.entry(part), psa.entry(part, time_in_minutes=60))
    expense = psa.expense(part)
    resp = _invoice(
        client,
        time_entry_ids=[e["id"] for e in entries],
        expense_ids=[expense["id"]],
        payment_schedule=45,
        message="Oct",
    )
    assert resp.status_code == 200
    invoice = resp.json()["invoices"]["1"]
    rate = entries[0]["rate_in_cents"]
    assert invoice | {"created_at": None, "updated_at": None} == {
        "id": "1",
        "user_invoice_number": 1,
        "title": "Draft Invoice #1",
        "workspace_ids": ["2001"],
        "time_entry_ids": ["1", "2"],
        "expense_ids": ["1"],
        "currency": "EUR",
        "invoice_date": "2026-10-30",
        "due_date": "2026-12-14",
        "payment_schedule": 45,
        "draft": True,
        "status": "new",
        "message": "Oct",
        "purchase_order": None,
        "balance_in_cents": rate * 150 // 60 + 12_500,
        "created_at": None,
        "updated_at": None,
    }
    assert [psa.get_entry(e["id"])["is_invoiced"] for e in entries] == [True, True]
    assert psa.get_entry("1")["invoice_id"] == "1"
    eligible = client.get(
        f"{API}/time_entries.json", params={"approved": "true", "billable": "true", "is_invoiced": "false"}
    )
    assert eligible.json()["count"] == 0
    assert [e["event_type"] for e in psa.events()][-1] == "invoice:created"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("unapproved", "Time entry 1 is not approved"),
        ("non_billable", "Time entry 1 is not billable"),
        ("invoiced", "Time entry 1 is already on invoice 1"),
    ],
)
def test_only_eligible_time_can_be_invoiced(
    psa: Any, client: TestClient, refused: Any, state: str, message: str
) -> None:
    part = psa.participation()
    if state == "unapproved":
        psa.create(psa.entry(part))
    else:
        psa.approved(part, psa.entry(part, billable=state != "non_billable"))
    if state == "invoiced":
        assert _invoice(client, time_entry_ids=["1"]).status_code == 200
    refused(_invoice(client, time_entry_ids=["1"]), 422, "validation", message, "time_entry_ids")


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"workspace_ids": []}, "Workspace ids can't be blank", "workspace_ids"),
        ({"workspace_ids": [9999], "time_entry_ids": [1]}, "Workspace 9999 does not exist", "workspace_ids"),
        ({}, "An invoice needs at least one line item", "time_entry_ids"),
        ({"time_entry_ids": [42]}, "Time entry 42 does not exist", "time_entry_ids"),
        ({"expense_ids": [42]}, "Expense 42 does not exist", "expense_ids"),
    ],
)
def test_invoice_validation(client: TestClient, refused: Any, fields: dict[str, Any], message: str, field: str) -> None:
    refused(_invoice(client, **fields), 422, "validation", message, field)


def test_an_invoice_covers_workspaces_of_one_currency(psa: Any, client: TestClient, refused: Any) -> None:
    workspaces = client.get(f"{API}/workspaces.json").json()["workspaces"]
    currency = workspaces["2001"]["currency"]
    other = next(w for w, ws in workspaces.items() if ws["currency"] != currency)
    refused(
        _invoice(client, workspace_ids=[2001, int(other)], time_entry_ids=[1]),
        422,
        "validation",
        "The workspaces of an invoice must share one currency",
        "workspace_ids",
    )
    part = psa.participation(workspace_id=int(other))
    psa.approved(part)
    refused(
        _invoice(client, time_entry_ids=[1]),
        422,
        "validation",
        "Time entry 1 is not in the invoice's workspaces",
        "time_entry_ids",
    )


def test_cancel_keeps_the_invoice_and_releases_its_items(psa: Any, client: TestClient, refused: Any) -> None:
    (entry,) = psa.approved(psa.participation())
    _invoice(client, time_entry_ids=[entry["id"]], draft=False)
    refused(
        client.delete(f"{API}/invoices/1.json"),
        422,
        "validation",
        "Invoice 1 has been sent; cancel it instead of deleting it",
    )
    resp = client.put(f"{API}/invoices/1/cancel.json")
    assert resp.json()["invoices"]["1"]["status"] == "cancelled"
    assert client.get(f"{API}/invoices/1.json").status_code == 200, "a cancelled invoice is kept"
    assert psa.get_entry(entry["id"])["is_invoiced"] is False
    refused(client.put(f"{API}/invoices/1/cancel.json"), 422, "validation", "Invoice 1 is already cancelled")
    refused(psa.put("invoices/1", "invoice", message="x"), 422, "validation", "Invoice 1 is cancelled")
    assert _invoice(client, time_entry_ids=[entry["id"]]).json()["invoices"]["2"]["user_invoice_number"] == 2
    assert client.delete(f"{API}/invoices/1.json").status_code == 204
    refused(client.get(f"{API}/invoices/1.json"), 404, "system", "Couldn't find Invoice with 'id'=1")


def test_delete_a_draft_releases_its_items(psa: Any, client: TestClient) -> None:
    (entry,) = psa.approved(psa.participation())
    _invoice(client, time_entry_ids=[entry["id"]])
    assert client.delete(f"{API}/invoices/1.json").status_code == 204
    assert psa.get_entry(entry["id"])["invoice_id"] is None
    assert [e["event_type"] for e in psa.events()][-2:] == ["time_entry:updated", "invoice:deleted"]


def test_send_an_invoice_and_never_back_to_draft(psa: Any, client: TestClient, refused: Any) -> None:
    (entry,) = psa.approved(psa.participation())
    _invoice(client, time_entry_ids=[entry["id"]])
    sent = psa.put("invoices/1", "invoice", draft=False, purchase_order="PO-7")
    assert (sent.json()["invoices"]["1"]["title"], sent.json()["invoices"]["1"]["purchase_order"]) == (
        "Invoice #1",
        "PO-7",
    )
    refused(
        psa.put("invoices/1", "invoice", draft=True),
        422,
        "validation",
        "Invoice 1 has been sent; it cannot become a draft again",
        "draft",
    )


def test_invoice_list_filters_and_includes(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    (entry,) = psa.approved(part)
    expense = psa.expense(part)
    _invoice(client, time_entry_ids=[entry["id"]], expense_ids=[expense["id"]])
    doc = client.get(
        f"{API}/invoices.json",
        params={"workspace_id": 2001, "draft": "true", "include": "time_entries,expenses,workspaces"},
    ).json()
    assert doc["count"] == 1
    assert (list(doc["time_entries"]), list(doc["expenses"]), list(doc["workspaces"])) == (["1"], ["1"], ["2001"])
    assert client.get(f"{API}/invoices.json", params={"status": "cancelled"}).json()["count"] == 0


def test_a_retried_expense_post_duplicates_but_a_retried_invoice_finds_its_items_taken(
    psa: Any, client: TestClient, refused: Any
) -> None:
    part = psa.participation()
    first, second = psa.expense(part), psa.expense(part)
    assert (first["id"], second["id"]) == ("1", "2"), "no idempotency key: a retry is a second expense"
    (entry,) = psa.approved(part)
    assert _invoice(client, time_entry_ids=[entry["id"]]).status_code == 200
    refused(
        _invoice(client, time_entry_ids=[entry["id"]]),
        422,
        "validation",
        f"Time entry {entry['id']} is already on invoice 1",
        "time_entry_ids",
    )
