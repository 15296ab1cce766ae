"""The Kantata wire: auth, the side-loaded envelope, paging, only, order, include and error shapes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def test_requests_without_a_bearer_token_get_the_oauth_error(anonymous: TestClient) -> None:
    resp = anonymous.get(f"{API}/users.json")
    assert resp.status_code == 401
    assert resp.json() == {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}


def test_a_list_is_the_side_loaded_envelope(client: TestClient) -> None:
    doc = client.get(f"{API}/users.json").json()
    assert set(doc) == {"count", "results", "users", "meta"}
    assert doc["count"] == 16
    assert doc["results"][0] == {"key": "users", "id": "1001"}
    assert [r["id"] for r in doc["results"]] == list(doc["users"])
    assert len(doc["results"]) == 16
    assert doc["meta"] == {"count": 16, "page_count": 1, "page_number": 1, "page_size": 20}
    user = doc["users"]["1001"]
    assert set(user) == {
        "id",
        "full_name",
        "email_address",
        "headline",
        "account_id",
        "role_id",
        "location",
        "default_bill_rate_in_cents",
        "cost_rate_in_cents",
    }
    assert isinstance(user["default_bill_rate_in_cents"], int)
    assert user["location"]
    assert user["role_id"]


def test_workspaces_carry_the_world_client_and_billing_model(client: TestClient) -> None:
    doc = client.get(f"{API}/workspaces/2001.json").json()
    assert doc["count"] == 1
    assert doc["results"] == [{"key": "workspaces", "id": "2001"}]
    ws = doc["workspaces"]["2001"]
    assert ws["client_ref"] == "CUST-00001"
    assert ws["billing_model"] in ("time_and_materials", "fixed_fee", "milestone")
    assert ws["status"] == {"key": "active", "message": "Active", "color": "green"}
    assert (ws["archived"], ws["rate_card_id"]) == (False, "1")
    assert isinstance(ws["budget_in_cents"], int)
    assert {"title", "description", "currency", "start_date", "created_at", "updated_at"} <= set(ws)


def test_participations_filter_by_workspace(client: TestClient) -> None:
    doc = client.get(f"{API}/participations.json", params={"workspace_id": "2002"}).json()
    assert doc["count"] == 4
    assert {p["workspace_id"] for p in doc["participations"].values()} == {"2002"}
    assert set(next(iter(doc["participations"].values()))) == {
        "id",
        "workspace_id",
        "user_id",
        "rate_in_cents",
        "role",
        "role_id",
        "start_date",
        "end_date",
    }


def test_page_and_per_page(client: TestClient) -> None:
    doc = client.get(f"{API}/users.json", params={"page": 2, "per_page": 5}).json()
    assert [r["id"] for r in doc["results"]] == ["1006", "1007", "1008", "1009", "1010"]
    assert doc["count"] == 16
    assert doc["meta"] == {"count": 16, "page_count": 4, "page_number": 2, "page_size": 5}


def test_limit_and_offset_take_precedence_over_page(client: TestClient) -> None:
    doc = client.get(f"{API}/users.json", params={"page": 3, "per_page": 5, "limit": 3, "offset": 3}).json()
    assert [r["id"] for r in doc["results"]] == ["1004", "1005", "1006"]
    assert doc["meta"] == {"count": 16, "page_count": 6, "page_number": 2, "page_size": 3}


def test_a_page_past_the_end_is_empty_but_counts(client: TestClient) -> None:
    doc = client.get(f"{API}/users.json", params={"page": 9, "per_page": 5}).json()
    assert doc["results"] == []
    assert doc["users"] == {}
    assert doc["count"] == 16


def test_per_page_of_200_is_accepted(client: TestClient) -> None:
    assert client.get(f"{API}/users.json", params={"per_page": 200}).status_code == 200


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"per_page": 201}, "per_page", "per_page must be less than or equal to 200"),
        ({"limit": 500}, "limit", "limit must be less than or equal to 200"),
        ({"per_page": 0}, "per_page", "Per page must be greater than or equal to 1"),
        ({"page": "x"}, "page", "Page is not a number"),
    ],
)
def test_bad_paging_is_a_validation_error(
    client: TestClient, error_of: Any, params: dict[str, Any], field: str, message: str
) -> None:
    resp = client.get(f"{API}/users.json", params=params)
    assert resp.status_code == 422
    assert error_of(resp) == {"type": "validation", "message": message, "field": field}


def test_only_returns_just_those_ids_and_never_404s(client: TestClient) -> None:
    doc = client.get(f"{API}/users.json", params={"only": "1003,1001,99999"}).json()
    assert doc["count"] == 2
    assert [r["id"] for r in doc["results"]] == ["1001", "1003"]
    empty = client.get(f"{API}/users.json", params={"only": "99999"})
    assert empty.status_code == 200
    assert empty.json()["count"] == 0


def test_order_sorts_by_a_field(client: TestClient) -> None:
    doc = client.get(f"{API}/users.json", params={"order": "id:desc", "per_page": 3}).json()
    assert [r["id"] for r in doc["results"]] == ["1016", "1015", "1014"]
    names = client.get(f"{API}/users.json", params={"order": "full_name:asc"}).json()
    full = [names["users"][r["id"]]["full_name"] for r in names["results"]]
    assert full == sorted(full)


def test_order_on_an_unknown_field_is_refused(client: TestClient, error_of: Any) -> None:
    resp = client.get(f"{API}/users.json", params={"order": "shoe_size:asc"})
    assert resp.status_code == 422
    assert error_of(resp) == {"type": "validation", "message": "Invalid order field: shoe_size", "field": "order"}


def test_unknown_include_is_refused(client: TestClient, error_of: Any) -> None:
    resp = client.get(f"{API}/users.json", params={"include": "pets"})
    assert resp.status_code == 422
    assert error_of(resp) == {"type": "validation", "message": "Invalid include: pets", "field": "include"}


def test_include_side_loads_participations_users_and_workspaces(client: TestClient) -> None:
    doc = client.get(f"{API}/participations.json", params={"workspace_id": 2001, "include": "user,workspace"}).json()
    assert list(doc["workspaces"]) == ["2001"]
    assert set(doc["users"]) == {p["user_id"] for p in doc["participations"].values()}
    assert all(r["key"] == "participations" for r in doc["results"])


def test_a_missing_record_is_a_system_404(client: TestClient, error_of: Any) -> None:
    resp = client.get(f"{API}/time_entries/999.json")
    assert resp.status_code == 404
    assert error_of(resp) == {"type": "system", "message": "Couldn't find TimeEntry with 'id'=999"}
    resp = client.get(f"{API}/workspaces/abc.json")
    assert resp.status_code == 404
    assert error_of(resp) == {"type": "system", "message": "Couldn't find Workspace with 'id'=abc"}


def test_an_unknown_route_is_a_system_404(client: TestClient, error_of: Any) -> None:
    resp = client.get(f"{API}/spaceships.json")
    assert resp.status_code == 404
    assert error_of(resp) == {"type": "system", "message": "No route matches [GET] /api/v1/spaceships.json"}


def test_paths_work_without_the_json_suffix(client: TestClient) -> None:
    assert client.get(f"{API}/users").json()["count"] == 16
    assert client.get(f"{API}/users/1001").json()["results"] == [{"key": "users", "id": "1001"}]


def test_body_validation_uses_the_vendor_envelope(client: TestClient, error_of: Any) -> None:
    body = {
        "time_entry": {"workspace_id": "2001", "user_id": "1001", "date_performed": "2026-10-28", "time_in_minutes": 0}
    }
    resp = client.post(f"{API}/time_entries.json", json=body)
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": "Time in minutes must be greater than or equal to 1",
        "field": "time_in_minutes",
    }


def test_body_validation_lists_every_error(client: TestClient) -> None:
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": {"workspace_id": "x"}})
    assert resp.status_code == 422
    assert resp.json()["errors"] == [
        {"type": "validation", "message": "Workspace is not a number", "field": "workspace_id"},
        {"type": "validation", "message": "User can't be blank", "field": "user_id"},
        {"type": "validation", "message": "Date performed can't be blank", "field": "date_performed"},
        {"type": "validation", "message": "Time in minutes can't be blank", "field": "time_in_minutes"},
    ]


def test_malformed_json_is_a_validation_error(client: TestClient, error_of: Any) -> None:
    resp = client.post(f"{API}/time_entries.json", content=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 422
    assert error_of(resp)["type"] == "validation"
    assert error_of(resp)["message"] == "The request body is not valid JSON"


@pytest.mark.parametrize(
    ("status", "message"), [(429, "Too Many Requests"), (503, "Service Unavailable"), (500, "Internal Server Error")]
)
def test_injected_transport_errors_are_system_errors(
    client: TestClient, error_of: Any, status: int, message: str
) -> None:
    rule = {"kind": "HTTP_ERROR", "match": {"path": "/api/v1/users*"}, "params": {"status": status}, "times": 1}
    assert client.post("/__admin/faults", json=rule).status_code == 201
    resp = client.get(f"{API}/users.json")
    assert resp.status_code == status
    assert "retry-after" not in resp.headers
    assert error_of(resp) == {"type": "system", "message": message}
    assert client.get(f"{API}/users.json").status_code == 200


def test_tenants_are_isolated_and_number_from_one(client: TestClient, psa: Any) -> None:
    body = {"time_entry": psa.entry(psa.participation())}
    for tenant in ("acme", "globex"):
        resp = client.post(f"{API}/time_entries.json", json=body, headers={"X-P2C-Tenant": tenant})
        assert resp.json()["results"] == [{"key": "time_entries", "id": "1"}]
    assert client.get(f"{API}/time_entries.json").json()["count"] == 0


def test_the_openapi_document_lists_the_json_paths_only(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert "/api/v1/timesheet_submissions/{submission_id}/approve.json" in doc["paths"]
    assert [p for p in doc["paths"] if not p.endswith(".json")] == ["/oauth/token"]  # the API paths all end .json
    errors = doc["paths"]["/api/v1/time_entries.json"]["post"]["responses"]["422"]
    assert errors["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_an_unsupported_method_is_a_system_error(client: TestClient, error_of: Any) -> None:
    resp = client.patch(f"{API}/time_entries/1.json")
    assert resp.status_code == 405
    assert error_of(resp) == {"type": "system", "message": "Method Not Allowed"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"null", "Request body is invalid"),
        (b"[1, 2]", "Request body is invalid"),
        (b"", "Request body can't be blank"),
    ],
)
def test_a_non_object_body_names_no_field(client: TestClient, error_of: Any, raw: bytes, message: str) -> None:
    resp = client.post(f"{API}/time_entries.json", content=raw, headers={"Content-Type": "application/json"})
    assert resp.status_code == 422
    assert error_of(resp) == {"type": "validation", "message": message}
