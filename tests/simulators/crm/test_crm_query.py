"""SOQL over the wire and in the store: selection, filters, ordering, relationships, paging, errors."""

from __future__ import annotations

from typing import Any

import pytest
from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

from simulators._core.app import SimulatorApp
from simulators.crm.soql import parse
from simulators.datagen import World

UNKNOWN_FIELD = (
    "No such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append "
    "the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate "
    "names."
)


def soql(crm: TestClient, q: str, **headers: str) -> dict[str, Any]:
    response = crm.get(f"{V}/query", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_select_where_order_limit(crm: TestClient, world: World) -> None:
    for name, amount, stage in (("Q-big", 900_000, "Qualification"), ("Q-mid", 800_000, "Prospecting")):
        new = {"Name": name, "Amount": amount, "StageName": stage, "CloseDate": "2026-12-01"}
        assert crm.post(f"{SOBJECTS}/Opportunity", json=new).status_code == 201
    crm.post(
        f"{SOBJECTS}/Opportunity",
        json={"Name": "Q-lost", "Amount": 950_000, "StageName": "Closed Lost", "CloseDate": "2026-12-01"},
    )
    body = soql(
        crm,
        "SELECT Id, Name, Amount, StageName FROM Opportunity "
        "WHERE Amount >= 800000 AND StageName != 'Closed Lost' ORDER BY Amount DESC LIMIT 2",
    )
    assert body["totalSize"] == 2
    assert body["done"] is True
    assert "nextRecordsUrl" not in body
    first, second = body["records"]
    assert first["attributes"] == {"type": "Opportunity", "url": f"{SOBJECTS}/Opportunity/{first['Id']}"}
    assert list(first) == ["attributes", "Id", "Name", "Amount", "StageName"]
    assert [(first["Name"], first["Amount"]), (second["Name"], second["Amount"])] == [
        ("Q-big", 900000.0),
        ("Q-mid", 800000.0),
    ]


def test_keywords_and_field_names_are_case_insensitive(crm: TestClient) -> None:
    body = soql(crm, "select id, erp_customer_id__c from account where ERP_CUSTOMER_ID__C = 'cust-00002'")
    assert [r["ERP_Customer_Id__c"] for r in body["records"]] == ["CUST-00002"]


def test_or_like_in_null_and_parentheses(crm: TestClient, world: World) -> None:
    crm.post(f"{SOBJECTS}/Account", json={"Name": "Zeta Labs", "Phone": "+47 555 0100"})
    keys = [world.customers[2].key, world.customers[3].key]
    body = soql(
        crm,
        f"SELECT Name FROM Account WHERE (Name LIKE 'zeta%' OR ERP_Customer_Id__c IN ('{keys[0]}', '{keys[1]}')) "
        "AND Phone = null ORDER BY Name",
    )
    assert [r["Name"] for r in body["records"]] == sorted(
        (world.customers[2].name, world.customers[3].name), key=str.lower
    )
    body = soql(crm, "SELECT Name FROM Account WHERE Phone != null")
    assert [r["Name"] for r in body["records"]] == ["Zeta Labs"]


def test_dates_booleans_and_date_literals(crm: TestClient, world: World) -> None:
    body = soql(crm, "SELECT External_Id__c FROM Opportunity WHERE CloseDate < 2026-10-01 AND IsClosed = false")
    expected = [
        o.key
        for o in world.opportunities
        if o.close_date.isoformat() < "2026-10-01" and o.stage not in ("Closed Won", "Closed Lost")
    ]
    assert sorted(r["External_Id__c"] for r in body["records"]) == expected
    body = soql(crm, "SELECT Id FROM Account WHERE CreatedDate = TODAY")
    assert body["totalSize"] == len(world.customers)
    assert soql(crm, "SELECT Id FROM Account WHERE CreatedDate = YESTERDAY")["totalSize"] == 0


def test_parent_relationship_fields_are_nested(crm: TestClient, world: World) -> None:
    body = soql(crm, "SELECT External_Id__c, Account.Name, Account.ERP_Customer_Id__c FROM Opportunity LIMIT 1")
    account = body["records"][0]["Account"]
    assert account["attributes"]["type"] == "Account"
    assert account["ERP_Customer_Id__c"] == world.customers[0].key
    assert account["Name"] == world.customers[0].name


def test_count_returns_only_the_total(crm: TestClient, world: World) -> None:
    body = soql(crm, "SELECT COUNT() FROM Account")
    assert body == {"totalSize": len(world.customers), "done": True, "records": []}


def test_deleted_records_only_show_in_query_all(crm: TestClient) -> None:
    assert crm.delete(f"{SOBJECTS}/Opportunity/006000000000001AAA").status_code == 204
    q = {"q": "SELECT Id, IsDeleted FROM Opportunity WHERE External_Id__c = 'OPP-00001'"}
    assert crm.get(f"{V}/query", params=q).json()["totalSize"] == 0
    assert crm.get(f"{V}/queryAll", params=q).json()["records"][0]["IsDeleted"] is True


def test_large_results_come_in_batches_with_next_records_url(crm_app: SimulatorApp, crm: TestClient) -> None:
    store = crm_app.state.sim.tenant().store
    for i in range(250):
        store.create("Contact", {"LastName": f"Bulk {i:03d}"})

    first = soql(crm, "SELECT LastName FROM Contact ORDER BY LastName", **{"Sforce-Query-Options": "batchSize=200"})

    assert (first["totalSize"], first["done"], len(first["records"])) == (250, False, 200)
    assert first["nextRecordsUrl"].startswith(f"{V}/query/01g")
    assert first["nextRecordsUrl"].endswith("-200")
    rest = crm.get(first["nextRecordsUrl"]).json()
    assert (rest["done"], len(rest["records"]), rest["records"][-1]["LastName"]) == (True, 50, "Bulk 249")


def test_unknown_locator_is_invalid_query_locator(crm: TestClient) -> None:
    response = crm.get(f"{V}/query/01g000000000009AAA-2000")
    assert_error(response, 400, "INVALID_QUERY_LOCATOR", "invalid query locator")


def test_malformed_query(crm: TestClient) -> None:
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FORM Account"})
    assert_error(
        response,
        400,
        "MALFORMED_QUERY",
        "\nSELECT Id FORM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: FORM",
    )
    assert "fields" not in response.json()[0]


def test_unknown_field_in_query(crm: TestClient) -> None:
    response = crm.get(f"{V}/query", params={"q": "SELECT Id, Foo FROM Account"})
    expected = f"\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\n{UNKNOWN_FIELD}"
    assert_error(response, 400, "INVALID_FIELD", expected)


def test_unknown_object_in_query(crm: TestClient) -> None:
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FROM Invoice"})
    assert_error(
        response,
        400,
        "INVALID_TYPE",
        "\nSELECT Id FROM Invoice\n               ^\nERROR at Row:1:Column:16\n"
        "sObject type 'Invoice' is not supported. If you are attempting to use a custom object, be sure to "
        "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
        "appropriate names.",
    )


def test_filter_value_of_the_wrong_type(crm: TestClient) -> None:
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FROM Opportunity WHERE Amount = '5'"})
    assert_error(
        response,
        400,
        "INVALID_QUERY_FILTER_OPERATOR",
        "\nSELECT Id FROM Opportunity WHERE Amount = '5'\n                                          ^\n"
        "ERROR at Row:1:Column:43\nvalue of filter criterion for field 'Amount' must be of type double and should "
        "not be enclosed in quotes",
    )


def test_missing_query_string(crm: TestClient) -> None:
    assert_error(crm.get(f"{V}/query"), 400, "MALFORMED_QUERY", "A query string has to be specified")


def test_offset_above_two_thousand(crm: TestClient) -> None:
    response = crm.get(f"{V}/query", params={"q": "SELECT Id FROM Account LIMIT 5 OFFSET 2001"})
    assert_error(response, 400, "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")


@pytest.mark.parametrize(
    "q",
    [
        "SELECT FROM Account",
        "SELECT Id FROM Account WHERE",
        "SELECT Id FROM Account GROUP BY Name",
        "SELECT Id, COUNT() FROM Account",
        "SELECT Id FROM Account LIMIT x",
    ],
)
def test_unsupported_or_broken_syntax_is_malformed(q: str) -> None:
    from simulators.crm.exceptions import MalformedQuery

    with pytest.raises(MalformedQuery):
        parse(q)
