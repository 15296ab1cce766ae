"""Accounting periods and the posting-date policy: ``reject`` or ``redate_to_first_open``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

TIME_BILL = "/services/rest/record/v1/timeBill"
SEP_2026, OCT_2026, NOV_2026 = "12", "13", "14"  # seeded period ids; months before October 2026 are closed

Records = Callable[[str], list[dict[str, Any]]]
Body = Callable[..., dict[str, Any]]

CLOSED_SEP = {
    "detail": "The transaction date 2026-09-15 falls in the closed accounting period Sep 2026. "
    "Posting is not allowed by your NetSuite settings.",
    "o:errorCode": "USER_ERROR",
    "o:errorPath": "tranDate",
}


def _redate(client: TestClient) -> None:
    response = client.put("/__admin/settings", json={"closed_period_policy": "redate_to_first_open"})
    assert response.status_code == 200
    assert response.json()["closed_period_policy"] == "redate_to_first_open"


def _detail(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    (detail,) = response.json()["o:errorDetails"]
    result: dict[str, Any] = detail
    return result


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_reject_policy_refuses_a_posting_in_a_closed_period(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body, method: str
) -> None:
    url = TIME_BILL if method == "POST" else f"{TIME_BILL}/eid:TB-SEP"
    response = erp_client.request(method, url, json=time_bill_body(tranDate="2026-09-15"))
    assert _detail(response) == CLOSED_SEP
    assert erp_records("timeBill") == []


def test_posting_in_an_open_period_lands_in_that_period(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.put(f"{TIME_BILL}/eid:TB-NOV", json=time_bill_body(tranDate="2026-11-03"))
    record = erp_client.get(f"{TIME_BILL}/eid:TB-NOV").json()
    assert (record["tranDate"], record["postingPeriod"]["id"]) == ("2026-11-03", NOV_2026)


def test_ar_locked_period_still_takes_time(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.post("/__admin/provider-states", json={"state": "accounting period 2026-10 is AR locked"})
    assert erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-10-20")).status_code == 204


def test_redate_policy_posts_into_the_first_open_period_and_keeps_the_date(
    erp_client: TestClient, time_bill_body: Body
) -> None:
    _redate(erp_client)
    response = erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-09-15"))
    assert response.status_code == 204
    record = erp_client.get(response.headers["location"].removeprefix("http://testserver")).json()
    assert record["tranDate"] == "2026-09-15"
    assert (record["postingPeriod"]["id"], record["postingPeriod"]["refName"]) == (OCT_2026, "Oct 2026")


def test_redate_skips_later_closed_periods(erp_client: TestClient, time_bill_body: Body) -> None:
    _redate(erp_client)
    erp_client.post("/__admin/provider-states", json={"state": "accounting period 2026-10 is closed"})
    erp_client.put(f"{TIME_BILL}/eid:TB-JUN", json=time_bill_body(tranDate="2026-06-30"))
    record = erp_client.get(f"{TIME_BILL}/eid:TB-JUN").json()
    assert (record["tranDate"], record["postingPeriod"]["id"]) == ("2026-06-30", NOV_2026)


def test_switching_back_to_reject_refuses_again(erp_client: TestClient, time_bill_body: Body) -> None:
    _redate(erp_client)
    erp_client.put("/__admin/settings", json={"closed_period_policy": "reject"})
    assert _detail(erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-09-15"))) == CLOSED_SEP


def test_closing_a_period_blocks_updates_of_its_records(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    erp_client.put(f"{TIME_BILL}/eid:TB-OCT", json=time_bill_body(tranDate="2026-10-15"))
    erp_client.post("/__admin/provider-states", json={"state": "accounting period 2026-10 is closed"})
    response = erp_client.put(f"{TIME_BILL}/eid:TB-OCT", json=time_bill_body(tranDate="2026-11-02", hours="8"))
    detail = _detail(response)
    assert detail["o:errorCode"] == "USER_ERROR"
    assert "closed accounting period Oct 2026" in detail["detail"]
    assert [(r["tranDate"], r["hours"]) for r in erp_records("timeBill")] == [("2026-10-15", "2.50")]


def test_closing_a_period_blocks_deleting_its_records(erp_client: TestClient, time_bill_body: Body) -> None:
    erp_client.put(f"{TIME_BILL}/eid:TB-DEL", json=time_bill_body(tranDate="2026-10-15"))
    erp_client.post("/__admin/provider-states", json={"state": "accounting period 2026-10 is closed"})
    detail = _detail(erp_client.delete(f"{TIME_BILL}/eid:TB-DEL"))
    assert detail["o:errorCode"] == "USER_ERROR"
    assert "closed accounting period Oct 2026" in detail["detail"]
    assert erp_client.get(f"{TIME_BILL}/eid:TB-DEL").status_code == 200


def test_a_redated_posting_can_be_upserted_again(
    erp_client: TestClient, erp_records: Records, time_bill_body: Body
) -> None:
    # The retried upsert (the idempotent way to post time) must succeed: the record's posting period
    # (October) is open even though its transaction date lies in the closed September.
    _redate(erp_client)
    body = time_bill_body(tranDate="2026-09-15")
    first = erp_client.put(f"{TIME_BILL}/eid:TB-RETRY", json=body)
    assert first.status_code == 204
    retry = erp_client.put(f"{TIME_BILL}/eid:TB-RETRY", json=body)
    assert retry.status_code == 204, retry.text
    assert retry.headers["location"] == first.headers["location"]
    assert len(erp_records("timeBill")) == 1


def test_a_redated_posting_can_be_deleted_while_its_posting_period_is_open(
    erp_client: TestClient, time_bill_body: Body
) -> None:
    _redate(erp_client)
    erp_client.put(f"{TIME_BILL}/eid:TB-GONE", json=time_bill_body(tranDate="2026-09-15"))
    response = erp_client.delete(f"{TIME_BILL}/eid:TB-GONE")
    assert response.status_code == 204, response.text
    assert erp_client.get(f"{TIME_BILL}/eid:TB-GONE").status_code == 404


# -- the close calendar (driven by the simulated clock) -----------------------------------------------------------
def _period(client: TestClient, period_id: str) -> tuple[bool, bool]:
    doc = client.get(f"/services/rest/record/v1/accountingPeriod/{period_id}").json()
    return doc["arLocked"], doc["closed"]


def test_close_calendar_locks_then_closes_october_as_the_clock_moves(
    erp_client: TestClient, time_bill_body: Body
) -> None:
    erp_client.put("/__admin/settings", json={"close_calendar": {"ar_lock_after_days": 3, "close_after_days": 10}})
    assert _period(erp_client, OCT_2026) == (False, False)
    erp_client.post("/__admin/clock/advance", json={"days": 4})  # 3 Nov: 3 days after month-end
    assert _period(erp_client, OCT_2026) == (False, False)
    erp_client.post("/__admin/clock/advance", json={"days": 1})  # 4 Nov: AR locked
    assert _period(erp_client, OCT_2026) == (True, False)
    assert erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-10-20")).status_code == 204
    erp_client.post("/__admin/clock/advance", json={"days": 7})  # 11 Nov: closed
    assert _period(erp_client, OCT_2026) == (True, True)
    assert _detail(erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2026-10-20")))["detail"] == (
        "The transaction date 2026-10-20 falls in the closed accounting period Oct 2026. "
        "Posting is not allowed by your NetSuite settings."
    )
    assert _period(erp_client, NOV_2026) == (False, False)


def test_close_calendar_never_reopens_a_period(erp_client: TestClient) -> None:
    erp_client.put("/__admin/settings", json={"close_calendar": {"ar_lock_after_days": 0}})
    erp_client.post("/__admin/clock/advance", json={"days": 2})
    # September was closed by the world; an AR-lock step does not turn it back into AR-locked.
    assert _period(erp_client, SEP_2026) == (True, True)
    assert _period(erp_client, OCT_2026) == (True, False)


def test_periods_are_set_up_ahead_as_the_clock_moves(erp_client: TestClient, time_bill_body: Body) -> None:
    assert _detail(erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2027-02-01")))["detail"] == (
        "No accounting period covers the transaction date 2027-02-01."
    )
    erp_client.post("/__admin/clock/advance", json={"days": 40})  # 9 Dec 2026: periods through March 2027
    response = erp_client.post(TIME_BILL, json=time_bill_body(tranDate="2027-02-01"))
    assert response.status_code == 204
    record = erp_client.get(response.headers["location"].removeprefix("http://testserver")).json()
    assert record["postingPeriod"]["refName"] == "Feb 2027"
    periods = erp_client.get("/services/rest/record/v1/accountingPeriod").json()
    assert periods["totalResults"] == 18


def test_locked_for_ar_is_an_alias_of_ar_locked(erp_client: TestClient) -> None:
    state = {"state": "accounting period 2026-10 is locked for AR"}
    assert erp_client.post("/__admin/provider-states", json=state).json() == {"periodId": OCT_2026}
    assert _period(erp_client, OCT_2026) == (True, False)
    erp_client.post("/__admin/provider-states", json={**state, "action": "teardown"})
    assert _period(erp_client, OCT_2026) == (False, False)
