"""sObject Collections: per-record results in a 200, allOrNone, the 200-record limit, upsert, delete, retrieve."""

from __future__ import annotations

from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

COLLECTION = f"{V}/composite/sobjects"
ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


def account(name: str, **fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Account"}, "Name": name, **fields}


def test_create_answers_one_result_per_record_in_order(crm: TestClient) -> None:
    records = [
        account("Coll One"),
        {"attributes": {"type": "Contact"}, "LastName": "Ng"},
        account("Coll Two", ERP_Customer_Id__c="CUST-00001"),
    ]
    response = crm.post(COLLECTION, json={"records": records})
    assert response.status_code == 200
    one, contact, dup = response.json()
    assert one == {"id": one["id"], "success": True, "errors": []}
    assert contact["id"].startswith("003")
    assert dup == {
        "success": False,
        "errors": [
            {
                "statusCode": "DUPLICATE_VALUE",
                "message": "duplicate value found: ERP_Customer_Id__c duplicates value on record with id: "
                "001000000000001",
                "fields": [],
            }
        ],
    }
    assert crm.get(f"{SOBJECTS}/Account/{one['id']}").json()["Name"] == "Coll One"


def test_all_or_none_rolls_back_the_valid_records(crm: TestClient) -> None:
    response = crm.post(COLLECTION, json={"allOrNone": True, "records": [account("Kept?"), account("")]})
    assert response.status_code == 200
    first, second = response.json()
    assert first == {"success": False, "errors": [ROLLED_BACK]}
    assert second["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    q = crm.get(f"{V}/query", params={"q": "SELECT COUNT() FROM Account WHERE Name = 'Kept?'"}).json()
    assert q["totalSize"] == 0


def test_more_than_200_records_is_exceeded_id_limit(crm: TestClient) -> None:
    records = [account(f"Bulk {n}") for n in range(201)]
    response = crm.post(COLLECTION, json={"records": records})
    assert_error(
        response, 400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
    )


def test_a_record_without_a_type_fails_alone(crm: TestClient) -> None:
    response = crm.post(COLLECTION, json={"records": [{"Name": "Typeless"}, account("Typed Co")]})
    first, second = response.json()
    assert first["errors"] == [
        {
            "statusCode": "INVALID_TYPE",
            "message": "sObject type must be specified in the attributes of every record",
            "fields": [],
        }
    ]
    assert second["success"] is True


def test_update_needs_ids_and_reports_each_record(crm: TestClient) -> None:
    records = [
        {"attributes": {"type": "Account"}, "id": "001000000000001AAA", "Industry": "Energy"},
        {"attributes": {"type": "Account"}, "Industry": "Energy"},
        {"attributes": {"type": "Account"}, "id": "001000000000999AAA", "Industry": "Energy"},
    ]
    response = crm.patch(COLLECTION, json={"records": records})
    ok, missing, unknown = response.json()
    assert ok == {"id": "001000000000001AAA", "success": True, "errors": []}
    assert missing == {
        "success": False,
        "errors": [{"statusCode": "MISSING_ARGUMENT", "message": "Id not specified in an update call", "fields": []}],
    }
    assert unknown["id"] == "001000000000999AAA"
    assert unknown["errors"][0]["statusCode"] == "NOT_FOUND"
    assert crm.get(f"{SOBJECTS}/Account/001000000000001AAA").json()["Industry"] == "Energy"


def test_delete_by_ids_with_per_record_errors(crm: TestClient) -> None:
    created = crm.post(COLLECTION, json={"records": [account("Del One"), account("Del Two")]}).json()
    ids = [r["id"] for r in created]
    response = crm.delete(COLLECTION, params={"ids": ",".join([*ids, "bogus"])})
    assert response.status_code == 200
    first, second, bogus = response.json()
    assert [first["success"], second["success"]] == [True, True]
    assert bogus == {
        "id": "bogus",
        "success": False,
        "errors": [{"statusCode": "MALFORMED_ID", "message": "malformed id bogus", "fields": []}],
    }
    again = crm.delete(COLLECTION, params={"ids": ids[0], "allOrNone": "true"}).json()
    assert again[0]["errors"][0] == {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}


def test_delete_all_or_none_keeps_everything(crm: TestClient) -> None:
    created = crm.post(COLLECTION, json={"records": [account("Stay One")]}).json()
    response = crm.delete(COLLECTION, params={"ids": f"{created[0]['id']},001000000000999AAA", "allOrNone": "true"})
    first, second = response.json()
    assert first == {"id": created[0]["id"], "success": False, "errors": [ROLLED_BACK]}
    assert second["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert crm.get(f"{SOBJECTS}/Account/{created[0]['id']}").status_code == 200


def test_retrieve_returns_records_or_null(crm: TestClient) -> None:
    response = crm.get(
        f"{COLLECTION}/Account", params={"ids": "001000000000001AAA,001000000000999AAA", "fields": "Name,OwnerId"}
    )
    assert response.status_code == 200
    found, missing = response.json()
    assert set(found) == {"attributes", "Name", "OwnerId"}
    assert missing is None


def test_upsert_by_external_id(crm: TestClient) -> None:
    records = [
        {"attributes": {"type": "Account"}, "ERP_Customer_Id__c": "CUST-00001", "Industry": "Retail"},
        {"attributes": {"type": "Account"}, "ERP_Customer_Id__c": "CUST-NEW-1", "Name": "Upserted Co"},
        {"attributes": {"type": "Account"}, "Name": "No key"},
    ]
    response = crm.patch(f"{COLLECTION}/Account/ERP_Customer_Id__c", json={"records": records})
    updated, created, keyless = response.json()
    assert updated == {"id": "001000000000001AAA", "success": True, "errors": [], "created": False}
    assert created["created"] is True
    assert keyless["errors"] == [
        {
            "statusCode": "MISSING_ARGUMENT",
            "message": "ERP_Customer_Id__c not specified",
            "fields": ["ERP_Customer_Id__c"],
        }
    ]


def test_collections_follow_the_version_profile(crm: TestClient) -> None:
    missing = "The requested resource does not exist"
    assert_error(crm.post("/services/data/v41.0/composite/sobjects", json={"records": []}), 404, "NOT_FOUND", missing)
    upsert = crm.patch("/services/data/v45.0/composite/sobjects/Account/ERP_Customer_Id__c", json={"records": []})
    assert_error(upsert, 404, "NOT_FOUND", missing)
    assert (
        crm.patch("/services/data/v46.0/composite/sobjects/Account/ERP_Customer_Id__c", json={"records": []}).json()
        == []
    )


def test_upsert_with_several_matches_is_duplicate_external_id(crm: TestClient) -> None:
    twin = {"Name": "Twin", "StageName": "Prospecting", "CloseDate": "2026-12-01", "External_Id__c": "TWIN-C"}
    ids = [crm.post(f"{SOBJECTS}/Opportunity", json=twin).json()["id"] for _ in range(2)]
    record = {"attributes": {"type": "Opportunity"}, "External_Id__c": "TWIN-C", "Amount": 5}
    response = crm.patch(f"{COLLECTION}/Opportunity/External_Id__c", json={"records": [record]})
    assert response.json() == [
        {
            "success": False,
            "errors": [
                {
                    "statusCode": "DUPLICATE_EXTERNAL_ID",
                    "message": f"more than one record found for external id field: {ids}",
                    "fields": [],
                }
            ],
        }
    ]
