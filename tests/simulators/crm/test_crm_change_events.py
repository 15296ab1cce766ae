"""Change Data Capture: ChangeEventHeader, merged recordIds, gap and overflow events, the replay feed."""

from __future__ import annotations

import itertools
from typing import Any

from crm_wire import SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

FEED = f"{V}/p2c/changeEvents"
COLLECTION = f"{V}/composite/sobjects"
ORCH = {"Sforce-Call-Options": "client=p2c-orchestrator"}


def feed(crm: TestClient, **params: Any) -> dict[str, Any]:
    response = crm.get(FEED, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def payloads(crm: TestClient, **params: Any) -> list[dict[str, Any]]:
    return [e["data"]["payload"] for e in feed(crm, **params)["events"]]


def test_seeding_publishes_nothing(crm: TestClient) -> None:
    assert feed(crm) == {"channel": "/data/ChangeEvents", "latestReplayId": -1, "done": True, "events": []}


def test_create_event_carries_the_full_header_and_the_fields(crm: TestClient) -> None:
    created = crm.post(f"{SOBJECTS}/Account", json={"Name": "Cdc Co", "BillingCity": "Oslo"}, headers=ORCH).json()
    (event,) = feed(crm)["events"]
    assert event["channel"] == "/data/AccountChangeEvent"
    assert isinstance(event["data"]["event"]["replayId"], int)
    payload = event["data"]["payload"]
    header = payload["ChangeEventHeader"]
    assert header["entityName"] == "Account"
    assert header["recordIds"] == [created["id"]]
    assert header["changeType"] == "CREATE"
    assert header["changeOrigin"] == "com/salesforce/api/rest/67.0;client=p2c-orchestrator"
    assert header["commitUser"] == "005000000000001AAA"
    assert header["commitTimestamp"] == 1793350800000  # 2026-10-30T09:00:00Z, the frozen clock
    assert (header["sequenceNumber"], header["changedFields"], header["nulledFields"]) == (1, [], [])
    assert len(header["transactionKey"]) == 36
    assert isinstance(header["commitNumber"], int)
    assert (payload["Name"], payload["BillingCity"]) == ("Cdc Co", "Oslo")
    assert payload["CreatedDate"] == "2026-10-30T09:00:00.000Z"
    assert "Id" not in payload


def test_update_event_lists_changed_and_nulled_fields(crm: TestClient) -> None:
    crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"BillingCountry": None, "Credit_Hold__c": True})
    (payload,) = payloads(crm)
    header = payload["ChangeEventHeader"]
    assert header["changeType"] == "UPDATE"
    assert header["changeOrigin"] == "com/salesforce/api/rest/67.0"
    assert header["changedFields"] == ["BillingCountry", "Credit_Hold__c", "LastModifiedDate"]
    assert header["nulledFields"] == ["BillingCountry"]
    assert payload["BillingCountry"] is None
    assert payload["Credit_Hold__c"] is True


def test_identical_changes_in_one_transaction_are_merged(crm: TestClient) -> None:
    ids = ["001000000000001AAA", "001000000000002AAA", "001000000000003AAA"]
    records = [{"attributes": {"type": "Account"}, "id": i, "Industry": "Energy"} for i in ids]
    records[2]["Industry"] = "Retail"
    assert crm.patch(COLLECTION, json={"records": records}).status_code == 200
    merged, single = payloads(crm)
    assert merged["ChangeEventHeader"]["recordIds"] == ids[:2]
    assert single["ChangeEventHeader"]["recordIds"] == ids[2:]
    assert merged["ChangeEventHeader"]["transactionKey"] == single["ChangeEventHeader"]["transactionKey"]
    assert [merged["ChangeEventHeader"]["sequenceNumber"], single["ChangeEventHeader"]["sequenceNumber"]] == [1, 2]


def test_separate_calls_are_separate_transactions(crm: TestClient) -> None:
    for i in ("001000000000001AAA", "001000000000002AAA"):
        crm.patch(f"{SOBJECTS}/Account/{i}", json={"Industry": "Energy"})
    first, second = payloads(crm)
    assert first["ChangeEventHeader"]["transactionKey"] != second["ChangeEventHeader"]["transactionKey"]


def test_delete_cascades_and_line_items_roll_up(crm: TestClient) -> None:
    opp = crm.get(f"{SOBJECTS}/Opportunity/External_Id__c/OPP-00001").json()
    item = {"OpportunityId": opp["Id"], "Quantity": 2, "UnitPrice": 50}
    line = crm.post(f"{SOBJECTS}/OpportunityLineItem", json=item).json()["id"]
    crm.delete(f"{SOBJECTS}/Opportunity/{opp['Id']}")
    kinds = [(p["ChangeEventHeader"]["entityName"], p["ChangeEventHeader"]["changeType"]) for p in payloads(crm)]
    assert kinds == [
        ("OpportunityLineItem", "CREATE"),
        ("Opportunity", "UPDATE"),
        ("Opportunity", "DELETE"),
        ("OpportunityLineItem", "DELETE"),
    ]
    assert payloads(crm)[3]["ChangeEventHeader"]["recordIds"] == [line]


def test_gap_events_carry_only_the_header(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"change_events": {"gap_rate": 1.0}})
    crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"Industry": "Energy"})
    (payload,) = payloads(crm)
    assert list(payload) == ["ChangeEventHeader"]
    assert payload["ChangeEventHeader"]["changeType"] == "GAP_UPDATE"
    assert payload["ChangeEventHeader"]["recordIds"] == ["001000000000001AAA"]


def test_too_many_changes_in_one_transaction_overflow(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"change_events": {"overflow_threshold": 2, "merge": False}})
    records = [{"attributes": {"type": "Account"}, "Name": f"Flood {n}"} for n in range(4)]
    crm.post(COLLECTION, json={"records": records})
    kinds = [p["ChangeEventHeader"]["changeType"] for p in payloads(crm)]
    assert kinds == ["CREATE", "CREATE", "GAP_OVERFLOW"]
    assert payloads(crm)[2]["ChangeEventHeader"]["recordIds"] == []


def test_only_selected_entities_publish(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"change_events": {"entities": ["Opportunity"]}})
    crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"Industry": "Energy"})
    assert payloads(crm) == []


def test_provider_states_publish_like_a_user_in_the_ui(crm: TestClient) -> None:
    q = "SELECT External_Id__c FROM Opportunity WHERE IsClosed = false LIMIT 1"
    key = crm.get(f"{V}/query", params={"q": q}).json()["records"][0]["External_Id__c"]
    crm.post("/__admin/provider-states", json={"state": f"opportunity {key} is closed won"})
    (payload,) = payloads(crm, channel="/data/OpportunityChangeEvent")
    assert payload["ChangeEventHeader"]["changeOrigin"] == ""
    assert payload["StageName"] == "Closed Won"
    assert payload["IsWon"] is True


def test_replay_resumes_after_a_stored_replay_id(crm: TestClient) -> None:
    for n in range(5):
        crm.post(f"{SOBJECTS}/Account", json={"Name": f"Replay {n}"})
    first = feed(crm, batchSize=2)
    assert (len(first["events"]), first["done"]) == (2, False)
    rest = feed(crm, replayId=first["latestReplayId"])
    assert [e["data"]["payload"]["Name"] for e in rest["events"]] == ["Replay 2", "Replay 3", "Replay 4"]
    replay_ids = [e["data"]["event"]["replayId"] for e in first["events"] + rest["events"]]
    assert replay_ids == sorted(replay_ids)
    assert any(b - a > 1 for a, b in itertools.pairwise(replay_ids))  # opaque, not contiguous
    tip = feed(crm, replayId=-1)
    assert (tip["events"], tip["latestReplayId"]) == ([], replay_ids[-1])


def test_channels_filter_by_entity(crm: TestClient) -> None:
    crm.post(f"{SOBJECTS}/Account", json={"Name": "Channel Co"})
    crm.post(f"{SOBJECTS}/Task", json={"Subject": "Call"})
    tasks = feed(crm, channel="/data/TaskChangeEvent")["events"]
    assert [e["channel"] for e in tasks] == ["/data/TaskChangeEvent"]
    assert_error(
        crm.get(FEED, params={"channel": "/data/NopeChangeEvent"}),
        404,
        "NOT_FOUND",
        "Unknown channel: /data/NopeChangeEvent",
    )


def test_events_expire_after_72_hours_of_simulated_time(crm: TestClient) -> None:
    crm.post(f"{SOBJECTS}/Account", json={"Name": "Old News"})
    replay_id = feed(crm)["events"][0]["data"]["event"]["replayId"]
    crm.post("/__admin/clock/advance", json={"hours": 73})
    assert feed(crm)["events"] == []
    assert_error(
        crm.get(FEED, params={"replayId": replay_id}),
        400,
        "INVALID_REPLAY_ID",
        f"The replayId {{{replay_id}}} you provided was invalid. Please provide a valid ID, -2 to replay all events, "
        "or -1 to replay only new events.",
    )


def test_at_least_once_delivery_repeats_replay_ids(crm: TestClient) -> None:
    crm.put("/__admin/settings", json={"events": {"duplicate_rate": 1.0}})
    crm.post(f"{SOBJECTS}/Account", json={"Name": "Twice Co"})
    events = feed(crm)["events"]
    assert len(events) == 2
    assert events[0]["data"] == events[1]["data"]


def test_the_feed_is_authenticated_but_not_counted(crm: TestClient, anon: TestClient) -> None:
    before = crm.get(f"{V}/limits").json()["DailyApiRequests"]["Remaining"]
    response = crm.get(FEED)
    assert "sforce-limit-info" not in response.headers
    assert crm.get(f"{V}/limits").json()["DailyApiRequests"]["Remaining"] == before - 1
    assert anon.get(FEED).status_code == 401
    crm.post("/__admin/provider-states", json={"state": "the daily API quota is spent"})
    assert crm.get(FEED).status_code == 200
