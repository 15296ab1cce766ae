"""Query locators (nextRecordsUrl): per-user eviction beyond ten, expiry in simulated time; deeper SOQL paths."""

from __future__ import annotations

from datetime import date

import pytest
from crm_wire import AUTH, SOBJECTS, V, assert_error
from fastapi.testclient import TestClient

from simulators.crm.soql_dates import date_range

PAGE = {"Sforce-Query-Options": "batchSize=200"}
SOQL = "SELECT Id FROM Account"


@pytest.fixture
def many_accounts(crm: TestClient) -> int:
    """Enough Accounts for two batches of 200."""
    records = [{"attributes": {"type": "Account"}, "Name": f"Cursor {n:03d}"} for n in range(200)]
    assert crm.post(f"{V}/composite/sobjects", json={"records": records}).status_code == 200
    total: int = crm.get(f"{V}/query", params={"q": "SELECT COUNT() FROM Account"}).json()["totalSize"]
    assert total > 200
    return total


def next_url(crm: TestClient, token: str = "test-token") -> str:
    headers = {**PAGE, "Authorization": f"Bearer {token}"}
    body = crm.get(f"{V}/query", params={"q": SOQL}, headers=headers).json()
    assert body["done"] is False
    return str(body["nextRecordsUrl"])


def test_an_eleventh_cursor_evicts_the_users_oldest(crm: TestClient, many_accounts: int) -> None:
    urls = [next_url(crm) for _ in range(11)]
    other_user = next_url(crm, token="someone-else")
    assert_error(crm.get(urls[0]), 400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    assert crm.get(urls[1], headers=PAGE).status_code == 200
    assert crm.get(urls[10], headers=PAGE).status_code == 200
    assert crm.get(other_user, headers={"Authorization": "Bearer someone-else"}).status_code == 200


def test_a_cursor_belongs_to_the_user_who_opened_it(crm: TestClient, many_accounts: int) -> None:
    url = next_url(crm)
    assert_error(
        crm.get(url, headers={"Authorization": "Bearer intruder"}),
        400,
        "INVALID_QUERY_LOCATOR",
        "invalid query locator",
    )


def test_cursors_expire_after_two_days_of_simulated_time(crm: TestClient, many_accounts: int) -> None:
    url = next_url(crm)
    crm.post("/__admin/clock/advance", json={"hours": 47})
    assert crm.get(url).status_code == 200
    crm.post("/__admin/clock/advance", json={"hours": 2})
    assert_error(crm.get(url), 400, "INVALID_QUERY_LOCATOR", "invalid query locator")


def test_the_batches_cover_every_row_once(crm: TestClient, many_accounts: int) -> None:
    seen: list[str] = []
    body = crm.get(f"{V}/query", params={"q": SOQL}, headers=PAGE).json()
    while True:
        seen += [r["Id"] for r in body["records"]]
        if body["done"]:
            break
        body = crm.get(body["nextRecordsUrl"], headers={**AUTH, **PAGE}).json()
    assert len(seen) == len(set(seen)) == many_accounts


def test_parent_paths_up_to_five_levels_and_polymorphic_lookups(crm: TestClient) -> None:
    q = "SELECT Account.Owner.CreatedBy.Name FROM Opportunity WHERE Account.Owner.IsActive = true LIMIT 1"
    row = crm.get(f"{V}/query", params={"q": q}).json()["records"][0]
    assert row["Account"]["Owner"]["CreatedBy"]["Name"] == "Integration User"
    too_deep = "SELECT Account.Owner.Manager.Manager.Manager.Manager.Name FROM Opportunity"
    response = crm.get(f"{V}/query", params={"q": too_deep})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"
    unknown = crm.get(f"{V}/query", params={"q": "SELECT What.Industry FROM Task"})
    assert unknown.json()[0]["errorCode"] == "INVALID_FIELD"  # not a field of every type What can point to


def test_a_missing_parent_renders_null(crm: TestClient) -> None:
    crm.post(f"{SOBJECTS}/Contact", json={"LastName": "Orphan"})
    row = crm.get(f"{V}/query", params={"q": "SELECT Name, Account.Name FROM Contact"}).json()["records"][0]
    assert row["Account"] is None


@pytest.mark.parametrize(
    ("literal", "start", "end"),
    [
        ("THIS_WEEK", date(2026, 10, 25), date(2026, 10, 31)),
        ("LAST_WEEK", date(2026, 10, 18), date(2026, 10, 24)),
        ("THIS_MONTH", date(2026, 10, 1), date(2026, 10, 31)),
        ("NEXT_MONTH", date(2026, 11, 1), date(2026, 11, 30)),
        ("LAST_QUARTER", date(2026, 7, 1), date(2026, 9, 30)),
        ("THIS_YEAR", date(2026, 1, 1), date(2026, 12, 31)),
        ("N_DAYS_AGO:3", date(2026, 10, 27), date(2026, 10, 27)),
        ("LAST_N_MONTHS:2", date(2026, 8, 1), date(2026, 9, 30)),
        ("NEXT_N_WEEKS:1", date(2026, 11, 1), date(2026, 11, 7)),
        ("next_90_days", date(2026, 10, 31), date(2027, 1, 28)),
    ],
)
def test_date_literals(literal: str, start: date, end: date) -> None:
    found = date_range(literal, date(2026, 10, 30))  # a Friday
    assert (found.start, found.end) == (start, end)


def test_date_literals_filter_in_soql(crm: TestClient) -> None:
    q = "SELECT COUNT() FROM Account WHERE CreatedDate = THIS_MONTH AND CreatedDate > LAST_N_MONTHS:1"
    total = crm.get(f"{V}/query", params={"q": q}).json()["totalSize"]
    assert total == crm.get(f"{V}/query", params={"q": "SELECT COUNT() FROM Account"}).json()["totalSize"]


def test_indexed_lookups_match_like_a_full_scan(crm: TestClient) -> None:
    q = (
        "SELECT ERP_Customer_Id__c FROM Account "
        "WHERE ERP_Customer_Id__c IN ('cust-00002', 'CUST-00001') AND Name != null"
    )
    rows = crm.get(f"{V}/query", params={"q": q}).json()["records"]
    assert [r["ERP_Customer_Id__c"] for r in rows] == ["CUST-00001", "CUST-00002"]
    crm.delete(f"{SOBJECTS}/Account/001000000000001AAA")
    assert crm.get(f"{V}/query", params={"q": q}).json()["totalSize"] == 1
    assert crm.get(f"{V}/queryAll", params={"q": q}).json()["totalSize"] == 2
