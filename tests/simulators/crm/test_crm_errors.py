"""Every error of the reference's Salesforce table (reference/vendor-apis.md 1.3): status, errorCode, message, fields.

Domain errors are reached through the API and provider states; transport-level ones (the concurrency
variant of REQUEST_LIMIT_EXCEEDED, UNABLE_TO_LOCK_ROW, SERVER_UNAVAILABLE) through fault rules.
"""

from __future__ import annotations

from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

from simulators.crm.metadata import CLOSED_WON_NEEDS_AMOUNT

OPP = {"Name": "Errors deal", "StageName": "Prospecting", "CloseDate": "2026-12-01"}
ROLLED_BACK = "The transaction was rolled back since another operation in the same transaction failed."


def fault(crm: TestClient, status: int, message: str | None = None, path: str = f"{V}/*") -> None:
    rule: dict[str, Any] = {"match": {"path": path}, "kind": "HTTP_ERROR", "params": {"status": status}, "times": 1}
    if message is not None:
        rule["params"]["message"] = message
    assert crm.post("/__admin/faults", json=rule).status_code == 201


def test_invalid_session_id_is_401_without_fields(anon: TestClient) -> None:
    response = anon.get(f"{V}/limits", headers={"Authorization": "Bearer "})
    assert_error(response, 401, "INVALID_SESSION_ID", "Session expired or invalid")
    assert "fields" not in response.json()[0]


def test_daily_request_limit_exceeded_is_403(crm: TestClient) -> None:
    crm.post("/__admin/provider-states", json={"state": "the daily API quota is spent"})
    response = crm.get(f"{V}/sobjects/Account/001000000000001AAA")
    assert_error(response, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    assert "fields" not in response.json()[0]
    assert "retry-after" not in response.headers


def test_concurrent_request_limit_exceeded_is_403(crm: TestClient) -> None:
    fault(crm, 403, "ConcurrentPerOrgLongTxn Limit exceeded")
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FROM Account"})
    assert_error(response, 403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded")
    assert "fields" not in response.json()[0]


def test_duplicate_value_on_a_unique_external_id(crm: TestClient) -> None:
    response = crm.patch(f"{SOBJECTS}/Account/001000000000002AAA", json={"ERP_Customer_Id__c": "cust-00001"})
    assert_error(
        response,
        400,
        "DUPLICATE_VALUE",
        "duplicate value found: ERP_Customer_Id__c duplicates value on record with id: 001000000000001",
        [],
    )


def test_duplicates_detected_carries_the_duplicate_result(crm: TestClient) -> None:
    name = crm.get(f"{SOBJECTS}/Account/001000000000001AAA").json()["Name"]
    response = crm.post(f"{SOBJECTS}/Account", json={"Name": name.upper()})
    assert_error(response, 400, "DUPLICATES_DETECTED", "Use one of these records?", [])
    result = response.json()[0]["duplicateResult"]
    assert (result["allowSave"], result["duplicateRule"], result["duplicateRuleEntityType"]) == (
        True,
        "Standard_Account_Duplicate_Rule",
        "Account",
    )
    match = result["matchResults"][0]
    assert (match["entityType"], match["rule"], match["size"]) == ("Account", "Standard_Account_Match_Rule_v1_0", 1)
    assert match["matchRecords"][0]["record"] == {
        "attributes": {"type": "Account", "url": f"{SOBJECTS}/Account/001000000000001AAA"},
        "Id": "001000000000001AAA",
    }


def test_field_custom_validation_exception(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Opportunity", json={**OPP, "StageName": "Closed Won", "Amount": 0})
    assert_error(response, 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", CLOSED_WON_NEEDS_AMOUNT, [])


def test_entity_is_locked(crm: TestClient) -> None:
    locked = crm.post("/__admin/provider-states", json={"state": "opportunity OPP-LOCK is locked for approval"}).json()
    response = crm.patch(f"{SOBJECTS}/Opportunity/{locked['id']}", json={"Amount": 10})
    assert_error(response, 400, "ENTITY_IS_LOCKED", "the entity is locked for editing", [])


def test_unable_to_lock_row_injected_with_its_code(crm: TestClient) -> None:
    message = "unable to obtain exclusive access to this record or 1 records: 001000000000001AAA"
    fault(crm, 400, f"UNABLE_TO_LOCK_ROW: {message}", path=f"{V}/sobjects/*")
    response = crm.patch(f"{SOBJECTS}/Contact/003000000000001AAA", json={"LastName": "X"})
    assert_error(response, 400, "UNABLE_TO_LOCK_ROW", message, [])


def test_invalid_query_locator(crm: TestClient) -> None:
    response = crm.get(f"{V}/query/01g000000000001AAA-2000")
    assert_error(response, 400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    assert "fields" not in response.json()[0]


def test_processing_halted_inside_a_200_composite(crm: TestClient) -> None:
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {"method": "POST", "url": f"{SOBJECTS}/Opportunity", "referenceId": "good", "body": OPP},
            {"method": "POST", "url": f"{SOBJECTS}/Opportunity", "referenceId": "bad", "body": {"Name": "x"}},
        ],
    }
    response = crm.post(f"{V}/composite", json=body)
    assert response.status_code == 200
    good, bad = response.json()["compositeResponse"]
    assert good == {
        "body": [{"message": ROLLED_BACK, "errorCode": "PROCESSING_HALTED"}],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": "good",
    }
    assert bad["body"] == [
        {
            "message": "Required fields are missing: [StageName, CloseDate]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["StageName", "CloseDate"],
        }
    ]


def test_query_timeout(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"query_timeout_rows": 5})
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FROM Account"})
    assert_error(response, 400, "QUERY_TIMEOUT", "Your query request was running too long")
    assert "fields" not in response.json()[0]


def test_server_unavailable(crm: TestClient) -> None:
    fault(crm, 503)
    response = crm.get(f"{V}/limits")
    assert_error(response, 503, "SERVER_UNAVAILABLE", "server too busy")
    assert "fields" not in response.json()[0]


def test_retired_version_is_410_gone(crm: TestClient) -> None:
    response = crm.get("/services/data/v30.0/limits")
    assert_error(response, 410, "GONE", "API version 30.0 is retired. Use a version between 31.0 and 67.0.")
    assert "fields" not in response.json()[0]
