"""The stock ``simple_salesforce`` client, unchanged, against the CRM simulator served by uvicorn over TLS."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
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
)

from simulators._core.server import uvicorn_config
from simulators._core.tls import ensure_local_ca
from simulators.crm.app import create_app

START_DEADLINE_S = 10.0


Connect = Callable[..., Salesforce]


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


@pytest.fixture
def connect(tmp_path: Path) -> Iterator[Connect]:
    """Serve the CRM simulator on ``https://127.0.0.1:<free port>``; yield a factory of stock clients.

    Each client gets its own ``requests.Session`` trusting only the local CA; their connections are closed
    before the server stops.
    """
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
    sessions: list[requests.Session] = []

    def client(session_id: str = "any-token") -> Salesforce:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(files.ca_cert)
        sessions.append(session)
        return Salesforce(
            instance_url=f"https://127.0.0.1:{port}", session_id=session_id, session=session, version="62.0"
        )

    try:
        yield client
    finally:
        for session in sessions:
            _close_connections(session)
        server.should_exit = True
        thread.join(timeout=START_DEADLINE_S)
        assert not thread.is_alive(), "uvicorn did not shut down"


@pytest.mark.servers_only
def test_stock_simple_salesforce_client(connect: Connect) -> None:
    sf = connect()

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

    result = sf.query("SELECT Id, Name, Amount, IsWon, Account.Name FROM Opportunity WHERE External_Id__c = 'OPP-SF-1'")
    assert result["totalSize"] == 1
    row = result["records"][0]
    assert (row["Amount"], row["IsWon"], row["Account"]["Name"]) == (1234.5, True, "Stockclient Alpha")
    names = [
        r["Name"]
        for r in sf.query_all("SELECT Name FROM Account WHERE Name LIKE 'stockclient%' ORDER BY Name")["records"]
    ]
    assert names == ["Stockclient Alpha", "Stockclient Gamma"]

    assert sf.limits()["DailyApiRequests"]["Max"] == 100_000
    assert sf.api_usage["api-usage"].total == 100_000
    assert sf.api_usage["api-usage"].used >= 10


@pytest.mark.servers_only
def test_stock_client_raises_salesforce_exceptions(connect: Connect) -> None:
    sf = connect()

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

    with pytest.raises(SalesforceExpiredSession) as expired:
        connect(session_id="").query("SELECT Id FROM Account")
    body: Any = expired.value.content
    assert expired.value.status == 401
    assert body == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
