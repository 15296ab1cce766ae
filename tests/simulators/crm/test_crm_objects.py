"""The other sObjects (OpportunityLineItem, Product2, Task, User) and metadata-defined custom objects and fields."""

from __future__ import annotations

from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

from simulators.crm.factories import PRODUCTS, USERS

OPP = {"Name": "Line deal", "StageName": "Prospecting", "CloseDate": "2026-12-01"}


def create(crm: TestClient, type_name: str, body: dict[str, Any]) -> str:
    response = crm.post(f"{SOBJECTS}/{type_name}", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def query(crm: TestClient, soql: str) -> list[dict[str, Any]]:
    response = crm.get(f"{V}/query", params={"q": soql})
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()["records"]
    return records


def test_users_and_products_are_seeded_and_accounts_have_owners(crm: TestClient) -> None:
    users = query(crm, "SELECT Id, Name, Username, IsActive FROM User ORDER BY Id")
    assert [u["Name"] for u in users] == [f"{u['FirstName']} {u['LastName']}" for u in USERS]
    assert users[0]["Id"] == "005000000000001AAA"
    assert all(u["IsActive"] for u in users)
    assert len(query(crm, "SELECT Id FROM Product2 WHERE IsActive = true")) == len(PRODUCTS)
    owners = query(crm, "SELECT Owner.Name, Owner.Email FROM Account ORDER BY Id LIMIT 3")
    assert [o["Owner"]["Name"] for o in owners] == [f"{u['FirstName']} {u['LastName']}" for u in USERS[1:4]]


def test_line_items_price_and_roll_up_into_the_opportunity_amount(crm: TestClient) -> None:
    opp = create(crm, "Opportunity", OPP)
    product = query(crm, "SELECT Id FROM Product2 WHERE ProductCode = 'PS-TM'")[0]["Id"]
    create(crm, "OpportunityLineItem", {"OpportunityId": opp, "Product2Id": product, "Quantity": 10, "UnitPrice": 150})
    second = create(crm, "OpportunityLineItem", {"OpportunityId": opp, "Quantity": 4, "TotalPrice": 1000})
    item = crm.get(f"{SOBJECTS}/OpportunityLineItem/{second}").json()
    assert (item["UnitPrice"], item["TotalPrice"], item["Name"]) == (250.0, 1000.0, "Line deal")
    record = crm.get(f"{SOBJECTS}/Opportunity/{opp}").json()
    assert (record["Amount"], record["HasOpportunityLineItem"]) == (2500.0, True)
    rows = query(
        crm, f"SELECT Name, ProductCode, Opportunity.Name FROM OpportunityLineItem WHERE OpportunityId = '{opp}'"
    )
    assert rows[0]["ProductCode"] == "PS-TM"
    assert rows[0]["Opportunity"]["Name"] == "Line deal"
    crm.delete(f"{SOBJECTS}/OpportunityLineItem/{second}")
    assert crm.get(f"{SOBJECTS}/Opportunity/{opp}").json()["Amount"] == 1500.0


def test_line_item_price_rules(crm: TestClient) -> None:
    opp = create(crm, "Opportunity", OPP)
    both = crm.post(
        f"{SOBJECTS}/OpportunityLineItem", json={"OpportunityId": opp, "Quantity": 1, "UnitPrice": 5, "TotalPrice": 5}
    )
    assert_error(
        both,
        400,
        "FIELD_INTEGRITY_EXCEPTION",
        "field integrity exception: TotalPrice (cannot specify both unit price and total price)",
        ["TotalPrice"],
    )
    neither = crm.post(f"{SOBJECTS}/OpportunityLineItem", json={"OpportunityId": opp, "Quantity": 1})
    assert_error(
        neither,
        400,
        "FIELD_INTEGRITY_EXCEPTION",
        "field integrity exception: unknown (must specify either unit price or total price)",
        [],
    )
    line = create(crm, "OpportunityLineItem", {"OpportunityId": opp, "Quantity": 1, "UnitPrice": 5})
    moved = crm.patch(f"{SOBJECTS}/OpportunityLineItem/{line}", json={"OpportunityId": opp})
    assert moved.status_code == 400
    assert moved.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_removing_the_last_line_item_of_a_closed_won_deal_fails_its_validation_rule(crm: TestClient) -> None:
    opp = create(crm, "Opportunity", OPP)
    line = create(crm, "OpportunityLineItem", {"OpportunityId": opp, "Quantity": 1, "UnitPrice": 900})
    assert crm.patch(f"{SOBJECTS}/Opportunity/{opp}", json={"StageName": "Closed Won"}).status_code == 204
    response = crm.delete(f"{SOBJECTS}/OpportunityLineItem/{line}")
    assert_error(
        response,
        400,
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "Opportunity amount must be greater than zero when stage is Closed Won",
        [],
    )
    assert crm.get(f"{SOBJECTS}/OpportunityLineItem/{line}").status_code == 200


def test_tasks_default_their_status_and_relate_to_any_record(crm: TestClient) -> None:
    owner = query(crm, "SELECT OwnerId FROM Account WHERE Id = '001000000000001AAA'")[0]["OwnerId"]
    task = create(
        crm,
        "Task",
        {"Subject": "Invoice overdue", "WhatId": "001000000000001AAA", "OwnerId": owner, "ActivityDate": "2026-11-02"},
    )
    record = crm.get(f"{SOBJECTS}/Task/{task}").json()
    assert (record["Status"], record["Priority"], record["IsClosed"]) == ("Not Started", "Normal", False)
    crm.patch(f"{SOBJECTS}/Task/{task}", json={"Status": "Completed"})
    rows = query(crm, "SELECT Subject, IsClosed, What.Name, Owner.Alias FROM Task")
    account_name = query(crm, "SELECT Name FROM Account WHERE Id = '001000000000001AAA'")[0]["Name"]
    assert rows[0]["IsClosed"] is True
    assert rows[0]["What"] == {
        "attributes": {"type": "Account", "url": f"{SOBJECTS}/Account/001000000000001AAA"},
        "Name": account_name,
    }
    project = create(crm, "Project__c", {"Name": "Rollout"})
    assert create(crm, "Task", {"Subject": "Kick-off", "WhatId": project}).startswith("00T")
    wrong = crm.post(f"{SOBJECTS}/Task", json={"Subject": "x", "WhatId": "003000000000001AAA"})
    assert_error(
        wrong,
        400,
        "FIELD_INTEGRITY_EXCEPTION",
        "Related To ID: id value of incorrect type: 003000000000001AAA",
        ["WhatId"],
    )


def test_users_cannot_be_deleted_and_inactive_owners_are_refused(crm: TestClient) -> None:
    user = {
        "Username": "new.rep@p2c-sim.example.com",
        "LastName": "Rep",
        "Email": "new.rep@example.com",
        "Alias": "nrep",
    }
    user_id = create(crm, "User", user)
    assert crm.get(f"{SOBJECTS}/User/{user_id}").json()["Name"] == "Rep"
    assert_error(
        crm.post(f"{SOBJECTS}/User", json=user),
        400,
        "DUPLICATE_VALUE",
        f"duplicate value found: Username duplicates value on record with id: {user_id[:15]}",
        [],
    )
    assert_error(
        crm.delete(f"{SOBJECTS}/User/{user_id}"),
        405,
        "METHOD_NOT_ALLOWED",
        "HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD,PATCH",
    )
    crm.patch(f"{SOBJECTS}/User/{user_id}", json={"IsActive": False})
    response = crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"OwnerId": user_id})
    assert_error(
        response,
        400,
        "INACTIVE_OWNER_OR_USER",
        f"operation performed with inactive user [{user_id}] as owner of [account]",
        [],
    )


def test_the_project_custom_object_comes_from_metadata(crm: TestClient) -> None:
    described = crm.get(f"{SOBJECTS}/Project__c/describe").json()
    assert (described["custom"], described["keyPrefix"], described["label"]) == (True, "a01", "Project")
    fields = {f["name"]: f for f in described["fields"]}
    assert fields["Name"]["label"] == "Project Name"
    assert fields["Opportunity__c"]["referenceTo"] == ["Opportunity"]
    assert fields["Status__c"]["defaultValue"] == "Planned"
    opp = crm.get(f"{SOBJECTS}/Opportunity/External_Id__c/OPP-00001").json()
    upsert = crm.patch(
        f"{SOBJECTS}/Project__c/PSA_Project_Id__c/PSA-1",
        json={"Name": "Rollout", "Opportunity__c": opp["Id"], "Account__c": opp["AccountId"], "Budget__c": 12000},
    )
    assert upsert.status_code == 201
    rows = query(crm, "SELECT Name, Status__c, Opportunity__r.Account.Name, Account__r.Owner.Name FROM Project__c")
    assert rows[0]["Status__c"] == "Planned"
    account = crm.get(f"{SOBJECTS}/Account/{opp['AccountId']}").json()
    owner = crm.get(f"{SOBJECTS}/User/{account['OwnerId']}").json()
    assert rows[0]["Opportunity__r"]["Account"]["Name"] == account["Name"]
    assert rows[0]["Account__r"]["Owner"]["Name"] == owner["Name"]
    children = {c["childSObject"] for c in crm.get(f"{SOBJECTS}/Opportunity/describe").json()["childRelationships"]}
    assert {"OpportunityLineItem", "Project__c", "Task"} <= children


def test_metadata_can_declare_fields_and_objects_at_run_time(crm: TestClient) -> None:
    settings = crm.get("/__admin/settings").json()
    metadata = settings["metadata"]
    metadata["custom_fields"]["Contact"] = [{"name": "PSA_User_Id__c", "type": "string", "external_id": True}]
    metadata["custom_objects"].append(
        {
            "name": "Invoice__c",
            "label": "Invoice",
            "label_plural": "Invoices",
            "key_prefix": "a02",
            "fields": [
                {"name": "Project__c", "type": "reference", "reference_to": "Project__c", "master_detail": True}
            ],
        }
    )
    assert crm.put("/__admin/settings", json={"metadata": metadata}).status_code == 200
    upserted = crm.patch(f"{SOBJECTS}/Contact/PSA_User_Id__c/u-1", json={"LastName": "Ito"})
    assert upserted.status_code == 201
    project = create(crm, "Project__c", {"Name": "Billing"})
    invoice = create(crm, "Invoice__c", {"Name": "INV-1", "Project__c": project})
    assert invoice.startswith("a02")
    crm.delete(f"{SOBJECTS}/Project__c/{project}")
    assert crm.get(f"{SOBJECTS}/Invoice__c/{invoice}").status_code == 404  # master-detail cascades


def test_bad_metadata_is_refused_by_the_control_plane(crm: TestClient) -> None:
    metadata = crm.get("/__admin/settings").json()["metadata"]
    metadata["custom_fields"]["Account"].append({"name": "Parent__c", "type": "reference", "reference_to": "Nope__c"})
    response = crm.put("/__admin/settings", json={"metadata": metadata})
    assert response.status_code == 400
    assert "Account.Parent__c looks up an unknown sObject type: Nope__c" in response.text
