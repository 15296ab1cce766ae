"""``POST /composite``: references between subrequests, allOrNone, limits, and one API call for the lot."""

from __future__ import annotations

from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

OPP = {"Name": "Composite deal", "StageName": "Prospecting", "CloseDate": "2026-12-01"}
ROLLED_BACK = "The transaction was rolled back since another operation in the same transaction failed."


def sub(method: str, url: str, ref: str, body: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"method": method, "url": url, "referenceId": ref}
    if body is not None:
        out["body"] = body
    return out


def composite(crm: TestClient, subrequests: list[dict[str, Any]], all_or_none: bool = False) -> list[dict[str, Any]]:
    response = crm.post(f"{V}/composite", json={"allOrNone": all_or_none, "compositeRequest": subrequests})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["compositeResponse"]
    return items


def count(crm: TestClient, soql: str) -> int:
    return int(crm.get(f"{V}/query", params={"q": soql}).json()["totalSize"])


def test_references_chain_creates_reads_and_queries(crm: TestClient) -> None:
    items = composite(
        crm,
        [
            sub("POST", f"{SOBJECTS}/Account", "acct", {"Name": "Chain Co"}),
            sub("POST", f"{SOBJECTS}/Opportunity", "opp", {**OPP, "AccountId": "@{acct.id}"}),
            sub("GET", f"{V}/query?q=SELECT+Id,Account.Name+FROM+Opportunity+WHERE+Id='@{{opp.id}}'", "q"),
            sub("PATCH", f"{SOBJECTS}/Opportunity/@{{q.records[0].Id}}", "upd", {"Description": "@{acct.id}"}),
            sub("GET", f"{SOBJECTS}/Opportunity/@{{opp.id}}?fields=Description,AccountId", "read"),
        ],
    )
    assert [i["httpStatusCode"] for i in items] == [201, 201, 200, 204, 200]
    account_id = items[0]["body"]["id"]
    assert items[0]["httpHeaders"] == {"Location": f"{SOBJECTS}/Account/{account_id}"}
    assert items[2]["body"]["records"][0]["Account"]["Name"] == "Chain Co"
    assert items[3]["body"] is None
    assert items[4]["body"]["Description"] == account_id
    assert [i["referenceId"] for i in items] == ["acct", "opp", "q", "upd", "read"]


def test_all_or_none_rolls_everything_back(crm: TestClient) -> None:
    before = count(crm, "SELECT COUNT() FROM Account")
    items = composite(
        crm,
        [
            sub("POST", f"{SOBJECTS}/Account", "a1", {"Name": "Rollback One"}),
            sub("POST", f"{SOBJECTS}/Opportunity", "bad", {"Name": "No stage"}),
            sub("POST", f"{SOBJECTS}/Account", "a2", {"Name": "Rollback Two"}),
        ],
        all_or_none=True,
    )
    halted = [{"message": ROLLED_BACK, "errorCode": "PROCESSING_HALTED"}]
    assert [i["httpStatusCode"] for i in items] == [400, 400, 400]
    assert items[0]["body"] == halted
    assert items[2]["body"] == halted
    assert items[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert count(crm, "SELECT COUNT() FROM Account") == before
    assert crm.get("/__admin/events").json()["events"] == []


def test_without_all_or_none_independent_subrequests_still_run(crm: TestClient) -> None:
    items = composite(
        crm,
        [
            sub("POST", f"{SOBJECTS}/Opportunity", "bad", {"Name": "No stage"}),
            sub("GET", f"{SOBJECTS}/Opportunity/@{{bad.id}}", "dependent"),
            sub("POST", f"{SOBJECTS}/Account", "fine", {"Name": "Independent Co"}),
        ],
    )
    assert [i["httpStatusCode"] for i in items] == [400, 400, 201]
    assert items[1]["body"] == [
        {
            "message": "Invalid reference specified. No value for bad.id found in bad. Provided referenceId ('bad') "
            "must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').",
            "errorCode": "PROCESSING_HALTED",
        }
    ]
    assert count(crm, "SELECT COUNT() FROM Account WHERE Name = 'Independent Co'") == 1


def test_a_reference_into_an_empty_query_result_halts_the_dependent(crm: TestClient) -> None:
    items = composite(
        crm,
        [
            sub("GET", f"{V}/query?q=SELECT+Id+FROM+Account+WHERE+Name='nobody'", "lookup"),
            sub("PATCH", f"{SOBJECTS}/Account/@{{lookup.records[0].Id}}", "edit", {"Name": "x"}),
        ],
    )
    assert items[1]["httpStatusCode"] == 400
    assert items[1]["body"][0]["message"].startswith(
        "Invalid reference specified. No value for lookup.records[0].Id found in lookup."
    )


def test_more_than_25_subrequests_are_refused_inside_a_200(crm: TestClient) -> None:
    subrequests = [sub("GET", f"{SOBJECTS}/Account/001000000000001AAA", f"r{n}") for n in range(26)]
    items = composite(crm, subrequests)
    assert items == [
        {
            "body": [
                {"message": "The request can\u2019t contain more than 25 operations.", "errorCode": "LIMIT_EXCEEDED"}
            ],
            "httpHeaders": {},
            "httpStatusCode": 400,
            "referenceId": None,
        }
    ]


def test_more_than_five_queries_or_collections_are_refused(crm: TestClient) -> None:
    subrequests = [sub("GET", f"{V}/query?q=SELECT+Id+FROM+Account", f"q{n}") for n in range(6)]
    items = composite(crm, subrequests)
    assert items[0]["body"][0]["errorCode"] == "LIMIT_EXCEEDED"


def test_duplicate_reference_ids_are_a_400(crm: TestClient) -> None:
    subrequests = [sub("GET", f"{SOBJECTS}/Account/001000000000001AAA", "same") for _ in range(2)]
    response = crm.post(f"{V}/composite", json={"compositeRequest": subrequests})
    assert_error(response, 400, "INVALID_INPUT", "Duplicate ReferenceId provided in the request: same", [])


def test_unknown_resources_methods_and_versions_inside(crm: TestClient) -> None:
    items = composite(
        crm,
        [
            sub("GET", f"{V}/analytics/reports", "unknown"),
            sub("PUT", f"{SOBJECTS}/Account/001000000000001AAA", "method"),
            sub("GET", "/services/data/v30.0/sobjects/Account/001000000000001AAA", "retired"),
            sub("GET", "/services/data/v45.0/sobjects/Account/001000000000001AAA", "older"),
        ],
    )
    assert [(i["httpStatusCode"], i["body"][0]["errorCode"]) for i in items[:3]] == [
        (404, "NOT_FOUND"),
        (405, "METHOD_NOT_ALLOWED"),
        (410, "GONE"),
    ]
    assert items[3]["httpStatusCode"] == 200
    assert items[3]["body"]["attributes"]["url"].startswith("/services/data/v45.0/")


def test_a_collection_inside_an_all_or_none_composite_is_all_or_none(crm: TestClient) -> None:
    records = [{"attributes": {"type": "Account"}, "Name": "Inner One"}, {"attributes": {"type": "Account"}}]
    items = composite(
        crm,
        [
            sub("POST", f"{V}/composite/sobjects", "coll", {"allOrNone": False, "records": records}),
            sub("POST", f"{SOBJECTS}/Account", "after", {"Name": "After Co"}),
        ],
        all_or_none=True,
    )
    assert items[0]["httpStatusCode"] == 200
    first, second = items[0]["body"]
    assert first["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert second["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert items[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert count(crm, "SELECT COUNT() FROM Account WHERE Name IN ('Inner One', 'After Co')") == 0


def test_the_whole_composite_counts_as_one_api_call(crm: TestClient) -> None:
    before = crm.get(f"{V}/limits").json()["DailyApiRequests"]["Remaining"]
    composite(crm, [sub("GET", f"{SOBJECTS}/Account/001000000000001AAA", f"r{n}") for n in range(5)])
    after = crm.get(f"{V}/limits").json()["DailyApiRequests"]["Remaining"]
    assert before - after == 2  # the composite and this limits call


def test_a_malformed_body_is_a_json_parser_error(crm: TestClient) -> None:
    response = crm.post(f"{V}/composite", json={"allOrNone": True})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_composite_is_not_there_before_v42(crm: TestClient) -> None:
    response = crm.post("/services/data/v41.0/composite", json={"compositeRequest": []})
    assert_error(response, 404, "NOT_FOUND", "The requested resource does not exist")
