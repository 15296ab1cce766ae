"""The stock ``simple_salesforce`` client, unchanged, against the CRM simulator served by uvicorn over TLS.

The client only gets ``instance_url`` and a session id (it builds ``https://`` URLs itself) and a
``requests.Session`` that trusts the local CA (``trust_env=False`` keeps ``REQUESTS_CA_BUNDLE`` out).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from simple_salesforce.api import Salesforce, SFType
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from simulators._core.server import uvicorn_config
from simulators._core.tls import ensure_local_ca
from simulators.crm.app import create_app

START_DEADLINE_S = 10.0
PAGE = {"Sforce-Query-Options": "batchSize=200"}


def sobject(sf: Salesforce, name: str) -> SFType:
    """``sf.<name>`` typed as the REST sObject handle (``Salesforce.__getattr__`` is typed as a union)."""
    handle: SFType = getattr(sf, name)
    return handle


def _close_connections(session: requests.Session) -> None:
    """Close every pooled connection now.

    ``Session.close()`` only drops urllib3's pools and leaves the sockets to a GC finalizer; a traceback
    kept by ``pytest.raises(...) as info`` still references a pool, and uvicorn's graceful TLS shutdown would
    then wait for that client's close_notify.
    """
    for adapter in session.adapters.values():
        manager = getattr(adapter, "poolmanager", None)
        if manager is not None:
            for key in manager.pools.keys():  # noqa: SIM118 (the container refuses plain iteration)
                pool = manager.pools.get(key)
                if pool is not None:
                    pool.close()
    session.close()


@dataclass
class Served:
    """The simulator on ``https://127.0.0.1:<port>``: stock clients, and the control plane for setup."""

    base_url: str
    ca_file: Path
    sessions: list[requests.Session] = field(default_factory=list)

    def session(self) -> requests.Session:
        """A session trusting only the local CA (closed with the server)."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca_file)
        self.sessions.append(session)
        return session

    def client(self, session_id: str = "any-token") -> Salesforce:
        """A stock client, exactly as an integration would build one."""
        return Salesforce(instance_url=self.base_url, session_id=session_id, session=self.session(), version="62.0")

    def provider_state(self, state: str, action: str = "setup") -> dict[str, Any]:
        """Set a provider state through ``/__admin``."""
        response = self.session().post(
            f"{self.base_url}/__admin/provider-states", json={"state": state, "action": action}
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """Serve a fresh CRM simulator over TLS with a CA made for the test; stop it after closing every client."""
    files = ensure_local_ca(tmp_path)
    server = uvicorn.Server(uvicorn_config(create_app(), port=0, tls=files))
    thread = threading.Thread(target=server.run, name="crm-tls-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_DEADLINE_S
    while not server.started:
        assert thread.is_alive(), "uvicorn exited before it started"
        assert time.monotonic() < deadline, "uvicorn did not start in time"
        thread.join(timeout=0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    served = Served(f"https://127.0.0.1:{port}", files.ca_cert)
    try:
        yield served
    finally:
        for session in served.sessions:
            _close_connections(session)
        server.should_exit = True
        thread.join(timeout=START_DEADLINE_S)
        assert not thread.is_alive(), "uvicorn did not shut down"


@pytest.mark.servers_only
def test_stock_client_creates_updates_upserts_and_queries(served: Served) -> None:
    sf = served.client()

    created = sobject(sf, "Account").create(
        {"Name": "Stockclient Alpha", "ERP_Customer_Id__c": "SF-1", "BillingCity": "York"}
    )
    assert created["success"] is True
    account_id = created["id"]
    assert len(account_id) == 18
    assert account_id.startswith("001")

    assert sobject(sf, "Account").update(account_id, {"Credit_Hold__c": True}) == 204
    record = sobject(sf, "Account").get(account_id)
    assert (record["Name"], record["Credit_Hold__c"]) == ("Stockclient Alpha", True)
    assert sobject(sf, "Account").get_by_custom_id("ERP_Customer_Id__c", "SF-1")["Id"] == account_id

    assert sobject(sf, "Account").upsert("ERP_Customer_Id__c/SF-2", {"Name": "Stockclient Beta"}) == 201
    assert sobject(sf, "Account").upsert("ERP_Customer_Id__c/SF-2", {"Name": "Stockclient Gamma"}) == 200

    opp = {"Name": "Stock deal", "StageName": "Negotiation/Review", "CloseDate": "2026-11-30", "Amount": 1234.5}
    assert sobject(sf, "Opportunity").upsert("External_Id__c/OPP-SF-1", {**opp, "AccountId": account_id}) == 201
    assert sobject(sf, "Opportunity").upsert("External_Id__c/OPP-SF-1", {"StageName": "Closed Won"}) == 200
    project = sobject(sf, "Project__c").create({"Name": "Stock rollout", "Account__c": account_id})
    assert project["id"].startswith("a01")

    result = sf.query("SELECT Id, Name, Amount, IsWon, Account.Name FROM Opportunity WHERE External_Id__c = 'OPP-SF-1'")
    assert result["totalSize"] == 1
    row = result["records"][0]
    assert (row["Amount"], row["IsWon"], row["Account"]["Name"]) == (1234.5, True, "Stockclient Alpha")
    names = [
        r["Name"]
        for r in sf.query_all("SELECT Name FROM Account WHERE Name LIKE 'stockclient%' ORDER BY Name")["records"]
    ]
    assert names == ["Stockclient Alpha", "Stockclient Gamma"]
    projects = sf.query("SELECT Name, Account__r.Name FROM Project__c WHERE Account__c = '" + account_id + "'")
    assert projects["records"][0]["Account__r"]["Name"] == "Stockclient Alpha"


@pytest.mark.servers_only
def test_stock_client_pages_with_next_records_url_and_uses_collections_and_composite(served: Served) -> None:
    sf = served.client()
    ids: list[str] = []
    for chunk in range(3):
        records = [{"attributes": {"type": "Account"}, "Name": f"Pager {chunk * 150 + n:03d}"} for n in range(150)]
        results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
        assert results is not None
        assert all(r["success"] for r in results), results
        ids += [r["id"] for r in results]

    soql = "SELECT Id, Name FROM Account WHERE Name LIKE 'Pager%' ORDER BY Name"
    first = sf.query(soql, headers=PAGE)
    assert (first["totalSize"], first["done"], len(first["records"])) == (450, False, 200)
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g")
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True, headers=PAGE)
    assert [r["Name"] for r in second["records"]][:1] == ["Pager 200"]
    third = sf.query_more(second["nextRecordsUrl"].rsplit("/", 1)[1], headers=PAGE)
    assert (third["done"], len(third["records"])) == (True, 50)
    everything = sf.query_all(soql, headers=PAGE)["records"]
    assert [r["Id"] for r in everything] == ids

    updates = [{"attributes": {"type": "Account"}, "id": i, "Industry": "Retail"} for i in ids[:200]]
    updated = sf.restful("composite/sobjects", method="PATCH", json={"records": updates})
    assert updated is not None
    assert {r["success"] for r in updated} == {True}
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids[-3:])})
    assert deleted == [{"id": i, "success": True, "errors": []} for i in ids[-3:]]

    composite = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Account",
                    "referenceId": "account",
                    "body": {"Name": "Composite Co"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Contact",
                    "referenceId": "contact",
                    "body": {"LastName": "Nakamura", "AccountId": "@{account.id}"},
                },
                {
                    "method": "GET",
                    "url": "/services/data/v62.0/sobjects/Contact/@{contact.id}?fields=Name,AccountId",
                    "referenceId": "read",
                },
            ],
        },
    )
    assert composite is not None
    answers = composite["compositeResponse"]
    assert [a["httpStatusCode"] for a in answers] == [201, 201, 200]
    assert answers[2]["body"]["AccountId"] == answers[0]["body"]["id"]


@pytest.mark.servers_only
def test_stock_client_describes_and_reads_limits(served: Served) -> None:
    sf = served.client()
    described = sf.describe()
    assert described is not None
    names = {o["name"] for o in described["sobjects"]}
    assert {"Account", "Contact", "Opportunity", "OpportunityLineItem", "Task", "User", "Project__c"} <= names
    fields = {f["name"]: f for f in sobject(sf, "Project__c").describe()["fields"]}
    assert fields["PSA_Project_Id__c"]["externalId"] is True
    assert fields["Account__c"]["relationshipName"] == "Account__r"
    assert sobject(sf, "Opportunity").metadata()["objectDescribe"]["keyPrefix"] == "006"

    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] == 100_000
    assert sf.api_usage["api-usage"].total == 100_000
    assert sf.api_usage["api-usage"].used >= 4


@pytest.mark.servers_only
def test_stock_client_raises_salesforce_exceptions(served: Served) -> None:
    sf = served.client()

    with pytest.raises(SalesforceMalformedRequest) as refused:
        sobject(sf, "Opportunity").create({"Name": "No amount", "StageName": "Closed Won", "CloseDate": "2026-11-30"})
    content: Any = refused.value.content  # typed as int by simple_salesforce; it is the decoded error array
    assert refused.value.status == 400
    assert content == [
        {
            "message": "Opportunity amount must be greater than zero when stage is Closed Won",
            "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "fields": [],
        }
    ]

    twin = {"Name": "Twin", "StageName": "Prospecting", "CloseDate": "2026-11-30", "External_Id__c": "TWIN"}
    ids = [sobject(sf, "Opportunity").create(twin)["id"] for _ in range(2)]
    with pytest.raises(SalesforceMoreThanOneRecord) as several:
        sobject(sf, "Opportunity").upsert("External_Id__c/TWIN", {"Amount": 5})
    urls: Any = several.value.content
    assert several.value.status == 300
    assert urls == [f"/services/data/v62.0/sobjects/Opportunity/{i}" for i in ids]

    with pytest.raises(SalesforceResourceNotFound) as missing:
        sobject(sf, "Account").get("001000000000999AAA")
    assert missing.value.status == 404
    not_found: Any = missing.value.content
    assert not_found == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]

    with pytest.raises(SalesforceExpiredSession) as expired:
        served.client(session_id="").query("SELECT Id FROM Account")
    body: Any = expired.value.content
    assert expired.value.status == 401
    assert body == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]

    served.provider_state("the daily API quota is spent")
    with pytest.raises(SalesforceRefusedRequest) as spent:
        sf.query("SELECT Id FROM Account")
    limit: Any = spent.value.content
    assert spent.value.status == 403
    assert limit == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
