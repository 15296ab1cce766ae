"""The request policy: version window, bearer token, daily API allocation and its usage header."""

from __future__ import annotations

from crm_wire import V, assert_error
from fastapi.testclient import TestClient

from simulators.crm.versions import release_label

LIMIT_EXCEEDED = "TotalRequests Limit exceeded."


def test_versions_list_needs_no_token_and_is_not_counted(anon: TestClient, crm: TestClient) -> None:
    response = anon.get("/services/data/")
    assert response.status_code == 200
    assert "sforce-limit-info" not in response.headers
    versions = response.json()
    assert versions[0] == {"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"}
    assert versions[-1] == {"label": "Summer '26", "url": "/services/data/v67.0", "version": "67.0"}
    assert len(versions) == 37
    assert crm.get(f"{V}/limits").headers["sforce-limit-info"] == "api-usage=1/100000"


def test_release_labels_follow_three_releases_a_year() -> None:
    assert [release_label(v) for v in (47, 48, 64, 65, 66)] == [
        "Winter '20",
        "Spring '20",
        "Summer '25",
        "Winter '26",
        "Spring '26",
    ]


def test_version_resource_map(crm: TestClient) -> None:
    body = crm.get(V).json()
    assert body["sobjects"] == f"{V}/sobjects"
    assert body["query"] == f"{V}/query"
    assert body["limits"] == f"{V}/limits"


def test_retired_version_is_410(crm: TestClient) -> None:
    response = crm.get("/services/data/v30.0/sobjects/Account/001000000000001AAA")
    assert_error(response, 410, "GONE", "API version 30.0 is retired. Use a version between 31.0 and 67.0.")
    assert "sforce-limit-info" not in response.headers


def test_future_version_is_404_until_the_window_moves(crm: TestClient) -> None:
    assert_error(crm.get("/services/data/v68.0/limits"), 404, "NOT_FOUND", "The requested resource does not exist")
    assert crm.put("/__admin/settings", json={"max_version": 68}).status_code == 200
    assert crm.get("/services/data/v68.0/limits").status_code == 200


def test_missing_or_empty_token_is_401(anon: TestClient) -> None:
    expected = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}):
        response = anon.get(f"{V}/sobjects/Account/001000000000001AAA", headers=headers)
        assert response.status_code == 401
        assert response.json() == expected
        assert_error(response, 401, "INVALID_SESSION_ID", "Session expired or invalid")


def test_every_counted_call_reports_usage(crm: TestClient) -> None:
    seen = [crm.get(f"{V}/sobjects/Account/001000000000001AAA").headers["sforce-limit-info"] for _ in range(3)]
    assert seen == ["api-usage=1/100000", "api-usage=2/100000", "api-usage=3/100000"]
    failed = crm.get(f"{V}/sobjects/Account/001000000000999AAA")
    assert failed.status_code == 404
    assert failed.headers["sforce-limit-info"] == "api-usage=4/100000"
    assert crm.get(f"{V}/limits").json()["DailyApiRequests"] == {"Max": 100000, "Remaining": 99995}


def test_calls_beyond_the_allocation_get_403(crm: TestClient) -> None:
    assert crm.put("/__admin/settings", json={"daily_api_limit": 3}).status_code == 200
    for n in (1, 2, 3):
        assert crm.get(f"{V}/limits").headers["sforce-limit-info"] == f"api-usage={n}/3"

    refused = crm.get(f"{V}/sobjects/Account/001000000000001AAA")

    assert_error(refused, 403, "REQUEST_LIMIT_EXCEEDED", LIMIT_EXCEEDED)
    assert refused.json() == [{"message": LIMIT_EXCEEDED, "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    assert refused.headers["sforce-limit-info"] == "api-usage=3/3"
    assert "retry-after" not in refused.headers
    assert crm.get("/services/data").status_code == 200  # the versions list is never refused


def test_usage_is_per_tenant_and_resets_with_data(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"daily_api_limit": 1})
    assert crm.get(f"{V}/limits").status_code == 200
    assert crm.get(f"{V}/limits").status_code == 403
    assert crm.get(f"{V}/limits", headers={"X-P2C-Tenant": "other"}).status_code == 200

    assert crm.post("/__admin/reset", params={"scope": "data"}).status_code == 200

    assert crm.get(f"{V}/limits").headers["sforce-limit-info"] == "api-usage=1/1"


def test_injected_faults_use_salesforce_bodies(crm: TestClient) -> None:
    rule = {"match": {"path": f"{V}/query*"}, "kind": "HTTP_ERROR", "params": {"status": 503}, "times": 1}
    assert crm.post("/__admin/faults", json=rule).status_code == 201
    assert_error(
        crm.get(f"{V}/query", params={"q": "SELECT Id FROM Account"}), 503, "SERVER_UNAVAILABLE", "server too busy"
    )
    rule["params"] = {"status": 403}
    crm.post("/__admin/faults", json=rule)
    assert_error(
        crm.get(f"{V}/query", params={"q": "SELECT Id FROM Account"}), 403, "REQUEST_LIMIT_EXCEEDED", LIMIT_EXCEEDED
    )
    rule["params"] = {"status": 500}
    crm.post("/__admin/faults", json=rule)
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FROM Account"})
    assert response.status_code == 500
    assert response.json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert response.json()[0]["message"].startswith("An unexpected error occurred. Please include this ErrorId")
