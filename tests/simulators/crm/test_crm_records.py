"""sObject CRUD over the wire: create, read, update, delete, field rules and Salesforce's error bodies."""

from __future__ import annotations

from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

from simulators.crm.models import CLOSED_WON_NEEDS_AMOUNT

FIRST_ACCOUNT = "001000000000001AAA"
"""The first seeded Account (world customer CUST-00001)."""


def create(crm: TestClient, type_name: str, body: dict[str, Any]) -> str:
    response = crm.post(f"{SOBJECTS}/{type_name}", json=body)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result == {"id": result["id"], "success": True, "errors": [], "created": True}
    return str(result["id"])


def opportunity(**overrides: Any) -> dict[str, Any]:
    return {"Name": "Big deal", "StageName": "Prospecting", "CloseDate": "2026-12-15", **overrides}


def test_create_then_read_returns_attributes_and_all_fields(crm: TestClient) -> None:
    new_id = create(crm, "Account", {"Name": "Acme", "BillingCity": "Berlin", "ERP_Customer_Id__c": "C-9"})
    assert len(new_id) == 18
    assert new_id.startswith("001")

    record = crm.get(f"{SOBJECTS}/Account/{new_id}").json()

    assert record["attributes"] == {"type": "Account", "url": f"{SOBJECTS}/Account/{new_id}"}
    assert record["Id"] == new_id
    assert record["Name"] == "Acme"
    assert record["BillingCity"] == "Berlin"
    assert record["Credit_Hold__c"] is False
    assert record["IsDeleted"] is False
    assert record["CreatedDate"] == "2026-10-30T09:00:00.000+0000"
    assert record["LastModifiedDate"] == record["SystemModstamp"] == "2026-10-30T09:00:00.000+0000"


def test_trailing_slash_post_as_simple_salesforce_sends_it(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Account/", json={"Name": "Slash Inc"})
    assert response.status_code == 201, response.text


def test_fifteen_character_id_reads_the_same_record(crm: TestClient) -> None:
    record = crm.get(f"{SOBJECTS}/Account/{FIRST_ACCOUNT[:15]}").json()
    assert record["Id"] == FIRST_ACCOUNT
    assert record["ERP_Customer_Id__c"] == "CUST-00001"


def test_update_is_204_and_moves_last_modified_with_the_clock(crm: TestClient) -> None:
    assert crm.get(f"{SOBJECTS}/Account/{FIRST_ACCOUNT}").status_code == 200  # seeds the tenant at 09:00
    crm.post("/__admin/clock/advance", json={"hours": 2})
    response = crm.patch(f"{SOBJECTS}/Account/{FIRST_ACCOUNT}", json={"Credit_Hold__c": True})
    assert response.status_code == 204
    assert response.content == b""
    record = crm.get(f"{SOBJECTS}/Account/{FIRST_ACCOUNT}").json()
    assert record["Credit_Hold__c"] is True
    assert record["LastModifiedDate"] == "2026-10-30T11:00:00.000+0000"
    assert record["CreatedDate"] == "2026-10-30T09:00:00.000+0000"


def test_delete_is_204_then_the_record_is_gone(crm: TestClient) -> None:
    new_id = create(crm, "Contact", {"LastName": "Doe", "AccountId": FIRST_ACCOUNT})
    assert crm.delete(f"{SOBJECTS}/Contact/{new_id}").status_code == 204
    assert_error(crm.get(f"{SOBJECTS}/Contact/{new_id}"), 404, "NOT_FOUND", "The requested resource does not exist")
    assert_error(crm.delete(f"{SOBJECTS}/Contact/{new_id}"), 404, "ENTITY_IS_DELETED", "entity is deleted", [])


def test_deleting_an_account_deletes_its_opportunities(crm: TestClient) -> None:
    account = create(crm, "Account", {"Name": "Parent"})
    opp = create(crm, "Opportunity", opportunity(AccountId=account))
    assert crm.delete(f"{SOBJECTS}/Account/{account}").status_code == 204
    assert crm.get(f"{SOBJECTS}/Opportunity/{opp}").status_code == 404


def test_opportunity_stage_drives_closed_won_and_forecast(crm: TestClient) -> None:
    opp = create(crm, "Opportunity", opportunity(Amount=5000))
    record = crm.get(f"{SOBJECTS}/Opportunity/{opp}").json()
    assert (record["IsClosed"], record["IsWon"], record["ForecastCategoryName"]) == (False, False, "Pipeline")
    assert record["Probability"] == 10.0
    assert record["Amount"] == 5000.0

    crm.patch(f"{SOBJECTS}/Opportunity/{opp}", json={"StageName": "Closed Won"})

    record = crm.get(f"{SOBJECTS}/Opportunity/{opp}").json()
    assert (record["IsClosed"], record["IsWon"], record["ForecastCategoryName"]) == (True, True, "Closed")
    assert record["Probability"] == 100.0


def test_contact_full_name_is_derived(crm: TestClient) -> None:
    new_id = create(crm, "Contact", {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"})
    assert crm.get(f"{SOBJECTS}/Contact/{new_id}").json()["Name"] == "Ada Lovelace"


def test_get_with_fields_parameter_returns_only_those(crm: TestClient) -> None:
    record = crm.get(f"{SOBJECTS}/Account/{FIRST_ACCOUNT}", params={"fields": "Name,ERP_Customer_Id__c"}).json()
    assert set(record) == {"attributes", "Name", "ERP_Customer_Id__c"}


# -- errors -----------------------------------------------------------------------------------------------------
def test_unknown_field_is_invalid_field(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Account", json={"Name": "X", "Foo": 1})
    assert_error(response, 400, "INVALID_FIELD", "No such column 'Foo' on sobject of type Account", [])


def test_missing_required_fields_are_listed(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Opportunity", json={"Name": "No stage"})
    assert_error(
        response,
        400,
        "REQUIRED_FIELD_MISSING",
        "Required fields are missing: [StageName, CloseDate]",
        ["StageName", "CloseDate"],
    )


def test_clearing_a_required_field_on_update_is_refused(crm: TestClient) -> None:
    response = crm.patch(f"{SOBJECTS}/Account/{FIRST_ACCOUNT}", json={"Name": None})
    assert_error(response, 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", ["Name"])


def test_writing_derived_opportunity_fields_is_refused(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Opportunity", json=opportunity(IsWon=True, IsClosed=True))
    assert_error(
        response,
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "Unable to create/update fields: IsWon, IsClosed. Please check the security settings of this field and "
        "verify that it is read/write for your profile or permission set.",
        ["IsWon", "IsClosed"],
    )


def test_closed_won_without_amount_fails_the_validation_rule(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Opportunity", json=opportunity(StageName="Closed Won"))
    assert_error(response, 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", CLOSED_WON_NEEDS_AMOUNT, [])


def test_closing_won_with_a_zero_amount_fails_the_validation_rule(crm: TestClient) -> None:
    opp = create(crm, "Opportunity", opportunity(Amount=0))
    response = crm.patch(f"{SOBJECTS}/Opportunity/{opp}", json={"StageName": "Closed Won"})
    assert_error(response, 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", CLOSED_WON_NEEDS_AMOUNT, [])
    assert crm.get(f"{SOBJECTS}/Opportunity/{opp}").json()["StageName"] == "Prospecting"


def test_duplicate_external_id_on_create_is_duplicate_value(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Account", json={"Name": "Copy", "ERP_Customer_Id__c": "CUST-00001"})
    assert_error(
        response,
        400,
        "DUPLICATE_VALUE",
        "duplicate value found: ERP_Customer_Id__c duplicates value on record with id: 001000000000001",
        [],
    )


def test_unknown_sobject_type_is_not_found(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Invoice__c", json={"Name": "X"})
    assert_error(response, 404, "NOT_FOUND", "The requested resource does not exist")
    assert "fields" not in response.json()[0]


def test_unknown_id_is_not_found(crm: TestClient) -> None:
    response = crm.get(f"{SOBJECTS}/Account/001000000000999AAA")
    assert_error(response, 404, "NOT_FOUND", "The requested resource does not exist")


def test_wrong_json_type_is_a_json_parser_error(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Opportunity", json=opportunity(Amount="lots"))
    assert_error(
        response,
        400,
        "JSON_PARSER_ERROR",
        "Cannot deserialize instance of currency from VALUE_STRING value lots or request may be missing a "
        "required field",
    )


def test_a_body_that_is_not_an_object_is_a_json_parser_error(crm: TestClient) -> None:
    response = crm.post(f"{SOBJECTS}/Account", content=b'["Name"]', headers={"Content-Type": "application/json"})
    assert_error(
        response,
        400,
        "JSON_PARSER_ERROR",
        "Cannot deserialize instance of Account from START_ARRAY value or request may be missing a required "
        "field at [line:1, column:1]",
    )


def test_restricted_picklist_and_lookup_type_are_checked(crm: TestClient) -> None:
    assert_error(
        crm.post(f"{SOBJECTS}/Opportunity", json=opportunity(StageName="Won-ish")),
        400,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "Stage: bad value for restricted picklist field: Won-ish",
        ["StageName"],
    )
    assert_error(
        crm.post(f"{SOBJECTS}/Opportunity", json=opportunity(AccountId="006000000000001AAA")),
        400,
        "FIELD_INTEGRITY_EXCEPTION",
        "Account ID: id value of incorrect type: 006000000000001AAA",
        ["AccountId"],
    )


def test_unsupported_method_is_method_not_allowed(crm: TestClient) -> None:
    response = crm.put(f"{SOBJECTS}/Account/{FIRST_ACCOUNT}", json={})
    assert_error(response, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed")


def test_unknown_resource_is_not_found(crm: TestClient) -> None:
    assert_error(crm.get(f"{V}/composite/tree"), 404, "NOT_FOUND", "The requested resource does not exist")
