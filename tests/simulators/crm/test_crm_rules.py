"""Rules as org metadata: validation rules, duplicate rules, and approval locks."""

from __future__ import annotations

from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

OPP = {"Name": "Rules deal", "StageName": "Prospecting", "CloseDate": "2026-12-01"}
LOCKED = "the entity is locked for editing"


def metadata(crm: TestClient) -> dict[str, Any]:
    doc: dict[str, Any] = crm.get("/__admin/settings").json()["metadata"]
    return doc


def put_metadata(crm: TestClient, doc: dict[str, Any]) -> None:
    response = crm.put("/__admin/settings", json={"metadata": doc})
    assert response.status_code == 200, response.text


def test_validation_rules_are_data_with_parent_fields_and_an_error_field(crm: TestClient) -> None:
    doc = metadata(crm)
    doc["validation_rules"].append(
        {
            "object": "Opportunity",
            "name": "No_Win_On_Credit_Hold",
            "error_condition": "StageName = 'Closed Won' AND Account.Credit_Hold__c = true",
            "message": "The account is on credit hold.",
            "error_field": "StageName",
        }
    )
    put_metadata(crm, doc)
    crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"Credit_Hold__c": True})
    body = {**OPP, "AccountId": "001000000000001AAA", "StageName": "Closed Won", "Amount": 10}
    response = crm.post(f"{SOBJECTS}/Opportunity", json=body)
    assert_error(response, 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "The account is on credit hold.", ["StageName"])
    crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"Credit_Hold__c": False})
    assert crm.post(f"{SOBJECTS}/Opportunity", json=body).status_code == 201


def test_inactive_validation_rules_do_not_run(crm: TestClient) -> None:
    doc = metadata(crm)
    doc["validation_rules"][0]["active"] = False
    put_metadata(crm, doc)
    response = crm.post(f"{SOBJECTS}/Opportunity", json={**OPP, "StageName": "Closed Won"})
    assert response.status_code == 201


def test_a_rule_with_a_broken_condition_is_refused(crm: TestClient) -> None:
    doc = metadata(crm)
    doc["validation_rules"].append(
        {"object": "Account", "name": "Broken", "error_condition": "Nope__c = 1", "message": "x"}
    )
    response = crm.put("/__admin/settings", json={"metadata": doc})
    assert response.status_code == 400
    assert "validation rule Broken" in response.text


def test_alert_duplicate_rules_let_the_header_save(crm: TestClient) -> None:
    name = crm.get(f"{SOBJECTS}/Account/001000000000001AAA").json()["Name"]
    assert crm.post(f"{SOBJECTS}/Account", json={"Name": name}).status_code == 400
    allowed = crm.post(
        f"{SOBJECTS}/Account", json={"Name": name}, headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"}
    )
    assert allowed.status_code == 201
    renamed = crm.patch(f"{SOBJECTS}/Account/001000000000002AAA", json={"Name": name})
    assert renamed.json()[0]["errorCode"] == "DUPLICATES_DETECTED"
    unrelated = crm.patch(f"{SOBJECTS}/Account/{allowed.json()['id']}", json={"Industry": "Energy"})
    assert unrelated.status_code == 204  # the rule only runs when its fields change


def test_blocking_duplicate_rules_ignore_the_header(crm: TestClient) -> None:
    doc = metadata(crm)
    doc["duplicate_rules"].append(
        {
            "object": "Contact",
            "name": "Contact_Email_Block",
            "match_rule": "Contact_Email_Exact",
            "fields": ["Email"],
            "action": "block",
            "message": "A contact with this email exists.",
        }
    )
    put_metadata(crm, doc)
    first = crm.post(f"{SOBJECTS}/Contact", json={"LastName": "A", "Email": "dup@example.com"}).json()["id"]
    response = crm.post(
        f"{SOBJECTS}/Contact",
        json={"LastName": "B", "Email": "DUP@example.com"},
        headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"},
    )
    assert_error(response, 400, "DUPLICATES_DETECTED", "A contact with this email exists.", [])
    result = response.json()[0]["duplicateResult"]
    assert (result["allowSave"], result["duplicateRule"]) == (False, "Contact_Email_Block")
    assert result["matchResults"][0]["matchRecords"][0]["record"]["Id"] == first


def test_a_submitted_record_is_locked_until_approved(crm: TestClient) -> None:
    opp = crm.post(f"{SOBJECTS}/Opportunity", json=OPP).json()["id"]
    line = crm.post(f"{SOBJECTS}/OpportunityLineItem", json={"OpportunityId": opp, "Quantity": 1, "UnitPrice": 9})
    submitted = crm.post(
        f"{V}/process/approvals", json={"requests": [{"actionType": "Submit", "contextId": opp, "comments": "ok?"}]}
    )
    assert submitted.status_code == 200, submitted.text
    (result,) = submitted.json()
    assert (result["entityId"], result["instanceStatus"], result["success"]) == (opp, "Pending", True)
    assert_error(crm.patch(f"{SOBJECTS}/Opportunity/{opp}", json={"Amount": 1}), 400, "ENTITY_IS_LOCKED", LOCKED, [])
    assert_error(crm.delete(f"{SOBJECTS}/Opportunity/{opp}"), 400, "ENTITY_IS_LOCKED", LOCKED, [])
    child = crm.patch(f"{SOBJECTS}/OpportunityLineItem/{line.json()['id']}", json={"Quantity": 3})
    assert_error(child, 400, "ENTITY_IS_LOCKED", LOCKED, [])
    again = crm.post(f"{V}/process/approvals", json={"requests": [{"actionType": "Submit", "contextId": opp}]})
    assert_error(
        again,
        400,
        "ALREADY_IN_PROCESS",
        "This record is currently in an approval process. A record can be in only one approval process at a time.",
        [],
    )
    pending = crm.get(
        f"{V}/query", params={"q": f"SELECT Id, Status FROM ProcessInstance WHERE TargetObjectId = '{opp}'"}
    )
    instance = pending.json()["records"][0]["Id"]
    approved = crm.post(f"{V}/process/approvals", json={"requests": [{"actionType": "Approve", "contextId": instance}]})
    assert approved.json()[0]["instanceStatus"] == "Approved"
    assert crm.patch(f"{SOBJECTS}/Opportunity/{opp}", json={"Amount": 1}).status_code == 204


def test_the_locking_provider_state_and_its_teardown(crm: TestClient) -> None:
    state = {"state": "opportunity OPP-00002 is locked for approval"}
    locked = crm.post("/__admin/provider-states", json=state).json()
    assert crm.patch(f"{SOBJECTS}/Opportunity/{locked['id']}", json={"Amount": 7}).status_code == 400
    crm.post("/__admin/provider-states", json={**state, "action": "teardown"})
    assert crm.patch(f"{SOBJECTS}/Opportunity/{locked['id']}", json={"Amount": 7}).status_code == 204


def test_rejecting_unlocks_and_unknown_contexts_are_refused(crm: TestClient) -> None:
    account = "001000000000003AAA"
    submitted = crm.post(f"{V}/process/approvals", json={"requests": [{"actionType": "Submit", "contextId": account}]})
    instance = submitted.json()[0]["instanceId"]
    assert crm.patch(f"{SOBJECTS}/Account/{account}", json={"Industry": "Retail"}).status_code == 400
    rejected = crm.post(f"{V}/process/approvals", json={"requests": [{"actionType": "Reject", "contextId": instance}]})
    assert rejected.json()[0]["instanceStatus"] == "Rejected"
    assert crm.patch(f"{SOBJECTS}/Account/{account}", json={"Industry": "Retail"}).status_code == 204
    again = crm.post(f"{V}/process/approvals", json={"requests": [{"actionType": "Approve", "contextId": instance}]})
    assert_error(again, 400, "INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {instance}", [])
