"""A NetSuite REST client written only from Oracle's REST web services documentation, run unchanged against the
ERP simulator served by uvicorn on loopback.

Every behaviour the client relies on is the documented one (sources in ``vendor-apis.md`` section 2):
create answers 204 with the record URL in ``Location`` and no body (section_1545141395); ``PUT .../eid:`` is
the upsert (section_156335203191); lists page with ``limit``/``offset``/``hasMore`` and ``next`` links, items
carry links only (section_156414087576); SuiteQL needs ``Prefer: transient`` and pages the same way
(section_158394344595); ``Prefer: respond-async`` answers 202 with the job in ``Location``, the job is polled
until ``completed`` (subsect_161278579295, subsect_161252896355), and a repeated
``X-NetSuite-idempotency-key`` answers 400 "Conflict" ``IDEMPOTENCY_ERROR`` with the original job's
``Location`` (subsect_164494900632). Nothing here knows the simulator's control plane.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from simulators.erp.app import create_app

pytestmark = pytest.mark.servers_only
POLL_DEADLINE_S = 10.0


class NetSuiteRest:
    """The smallest useful NetSuite REST client: records, lists, SuiteQL and async jobs."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url.rstrip("/") + "/services/rest/"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10, trust_env=False)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def _check(self, response: httpx.Response, *ok: int) -> httpx.Response:
        if response.status_code not in ok:
            details = response.json().get("o:errorDetails", [])
            raise NetSuiteError(response.status_code, details, response.headers.get("Location"))
        return response

    def create(self, record_type: str, body: dict[str, Any]) -> str:
        """POST a record; the new record's URL is in ``Location``."""
        response = self._check(self.http.post(f"{self.base}record/v1/{record_type}", json=body), 204)
        return response.headers["Location"]

    def upsert(self, record_type: str, external_id: str, body: dict[str, Any]) -> str:
        """Insert or update by external id."""
        url = f"{self.base}record/v1/{record_type}/eid:{external_id}"
        return self._check(self.http.put(url, json=body), 204).headers["Location"]

    def read(self, url: str) -> dict[str, Any]:
        """GET a record by its URL."""
        doc: dict[str, Any] = self._check(self.http.get(url), 200).json()
        return doc

    def list_ids(self, record_type: str, q: str | None = None, limit: int = 2) -> list[str]:
        """Every id of a collection, following ``next`` links."""
        params: dict[str, Any] = {"limit": limit} | ({"q": q} if q else {})
        url: str | None = f"{self.base}record/v1/{record_type}"
        ids: list[str] = []
        while url is not None:
            page = self._check(self.http.get(url, params=params or None), 200).json()
            ids += [item["id"] for item in page["items"]]
            url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
            params = {}
            assert page["hasMore"] is (url is not None)
        return ids

    def suiteql(self, query: str, limit: int = 2) -> list[dict[str, Any]]:
        """All rows of a SuiteQL query, page by page."""
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            response = self.http.post(
                f"{self.base}query/v1/suiteql",
                params={"limit": limit, "offset": offset},
                json={"q": query},
                headers={"Prefer": "transient"},
            )
            page = self._check(response, 200).json()
            rows += page["items"]
            if not page["hasMore"]:
                return rows
            offset += limit

    def submit(self, method: str, path: str, body: dict[str, Any] | None, idempotency_key: str) -> str:
        """Send a request asynchronously; returns the job URL."""
        headers = {"Prefer": "respond-async", "X-NetSuite-idempotency-key": idempotency_key}
        response = self.http.request(method, f"{self.base}{path}", json=body, headers=headers)
        self._check(response, 202)
        assert response.headers["Preference-Applied"] == "respond-async"
        return urljoin(self.base, response.headers["Location"])

    def wait(self, job_url: str) -> dict[str, Any]:
        """Poll a job until it completes (with a deadline); returns its single task."""
        deadline = time.monotonic() + POLL_DEADLINE_S
        while not self.read(job_url)["completed"]:
            assert time.monotonic() < deadline, f"{job_url} did not complete"
        tasks = self.read(self.read(job_url)["task"]["links"][0]["href"])
        return self.read(tasks["items"][0]["links"][0]["href"])


class NetSuiteError(Exception):
    """A 4xx/5xx answer in NetSuite's envelope."""

    def __init__(self, status: int, details: list[dict[str, Any]], location: str | None) -> None:
        super().__init__(f"{status}: {details}")
        self.status, self.details, self.location = status, details, location


@pytest.fixture
def netsuite(live_server: Callable[..., str]) -> Iterator[NetSuiteRest]:
    """The documentation-only client against a fresh simulator on loopback."""
    client = NetSuiteRest(live_server(create_app()), token="doc-client-token")
    yield client
    client.close()


def _customer_body(name: str) -> dict[str, Any]:
    return {"companyName": name, "creditLimit": 10000, "terms": {"id": "2"}}


def test_create_answers_204_with_a_location_to_follow(netsuite: NetSuiteRest) -> None:
    location = netsuite.create("customer", _customer_body("Doc Client Ltd"))
    record = netsuite.read(location)
    assert record["companyName"] == "Doc Client Ltd"
    assert record["links"] == [{"rel": "self", "href": location}]
    assert location.rsplit("/", 1)[1] == record["id"]


def test_upsert_twice_by_external_id_gives_one_record(netsuite: NetSuiteRest) -> None:
    first = netsuite.upsert("customer", "DOC-CID-1", _customer_body("First name"))
    second = netsuite.upsert("customer", "DOC-CID-1", _customer_body("Second name"))
    assert first == second
    assert netsuite.read(f"{netsuite.base}record/v1/customer/eid:DOC-CID-1")["companyName"] == "Second name"
    assert netsuite.list_ids("customer", q='externalId IS "DOC-CID-1"') == [first.rsplit("/", 1)[1]]


def test_lists_and_suiteql_page_to_the_end(netsuite: NetSuiteRest) -> None:
    assert len(netsuite.list_ids("employee", limit=5)) == 16
    rows = netsuite.suiteql("SELECT id, companyname FROM customer ORDER BY id", limit=4)
    assert [row["id"] for row in rows] == [str(i) for i in range(9, 15)]


def test_async_request_with_an_idempotency_key_and_its_repeat(netsuite: NetSuiteRest) -> None:
    key = str(uuid.uuid4())
    body = _customer_body("Async Co")
    job = netsuite.submit("POST", "record/v1/customer", body, key)
    task = netsuite.wait(job)
    assert task["progress"] == "succeeded"
    result = netsuite.http.get(next(link["href"] for link in task["links"] if link["rel"] == "related"))
    assert result.status_code == 204
    assert netsuite.read(result.headers["Location"])["companyName"] == "Async Co"

    with pytest.raises(NetSuiteError) as repeat:
        netsuite.submit("POST", "record/v1/customer", body, key)
    assert repeat.value.status == 400
    assert [d["o:errorCode"] for d in repeat.value.details] == ["IDEMPOTENCY_ERROR"]
    assert repeat.value.location is not None
    assert urljoin(netsuite.base, repeat.value.location) == job
    assert netsuite.list_ids("customer", q='companyName IS "Async Co"') == [
        result.headers["Location"].rsplit("/", 1)[1]
    ]
