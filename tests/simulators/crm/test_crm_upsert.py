"""External-id upsert and lookup: 201 on create, 200 on update, 300 on several matches."""

from __future__ import annotations

from crm_wire import SOBJECTS, assert_error
from fastapi.testclient import TestClient

ACCOUNT_KEY = f"{SOBJECTS}/Account/ERP_Customer_Id__c"
OPP_KEY = f"{SOBJECTS}/Opportunity/External_Id__c"
NEW_OPP = {"Name": "Renewal", "StageName": "Qualification", "CloseDate": "2026-12-01"}


def test_upsert_without_a_match_creates_with_201(crm: TestClient) -> None:
    response = crm.patch(f"{ACCOUNT_KEY}/CUST-90001", json={"Name": "Fresh Co"})

    assert response.status_code == 201, response.text
    result = response.json()
    assert result == {"id": result["id"], "success": True, "errors": [], "created": True}
    record = crm.get(f"{SOBJECTS}/Account/{result['id']}").json()
    assert record["ERP_Customer_Id__c"] == "CUST-90001"
    assert record["Name"] == "Fresh Co"


def test_upsert_with_one_match_updates_with_200(crm: TestClient) -> None:
    response = crm.patch(f"{ACCOUNT_KEY}/CUST-00001", json={"Credit_Hold__c": True})

    assert response.status_code == 200, response.text
    assert response.json() == {"id": "001000000000001AAA", "success": True, "errors": [], "created": False}
    assert crm.get(f"{SOBJECTS}/Account/001000000000001AAA").json()["Credit_Hold__c"] is True


def test_upsert_update_before_v46_is_204_without_body(crm: TestClient) -> None:
    response = crm.patch(
        "/services/data/v45.0/sobjects/Account/ERP_Customer_Id__c/CUST-00001", json={"BillingCity": "Leeds"}
    )
    assert response.status_code == 204
    assert response.content == b""


def test_upsert_is_idempotent_under_retries(crm: TestClient) -> None:
    first = crm.patch(f"{OPP_KEY}/OPP-90001", json=NEW_OPP)
    second = crm.patch(f"{OPP_KEY}/OPP-90001", json=NEW_OPP)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_several_matches_answer_300_with_record_urls(crm: TestClient) -> None:
    # External_Id__c is an external id but not unique: plain POSTs can duplicate it, as a careless client does.
    ids = [crm.post(f"{SOBJECTS}/Opportunity", json={**NEW_OPP, "External_Id__c": "DUP-1"}).json()["id"] for _ in "ab"]

    response = crm.patch(f"{OPP_KEY}/DUP-1", json={"Amount": 10})

    assert response.status_code == 300
    assert response.json() == [f"{SOBJECTS}/Opportunity/{i}" for i in ids]
    assert crm.get(f"{OPP_KEY}/DUP-1").status_code == 300


def test_get_by_external_id(crm: TestClient) -> None:
    response = crm.get(f"{OPP_KEY}/OPP-00001")
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["attributes"]["type"] == "Opportunity"
    assert record["External_Id__c"] == "OPP-00001"
    assert record["AccountId"] == "001000000000001AAA"


def test_get_by_unknown_external_id_is_not_found(crm: TestClient) -> None:
    assert_error(crm.get(f"{OPP_KEY}/OPP-99999"), 404, "NOT_FOUND", "The requested resource does not exist")


def test_upsert_on_a_field_that_is_not_an_external_id_is_not_found(crm: TestClient) -> None:
    response = crm.patch(f"{SOBJECTS}/Account/Name/Acme", json={"Name": "Acme"})
    assert_error(response, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: Name")


def test_upsert_create_still_runs_the_validation_rule(crm: TestClient) -> None:
    response = crm.patch(f"{OPP_KEY}/OPP-90002", json={**NEW_OPP, "StageName": "Closed Won"})
    assert_error(
        response,
        400,
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "Opportunity amount must be greater than zero when stage is Closed Won",
        [],
    )


def test_external_id_values_with_a_slash_are_matched(crm: TestClient) -> None:
    response = crm.patch(f"{ACCOUNT_KEY}/EU%2F42", json={"Name": "Slashed"})
    assert response.status_code == 201, response.text
    assert crm.get(f"{ACCOUNT_KEY}/EU%2F42").json()["ERP_Customer_Id__c"] == "EU/42"
