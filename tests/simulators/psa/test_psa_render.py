"""The hand-built renderers match the documented record models, and every operation is served and documented."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from simulators.psa.schemas import records as out

API = "/api/v1"
MODELS: dict[str, type[BaseModel]] = {
    "users": out.UserOut,
    "roles": out.RoleOut,
    "rate_cards": out.RateCardOut,
    "rate_card_roles": out.RateCardRoleOut,
    "workspaces": out.WorkspaceOut,
    "stories": out.StoryOut,
    "participations": out.ParticipationOut,
    "time_entries": out.TimeEntryOut,
    "timesheet_submissions": out.TimesheetSubmissionOut,
    "resolutions": out.ResolutionOut,
    "expenses": out.ExpenseOut,
    "invoices": out.InvoiceOut,
    "external_references": out.ExternalReferenceOut,
    "subscribed_events": out.SubscribedEventOut,
}
OPERATIONS = {
    ("GET", "/users"),
    ("GET", "/users/{user_id}"),
    ("GET", "/roles"),
    ("GET", "/rate_cards"),
    ("GET", "/rate_cards/{rate_card_id}"),
    ("GET", "/rate_card_roles"),
    ("GET", "/workspaces"),
    ("POST", "/workspaces"),
    ("GET", "/workspaces/{workspace_id}"),
    ("PUT", "/workspaces/{workspace_id}"),
    ("GET", "/participations"),
    ("POST", "/participations"),
    ("GET", "/participations/{participation_id}"),
    ("PUT", "/participations/{participation_id}"),
    ("GET", "/stories"),
    ("POST", "/stories"),
    ("GET", "/stories/{story_id}"),
    ("PUT", "/stories/{story_id}"),
    ("DELETE", "/stories/{story_id}"),
    ("GET", "/time_entries"),
    ("POST", "/time_entries"),
    ("GET", "/time_entries/{entry_id}"),
    ("PUT", "/time_entries/{entry_id}"),
    ("DELETE", "/time_entries/{entry_id}"),
    ("GET", "/timesheet_submissions"),
    ("POST", "/timesheet_submissions"),
    ("GET", "/timesheet_submissions/{submission_id}"),
    ("PUT", "/timesheet_submissions/{submission_id}/approve"),
    ("PUT", "/timesheet_submissions/{submission_id}/reject"),
    ("PUT", "/timesheet_submissions/{submission_id}/cancel"),
    ("POST", "/timesheet_approvals"),
    ("POST", "/timesheet_rejections"),
    ("POST", "/timesheet_cancellations"),
    ("GET", "/expenses"),
    ("POST", "/expenses"),
    ("GET", "/expenses/{expense_id}"),
    ("PUT", "/expenses/{expense_id}"),
    ("DELETE", "/expenses/{expense_id}"),
    ("GET", "/invoices"),
    ("POST", "/invoices"),
    ("GET", "/invoices/{invoice_id}"),
    ("PUT", "/invoices/{invoice_id}"),
    ("PUT", "/invoices/{invoice_id}/cancel"),
    ("DELETE", "/invoices/{invoice_id}"),
    ("GET", "/external_references"),
    ("POST", "/external_references/create_or_update"),
    ("DELETE", "/external_references/{reference_id}"),
    ("GET", "/subscribed_events"),
}


@pytest.fixture
def busy(psa: Any, client: TestClient) -> TestClient:
    """A tenant with one record of every type."""
    part = psa.participation()
    client.post(f"{API}/stories.json", json={"story": {"workspace_id": 2001, "title": "M1", "story_type": "milestone"}})
    (entry,) = psa.approved(part, psa.entry(part, story_id=1))
    expense = psa.expense(part)
    invoice = {"invoice": {"workspace_ids": [2001], "time_entry_ids": [entry["id"]], "expense_ids": [expense["id"]]}}
    assert client.post(f"{API}/invoices.json", json=invoice).status_code == 200
    ref = {
        "subject_type": "Invoice",
        "subject_id": 1,
        "service_name": "ns",
        "service_model": "invoice",
        "service_model_ref": "9",
    }
    assert (
        client.post(f"{API}/external_references/create_or_update.json", json={"external_reference": ref}).status_code
        == 200
    )
    return client


def test_the_openapi_document_has_every_operation(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    served = {
        (method.upper(), path.removeprefix(API).removesuffix(".json"))
        for path, item in doc["paths"].items()
        if path.startswith(API)
        for method in item
    }
    assert served == OPERATIONS
    api_operations = {
        op["operationId"] for path, item in doc["paths"].items() if path.startswith(API) for op in item.values()
    }
    assert len(api_operations) == len(OPERATIONS)
    assert doc["paths"]["/oauth/token"]["post"]["operationId"] == "issueToken"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("users", {"include": "role,external_references"}),
        ("roles", {}),
        ("rate_cards", {"include": "rate_card_roles"}),
        ("rate_card_roles", {"include": "role,rate_card"}),
        ("workspaces", {"include": "participations,participants,stories,rate_card,external_references"}),
        (
            "stories",
            {
                "include": "workspace,parent,sub_stories,external_references",
                "optional_fields": "logged_billable_time_in_minutes",
            },
        ),
        ("participations", {"include": "user,workspace,role,external_references"}),
        (
            "time_entries",
            {
                "include": "user,workspace,story,active_submission,invoice,external_references",
                "optional_fields": "billing_eligible,user_can_edit",
            },
        ),
        ("timesheet_submissions", {"include": "user,workspace,time_entries,resolutions,external_references"}),
        (
            "expenses",
            {"include": "user,workspace,story,invoice,external_references", "optional_fields": "billing_eligible"},
        ),
        ("invoices", {"include": "time_entries,expenses,workspaces,external_references"}),
        ("external_references", {"subject_type": "Invoice", "include": "subject"}),
        ("subscribed_events", {"include": "subject"}),
    ],
)
def test_every_record_in_every_map_matches_its_model(busy: TestClient, path: str, params: dict[str, str]) -> None:
    resp = busy.get(f"{API}/{path}.json", params={"per_page": 200} | params)
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["count"] >= 1
    for key, records in doc.items():
        if key in ("count", "results", "meta"):
            continue
        model = MODELS[key]
        for record in records.values():
            model.model_validate(record)
            assert set(record) <= set(model.model_fields), (key, set(record) - set(model.model_fields))


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("users/1001", "users"),
        ("rate_cards/1", "rate_cards"),
        ("workspaces/2001", "workspaces"),
        ("participations/5001", "participations"),
        ("stories/1", "stories"),
        ("time_entries/1", "time_entries"),
        ("timesheet_submissions/1", "timesheet_submissions"),
        ("expenses/1", "expenses"),
        ("invoices/1", "invoices"),
    ],
)
def test_every_read_answers_with_one_record(busy: TestClient, path: str, key: str) -> None:
    doc = busy.get(f"{API}/{path}.json").json()
    assert doc["results"] == [{"key": key, "id": path.rsplit("/", 1)[1]}]
    assert doc["meta"] == {"count": 1, "page_count": 1, "page_number": 1, "page_size": 1}


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("users/9", "User"),
        ("rate_cards/9", "RateCard"),
        ("participations/9", "Participation"),
        ("stories/9", "Story"),
        ("expenses/9", "Expense"),
        ("invoices/x", "Invoice"),
    ],
)
def test_every_read_of_a_missing_record_is_a_404(client: TestClient, refused: Any, path: str, label: str) -> None:
    refused(
        client.get(f"{API}/{path}.json"), 404, "system", f"Couldn't find {label} with 'id'={path.rsplit('/', 1)[1]}"
    )


@pytest.mark.parametrize(
    "path",
    [
        "users",
        "roles",
        "rate_cards",
        "rate_card_roles",
        "workspaces",
        "participations",
        "stories",
        "time_entries",
        "timesheet_submissions",
        "expenses",
        "invoices",
        "external_references",
        "subscribed_events",
    ],
)
def test_every_list_caps_per_page_at_200(client: TestClient, refused: Any, path: str) -> None:
    params = {"per_page": 201, "subject_type": "TimeEntry"}
    refused(
        client.get(f"{API}/{path}.json", params=params),
        422,
        "validation",
        "per_page must be less than or equal to 200",
        "per_page",
    )
    assert client.get(f"{API}/{path}.json", params=params | {"per_page": 200}).status_code == 200


WRITES = [
    ("POST", "workspaces", "workspace", "Workspace"),
    ("PUT", "workspaces/2001", "workspace", "Workspace"),
    ("POST", "participations", "participation", "Participation"),
    ("PUT", "participations/5001", "participation", "Participation"),
    ("POST", "stories", "story", "Story"),
    ("PUT", "stories/1", "story", "Story"),
    ("POST", "time_entries", "time_entry", "Time entry"),
    ("PUT", "time_entries/1", "time_entry", "Time entry"),
    ("POST", "timesheet_submissions", "timesheet_submission", "Timesheet submission"),
    ("POST", "timesheet_approvals", "resolution", "Resolution"),
    ("POST", "timesheet_rejections", "resolution", "Resolution"),
    ("POST", "timesheet_cancellations", "resolution", "Resolution"),
    ("POST", "expenses", "expense", "Expense"),
    ("PUT", "expenses/1", "expense", "Expense"),
    ("POST", "invoices", "invoice", "Invoice"),
    ("PUT", "invoices/1", "invoice", "Invoice"),
    ("POST", "external_references/create_or_update", "external_reference", "External reference"),
]


@pytest.mark.parametrize(("method", "path", "wrapper", "label"), WRITES)
def test_every_write_needs_its_wrapper_object(
    client: TestClient, refused: Any, method: str, path: str, wrapper: str, label: str
) -> None:
    refused(
        client.request(method, f"{API}/{path}.json", json={}), 422, "validation", f"{label} can't be blank", wrapper
    )


@pytest.mark.parametrize(
    ("method", "path", "label"),
    [
        ("PUT", "timesheet_submissions/9/reject", "TimesheetSubmission"),
        ("PUT", "invoices/9/cancel", "Invoice"),
        ("PUT", "invoices/9", "Invoice"),
        ("PUT", "expenses/9", "Expense"),
        ("PUT", "stories/9", "Story"),
        ("DELETE", "expenses/9", "Expense"),
        ("DELETE", "invoices/9", "Invoice"),
        ("DELETE", "time_entries/9", "TimeEntry"),
    ],
)
def test_every_write_to_a_missing_record_is_a_404(
    client: TestClient, refused: Any, method: str, path: str, label: str
) -> None:
    wrapper = {"invoices/9": {"invoice": {}}, "expenses/9": {"expense": {}}, "stories/9": {"story": {}}}
    resp = client.request(method, f"{API}/{path}.json", json=wrapper.get(path) if method == "PUT" else None)
    refused(resp, 404, "system", f"Couldn't find {label} with 'id'=9")
