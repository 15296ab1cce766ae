"""NetSuite REST record operations: create (204 + Location), read, upsert by ``eid:``, list paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

RECORD = "/services/rest/record/v1"
TIME_BILL = f"{RECORD}/timeBill"

Records = Callable[[str], list[dict[str, Any]]]
Body = Callable[..., dict[str, Any]]


def _created_id(response: Any) -> int:
    assert response.status_code == 204, response.text
    assert response.content == b""
    location = urlsplit(response.headers["location"])
    assert (location.scheme, location.netloc) == ("http", "testserver")
    prefix, _, record_id = location.path.rpartition("/")
    assert prefix == TIME_BILL
    return int(record_id)


def test_create_returns_204_and_an_absolute_location(erp_client: TestClient, time_bill_body: Body) -> None:
    response = erp_client.post(TIME_BILL, json=time_bill_body())
    assert response.headers["location"] == "http://testserver/services/rest/record/v1/timeBill/1"
    assert _created_id(response) == 1


def test_created_record_reads_back_by_id_and_by_external_id(erp_client: TestClient, time_bill_body: Body) -> None:
    body = time_bill_body(
        externalId="TB-001", hours="3.25", memo="Workshop", rate="190.00", approvalStatus={"id": "1"}, isBillable=False
    )
    record_id = _created_id(erp_client.post(TIME_BILL, json=body))
    by_id = erp_client.get(f"{TIME_BILL}/{record_id}")
    assert by_id.status_code == 200
    record = by_id.json()
    assert erp_client.get(f"{TIME_BILL}/eid:TB-001").json() == record
    assert record["id"] == str(record_id)
    assert record["links"] == [{"rel": "self", "href": f"http://testserver{TIME_BILL}/{record_id}"}]
    assert (record["externalId"], record["hours"], record["tranDate"]) == ("TB-001", 3.25, "2026-10-15")
    assert (record["memo"], record["rate"], record["isBillable"]) == ("Workshop", 190.0, False)
    assert record["approvalStatus"] == {"id": "1", "refName": "Pending Approval", "links": []}
    assert record["employee"]["id"] == "1"
    assert record["employee"]["links"] == [{"rel": "self", "href": f"http://testserver{RECORD}/employee/1"}]
    assert record["customer"]["links"] == [{"rel": "self", "href": f"http://testserver{RECORD}/job/1"}]
    assert (record["postingPeriod"]["id"], record["postingPeriod"]["refName"]) == ("13", "Oct 2026")


def test_time_for_a_customer_rather_than_a_project(erp_client: TestClient, time_bill_body: Body) -> None:
    # Seeded jobs and customers share ids 1..6; pin a customer at an id no job has.
    created = erp_client.post(
        "/__admin/provider-states", json={"state": "customer C-ONLY exists", "params": {"id": "900"}}
    ).json()
    record_id = _created_id(erp_client.post(TIME_BILL, json=time_bill_body(customer={"id": created["id"]})))
    customer = erp_client.get(f"{TIME_BILL}/{record_id}").json()["customer"]
    assert customer["id"] == "900"
    assert customer["links"][0]["href"].endswith("/customer/900")


def test_upsert_creates_then_updates_the_same_record(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    first = erp_client.put(f"{TIME_BILL}/eid:TB-UP", json=time_bill_body(hours="1"))
    record_id = _created_id(first)
    assert len(erp_records("timeBill")) == 1
    second = erp_client.put(f"{TIME_BILL}/eid:TB-UP", json=time_bill_body(hours="4.50", memo="corrected"))
    assert _created_id(second) == record_id
    rows = erp_records("timeBill")
    assert len(rows) == 1
    assert (rows[0]["id"], rows[0]["externalId"], rows[0]["hours"], rows[0]["memo"]) == (
        record_id,
        "TB-UP",
        "4.50",
        "corrected",
    )


def test_upsert_updates_last_modified_from_the_clock(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.put(f"{TIME_BILL}/eid:TB-T", json=time_bill_body())
    erp_client.post("/__admin/clock/advance", json={"hours": 3})
    erp_client.put(f"{TIME_BILL}/eid:TB-T", json=time_bill_body(hours="5"))
    record = erp_client.get(f"{TIME_BILL}/eid:TB-T").json()
    assert record["createdDate"] == "2026-10-30T09:00:00Z"
    assert record["lastModifiedDate"] == "2026-10-30T12:00:00Z"


def test_upsert_accepts_a_matching_external_id_in_the_body(erp_client: TestClient, time_bill_body: Body) -> None:
    assert erp_client.put(f"{TIME_BILL}/eid:TB-M", json=time_bill_body(externalId="TB-M")).status_code == 204


def test_post_twice_creates_two_records(erp_client: TestClient, erp_records: Records, time_bill_body: Body) -> None:
    # NetSuite has no idempotency on synchronous creates: a retried POST duplicates the posting.
    first = _created_id(erp_client.post(TIME_BILL, json=time_bill_body()))
    second = _created_id(erp_client.post(TIME_BILL, json=time_bill_body()))
    assert first != second
    rows = erp_records("timeBill")
    assert [r["id"] for r in rows] == [first, second]
    assert rows[0]["hours"] == rows[1]["hours"] == "2.50"


def test_delete_removes_the_record(erp_client: TestClient, time_bill_body: Body) -> None:
    record_id = _created_id(erp_client.post(TIME_BILL, json=time_bill_body()))
    assert erp_client.delete(f"{TIME_BILL}/{record_id}").status_code == 204
    assert erp_client.get(f"{TIME_BILL}/{record_id}").status_code == 404


def _page(client: TestClient, record_type: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"{RECORD}/{record_type}", params=params)
    assert response.status_code == 200, response.text
    doc: dict[str, Any] = response.json()
    return doc


def _link(doc: dict[str, Any], rel: str) -> dict[str, list[str]] | None:
    for link in doc["links"]:
        if link["rel"] == rel:
            href = urlsplit(link["href"])
            assert f"{href.scheme}://{href.netloc}{href.path}" == f"http://testserver{TIME_BILL}"
            return parse_qs(href.query)
    return None


def test_list_pages_with_limit_offset_and_has_more(erp_client: TestClient, time_bill_body: Body) -> None:
    ids = [_created_id(erp_client.post(TIME_BILL, json=time_bill_body())) for _ in range(5)]

    first = _page(erp_client, "timeBill", limit=2)
    assert (first["count"], first["offset"], first["totalResults"], first["hasMore"]) == (2, 0, 5, True)
    assert [item["id"] for item in first["items"]] == [str(i) for i in ids[:2]]
    assert first["items"][0]["links"] == [{"rel": "self", "href": f"http://testserver{TIME_BILL}/{ids[0]}"}]
    assert _link(first, "self") == {"limit": ["2"], "offset": ["0"]}
    assert _link(first, "next") == {"limit": ["2"], "offset": ["2"]}
    assert _link(first, "previous") is None

    last = _page(erp_client, "timeBill", limit=2, offset=4)
    assert (last["count"], last["hasMore"], last["totalResults"]) == (1, False, 5)
    assert [item["id"] for item in last["items"]] == [str(ids[4])]
    assert _link(last, "next") is None
    assert _link(last, "previous") == {"limit": ["2"], "offset": ["2"]}


def test_following_next_links_visits_every_record_once(erp_client: TestClient, time_bill_body: Body) -> None:
    ids = {str(_created_id(erp_client.post(TIME_BILL, json=time_bill_body()))) for _ in range(7)}
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3, "offset": 0}
    for _ in range(10):
        doc = _page(erp_client, "timeBill", **params)
        seen += [item["id"] for item in doc["items"]]
        nxt = _link(doc, "next")
        if nxt is None:
            break
        params = {"limit": nxt["limit"][0], "offset": nxt["offset"][0]}
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(ids)


def test_list_beyond_the_end_is_an_empty_page(erp_client: TestClient) -> None:
    doc = _page(erp_client, "customer", limit=10, offset=50)
    assert (doc["count"], doc["items"], doc["hasMore"], doc["totalResults"]) == (0, [], False, 6)


def test_list_defaults_to_a_page_of_up_to_1000(erp_client: TestClient) -> None:
    doc = _page(erp_client, "employee")
    assert (doc["count"], doc["hasMore"], doc["totalResults"], doc["offset"]) == (16, False, 16, 0)


@pytest.mark.parametrize(
    ("record_type", "ref", "field", "value"),
    [
        ("customer", "9", "externalId", "CUST-00001"),
        ("customer", "eid:CUST-00002", "id", "10"),
        ("employee", "eid:psa-user-1001", "id", "1"),
        ("job", "eid:psa-ws-2001", "entityId", "PRJ-00001"),
        ("accountingPeriod", "13", "periodName", "Oct 2026"),
    ],
)
def test_read_seeded_records(erp_client: TestClient, record_type: str, ref: str, field: str, value: str) -> None:
    response = erp_client.get(f"{RECORD}/{record_type}/{ref}")
    assert response.status_code == 200
    assert response.json()[field] == value


def test_accounting_period_flags_follow_its_state(erp_client: TestClient) -> None:
    sep = erp_client.get(f"{RECORD}/accountingPeriod/12").json()
    oct_ = erp_client.get(f"{RECORD}/accountingPeriod/13").json()
    assert (sep["periodName"], sep["closed"], sep["arLocked"], sep["allLocked"]) == ("Sep 2026", True, True, True)
    assert (oct_["closed"], oct_["arLocked"]) == (False, False)
    erp_client.post("/__admin/provider-states", json={"state": "accounting period 2026-10 is AR locked"})
    oct_ = erp_client.get(f"{RECORD}/accountingPeriod/13").json()
    assert (oct_["closed"], oct_["arLocked"], oct_["allLocked"]) == (False, True, False)


def test_customer_create_and_upsert(erp_client: TestClient) -> None:
    created = erp_client.post(f"{RECORD}/customer", json={"externalId": "C-NEW", "companyName": "New Co"})
    assert created.status_code == 204
    customer_id = created.headers["location"].rsplit("/", 1)[1]
    upserted = erp_client.put(
        f"{RECORD}/customer/eid:C-NEW",
        json={"companyName": "New Co Ltd", "creditLimit": "5000", "creditHoldOverride": {"id": "ON"}},
    )
    assert upserted.headers["location"].rsplit("/", 1)[1] == customer_id
    record = erp_client.get(f"{RECORD}/customer/eid:C-NEW").json()
    assert (record["id"], record["companyName"], record["creditLimit"]) == (customer_id, "New Co Ltd", 5000.0)
    assert record["creditHoldOverride"] == {"id": "ON", "refName": "On", "links": []}


def test_tenants_are_isolated(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.post(TIME_BILL, json=time_bill_body(), headers={"X-P2C-Tenant": "acme"})
    assert _page(erp_client, "timeBill")["totalResults"] == 0
    acme = erp_client.get(TIME_BILL, headers={"X-P2C-Tenant": "acme"}).json()
    assert acme["totalResults"] == 1


def test_trailing_slash_is_accepted(erp_client: TestClient, time_bill_body: Body) -> None:
    assert erp_client.post(f"{TIME_BILL}/", json=time_bill_body()).status_code == 204
