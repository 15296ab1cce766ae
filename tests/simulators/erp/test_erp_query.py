"""Record lists filtered with ``q``, and the SuiteQL subset on ``POST /services/rest/query/v1/suiteql``."""

from __future__ import annotations

from typing import Any

import pytest
from erp_wire import RECORD, SUITEQL, Erp, error


def _ids(erp: Erp, record_type: str, q: str, **params: Any) -> list[str]:
    response = erp.client.get(f"{RECORD}/{record_type}", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def _sql(erp: Erp, q: str, **params: Any) -> dict[str, Any]:
    response = erp.client.post(SUITEQL, json={"q": q}, params=params, headers={"Prefer": "transient"})
    assert response.status_code == 200, response.text
    doc: dict[str, Any] = response.json()
    return doc


@pytest.fixture
def bills(erp: Erp) -> list[str]:
    """Four timeBills: 1 h/1 Oct, 2 h/2 Oct (pending), 3 h/3 Oct (not billable), 4 h/4 Oct with a memo."""
    return [
        erp.time(hours="1", tranDate="2026-10-01"),
        erp.time(hours="2", tranDate="2026-10-02", approvalStatus={"id": "1"}),
        erp.time(hours="3", tranDate="2026-10-03", isBillable=False),
        erp.time(hours="4", tranDate="2026-10-04", memo="Go-live weekend"),
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hours GREATER 2", [2, 3]),
        ("hours BETWEEN [2, 3]", [1, 2]),
        ("hours BETWEEN_NOT [2, 3]", [0, 3]),
        ("hours ANY_OF [1, 4]", [0, 3]),
        ("isBillable IS false", [2]),
        ('tranDate ON_OR_AFTER "10/3/2026"', [2, 3]),
        ('tranDate BEFORE "10/02/2026"', [0]),
        ('tranDate ON "10/2/2026"', [1]),
        ("approvalStatus ANY_OF [1]", [1]),
        ("memo CONTAIN live", [3]),
        ("memo START_WITH go", [3]),
        ("memo EMPTY", [0, 1, 2]),
        ("memo EMPTY_NOT", [3]),
        ("hours LESS 2 OR (isBillable IS false AND hours GREATER_OR_EQUAL 3)", [0, 2]),
        ("HOURS less_or_equal 1", [0]),
    ],
)
def test_q_filters_time_bills(erp: Erp, bills: list[str], q: str, expected: list[int]) -> None:
    assert _ids(erp, "timeBill", q) == [bills[i] for i in expected]


def test_q_filter_pages_and_keeps_the_filter_in_links(erp: Erp, bills: list[str]) -> None:
    response = erp.client.get(f"{RECORD}/timeBill", params={"q": "hours GREATER 1", "limit": 2})
    doc = response.json()
    assert (doc["count"], doc["totalResults"], doc["hasMore"]) == (2, 3, True)
    [next_link] = [link["href"] for link in doc["links"] if link["rel"] == "next"]
    assert next_link.endswith("limit=2&offset=2&q=hours%20GREATER%201")
    assert _ids(erp, "timeBill", "hours GREATER 1", limit=2, offset=2) == [bills[3]]


def test_q_on_other_records(erp: Erp) -> None:
    assert _ids(erp, "customer", "creditLimit GREATER_OR_EQUAL 500000") == ["13", "14"]
    assert _ids(erp, "job", "jobBillingType IS fixed_fee") == ["7"]
    assert _ids(erp, "accountingPeriod", 'startDate AFTER "12/15/2026"') == ["16"]
    assert _ids(erp, "employee", "externalId IS psa-user-1002") == ["2"]


@pytest.mark.parametrize(
    ("q", "detail"),
    [
        ("colour IS red", "Invalid search query: field 'colour' is not available for record timeBill."),
        ("hours CONTAIN 2", "Invalid search query: operator CONTAIN is not valid for the number field hours."),
        ("hours GREATER two", "Invalid search query: 'two' is not a number (field hours)."),
        ("hours BETWEEN [1]", "Invalid search query: BETWEEN needs two values."),
        ("hours GREATER 1 AND", "Invalid search query: unexpected end of the query."),
        ("(hours GREATER 1", "Invalid search query: unexpected end of the query."),
        ("isBillable IS maybe", "Invalid search query: 'maybe' is not true or false (field isBillable)."),
        ('tranDate AFTER "2026-10-01"', 'Unparseable date: "2026-10-01"'),
    ],
)
def test_bad_q_is_invalid_parameter(erp: Erp, q: str, detail: str) -> None:
    response = erp.client.get(f"{RECORD}/timeBill", params={"q": q})
    assert error(response) == {"detail": detail, "o:errorCode": "INVALID_PARAMETER", "o:errorQueryParam": "q"}


# -- SuiteQL ------------------------------------------------------------------------------------------------------
def test_suiteql_select_join_and_values_as_strings(erp: Erp, bills: list[str]) -> None:
    doc = _sql(
        erp,
        "SELECT t.id, t.hours, t.trandate, t.isbillable, t.memo, e.firstname FROM TimeBill t "
        "JOIN employee e ON e.id = t.employee WHERE t.trandate >= TO_DATE('2026-10-03', 'YYYY-MM-DD') ORDER BY t.id",
    )
    assert (doc["count"], doc["totalResults"], doc["hasMore"], doc["offset"]) == (2, 2, False, 0)
    first, second = doc["items"]
    assert first == {
        "links": [],
        "id": bills[2],
        "hours": "3",
        "trandate": "10/3/2026",
        "isbillable": "F",
        "firstname": first["firstname"],
    }  # a null memo is left out
    assert second["memo"] == "Go-live weekend"


def test_suiteql_aggregates(erp: Erp, bills: list[str]) -> None:
    doc = _sql(
        erp,
        "SELECT customer, SUM(hours) AS total, COUNT(*) AS n FROM timebill WHERE approvalstatus = '2' "
        "GROUP BY customer",
    )
    assert doc["items"] == [{"links": [], "customer": "1", "total": "8", "n": "3"}]


def test_suiteql_transactions_after_billing(erp: Erp, bills: list[str]) -> None:
    erp.bill()
    erp.create("customerPayment", {"customer": {"id": "9"}, "payment": "100"})
    doc = _sql(erp, "SELECT type, tranid, foreigntotal, status FROM transaction ORDER BY type")
    assert [{k: v for k, v in i.items() if k != "links"} for i in doc["items"]] == [
        {"type": "CustInvc", "tranid": "INV000001", "foreigntotal": "500", "status": "A"},
        {"type": "CustPymt", "tranid": "PYMT000001", "foreigntotal": "100"},
    ]


def test_suiteql_paging(erp: Erp) -> None:
    first = _sql(erp, "SELECT id FROM employee ORDER BY id", limit=5)
    assert (first["count"], first["totalResults"], first["hasMore"]) == (5, 16, True)
    assert [link["rel"] for link in first["links"]] == ["self", "next"]
    last = _sql(erp, "SELECT id FROM employee ORDER BY id", limit=5, offset=15)
    assert ([i["id"] for i in last["items"]], last["hasMore"]) == (["16"], False)


def test_suiteql_row_cap_makes_rows_past_it_unreachable(erp: Erp) -> None:
    erp.settings(suiteql_max_rows=10)
    doc = _sql(erp, "SELECT id FROM employee ORDER BY id", limit=5, offset=5)
    assert (doc["totalResults"], doc["hasMore"], [i["id"] for i in doc["items"]]) == (
        10,
        False,
        [str(i) for i in range(6, 11)],
    )
    assert _sql(erp, "SELECT id FROM employee", offset=10)["items"] == []


@pytest.mark.parametrize(
    ("q", "detail"),
    [
        ("SELECT id FROM salesorder", "Record 'salesorder' was not found."),
        ("SELECT colour FROM customer", "Field 'colour' for record 'customer' was not found."),
        ("DELETE FROM customer", "only one SELECT statement is supported."),
        ("SELECT id FROM customer; SELECT id FROM job", "only one SELECT statement is supported."),
        ("SELEC id FROM customer", None),
    ],
)
def test_suiteql_refusals(erp: Erp, q: str, detail: str | None) -> None:
    found = error(erp.client.post(SUITEQL, json={"q": q}))
    assert found["o:errorCode"] == "INVALID_PARAMETER"
    prefix = "Invalid search query. Detailed unprocessed description follows. Search error occurred: "
    assert found["detail"].startswith(prefix)
    if detail is not None:
        assert found["detail"] == prefix + detail


def test_suiteql_limit_above_1000_is_refused(erp: Erp) -> None:
    found = error(erp.client.post(SUITEQL, json={"q": "SELECT id FROM job"}, params={"limit": 1001}))
    assert found["detail"] == "Invalid query parameter limit: Input should be less than or equal to 1000."


def test_suiteql_can_require_prefer_transient(erp: Erp) -> None:
    erp.settings(suiteql_require_transient=True)
    assert error(erp.client.post(SUITEQL, json={"q": "SELECT id FROM job"})) == {
        "detail": 'SuiteQL requests need the header "Prefer: transient".',
        "o:errorCode": "INVALID_PARAMETER",
    }
    assert _sql(erp, "SELECT id FROM job")["totalResults"] == 8


@pytest.mark.parametrize("query", ['"0', '"', "SELECT 'x", "SELECT id FROM customer WHERE companyname = 'a"])
def test_suiteql_that_cannot_be_tokenized_is_a_400(erp: Erp, query: str) -> None:
    resp = erp.client.post(SUITEQL, json={"q": query}, headers={"Prefer": "transient"})
    assert resp.status_code == 400
    [detail] = resp.json()["o:errorDetails"]
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["detail"].startswith(
        "Invalid search query. Detailed unprocessed description follows. Search error occurred: "
        "the query could not be parsed"
    )
