"""The CRM behind ``/__admin``: seeded world, snapshot and restore, provider states."""

from __future__ import annotations

from crm_wire import SOBJECTS, V
from fastapi.testclient import TestClient

from simulators.crm.app import SPEC
from simulators.crm.ids import make_id
from simulators.crm.settings import CrmSettings
from simulators.datagen import World


def state(crm: TestClient) -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = crm.get("/__admin/state").json()["tenants"]["default"]["data"]
    return data


def test_spec_and_settings() -> None:
    assert (SPEC.system, SPEC.api_version) == ("crm", "v67.0")
    settings = CrmSettings()
    assert (settings.min_version, settings.max_version, settings.daily_api_limit) == (31, 67, 100_000)


def test_settings_read_the_sim_crm_environment(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SIM_CRM_DAILY_API_LIMIT", "5000")
    assert CrmSettings().daily_api_limit == 5000


def test_world_is_loaded_as_accounts_and_opportunities(crm: TestClient, world: World) -> None:
    data = state(crm)
    assert [a["ERP_Customer_Id__c"] for a in data["Account"]] == [c.key for c in world.customers]
    assert [a["Name"] for a in data["Account"]] == [c.name for c in world.customers]
    assert [a["CurrencyIsoCode"] for a in data["Account"]] == [c.currency for c in world.customers]
    assert [o["External_Id__c"] for o in data["Opportunity"]] == [o.key for o in world.opportunities]
    accounts = {a["ERP_Customer_Id__c"]: a["Id"] for a in data["Account"]}
    for row, opp in zip(data["Opportunity"], world.opportunities, strict=True):
        assert row["AccountId"] == accounts[opp.customer_key]
        assert row["StageName"] == opp.stage
        assert row["Amount"] == f"{opp.amount:.2f}"
        assert row["CloseDate"] == opp.close_date.isoformat()
    assert data["Contact"] == []


def test_snapshot_restores_exactly(crm: TestClient, world: World) -> None:
    before = crm.get("/__admin/state").json()
    crm.post(f"{SOBJECTS}/Account", json={"Name": "Temporary"})
    crm.patch(f"{SOBJECTS}/Account/001000000000001AAA", json={"Credit_Hold__c": True})

    assert crm.post("/__admin/state", json=before).status_code == 200

    assert state(crm) == before["tenants"]["default"]["data"]
    created = crm.post(f"{SOBJECTS}/Account", json={"Name": "After restore"}).json()
    assert created["id"] == make_id("001", len(world.customers) + 1)


def test_provider_state_account_exists(crm: TestClient) -> None:
    body = {"state": "account ACME-1 exists", "params": {"name": "Acme Corp"}, "action": "setup"}
    result = crm.post("/__admin/provider-states", json=body).json()
    record = crm.get(f"{SOBJECTS}/Account/ERP_Customer_Id__c/ACME-1").json()
    assert record["Id"] == result["id"]
    assert record["Name"] == "Acme Corp"
    again = crm.post("/__admin/provider-states", json=body).json()
    assert again == result


def test_provider_state_account_with_pinned_id(crm: TestClient) -> None:
    body = {"state": "account ACME-2 exists", "params": {"id": "001000000000ABC"}}
    result = crm.post("/__admin/provider-states", json=body).json()
    assert result == {"id": "001000000000ABCAA2"}
    assert crm.get(f"{SOBJECTS}/Account/001000000000ABC").json()["ERP_Customer_Id__c"] == "ACME-2"


def test_provider_state_opportunity_is_closed_won(crm: TestClient, world: World) -> None:
    seeded = world.opportunities[0]
    body = {"state": f"opportunity {seeded.key} is closed won", "params": {}}
    result = crm.post("/__admin/provider-states", json=body).json()
    record = crm.get(f"{SOBJECTS}/Opportunity/External_Id__c/{seeded.key}").json()
    assert record["Id"] == result["id"]
    assert (record["StageName"], record["IsWon"], record["Amount"]) == ("Closed Won", True, float(seeded.amount))

    fresh = crm.post("/__admin/provider-states", json={"state": "opportunity OPP-NEW is closed won"}).json()
    q = "SELECT Amount, IsWon, Account.ERP_Customer_Id__c FROM Opportunity WHERE External_Id__c = 'OPP-NEW'"
    row = crm.get(f"{V}/query", params={"q": q}).json()["records"][0]
    assert row["Amount"] == 100000.0
    assert row["IsWon"] is True
    assert row["Account"]["ERP_Customer_Id__c"] == "CUST-PACT"
    assert fresh["accountId"] == row["Account"]["attributes"]["url"].rsplit("/", 1)[1]


def test_provider_state_credit_hold(crm: TestClient) -> None:
    held = "account CUST-00002 is on credit hold"
    crm.post("/__admin/provider-states", json={"state": held})
    assert crm.get(f"{SOBJECTS}/Account/ERP_Customer_Id__c/CUST-00002").json()["Credit_Hold__c"] is True
    crm.post("/__admin/provider-states", json={"state": held, "action": "teardown"})
    assert crm.get(f"{SOBJECTS}/Account/ERP_Customer_Id__c/CUST-00002").json()["Credit_Hold__c"] is False


def test_describe_lists_fields_with_external_ids(crm: TestClient, world: World) -> None:
    body = crm.get(f"{SOBJECTS}/Account/describe").json()
    fields = {f["name"]: f for f in body["fields"]}
    assert body["keyPrefix"] == "001"
    assert fields["ERP_Customer_Id__c"]["externalId"] is True
    assert fields["ERP_Customer_Id__c"]["unique"] is True
    assert fields["Name"]["nillable"] is False
    basic = crm.get(f"{SOBJECTS}/Opportunity").json()
    assert basic["objectDescribe"]["name"] == "Opportunity"
    assert len(basic["recentItems"]) == min(5, len(world.opportunities))
    assert all(set(item) == {"attributes", "Id", "Name"} for item in basic["recentItems"])
    names = [o["name"] for o in crm.get(SOBJECTS).json()["sobjects"]]
    assert names == [
        "Account",
        "Contact",
        "Opportunity",
        "OpportunityLineItem",
        "Product2",
        "Task",
        "User",
        "ProcessInstance",
        "Project__c",
    ]


def test_provider_state_account_has_external_id(crm: TestClient) -> None:
    body = {"state": "account 001000000000002AAA has external id CUST-00001"}
    assert crm.post("/__admin/provider-states", json=body).json() == {
        "id": "001000000000002AAA",
        "externalId": "CUST-00001",
    }
    record = crm.get(f"{SOBJECTS}/Account/ERP_Customer_Id__c/CUST-00001").json()
    assert record["Id"] == "001000000000002AAA"
    assert crm.get(f"{SOBJECTS}/Account/001000000000001AAA").json()["ERP_Customer_Id__c"] is None

    pinned = crm.post("/__admin/provider-states", json={"state": "account 001000000000XYZ has external id ERP-77"})
    assert pinned.json()["id"] == "001000000000XYZAA2"
    assert crm.get(f"{SOBJECTS}/Account/ERP_Customer_Id__c/ERP-77").json()["Id"] == "001000000000XYZAA2"

    crm.post("/__admin/provider-states", json={**body, "action": "teardown"})
    assert crm.get(f"{SOBJECTS}/Account/001000000000002AAA").json()["ERP_Customer_Id__c"] is None


def test_provider_state_closed_won_accepts_a_salesforce_id(crm: TestClient, world: World) -> None:
    opp = crm.get(f"{SOBJECTS}/Opportunity/External_Id__c/{world.opportunities[-1].key}").json()
    result = crm.post("/__admin/provider-states", json={"state": f"opportunity {opp['Id']} is closed won"}).json()
    assert result == {"id": opp["Id"], "accountId": opp["AccountId"]}
    assert crm.get(f"{SOBJECTS}/Opportunity/{opp['Id']}").json()["StageName"] == "Closed Won"


def test_provider_state_the_daily_api_quota_is_spent(crm: TestClient) -> None:
    state = {"state": "the daily API quota is spent"}
    assert crm.post("/__admin/provider-states", json=state).json() == {"used": 100000, "max": 100000}
    refused = crm.get(f"{V}/limits")
    assert refused.status_code == 403
    assert refused.headers["sforce-limit-info"] == "api-usage=100000/100000"
    crm.post("/__admin/provider-states", json={**state, "action": "teardown"})
    assert crm.get(f"{V}/limits").json()["DailyApiRequests"] == {"Max": 100000, "Remaining": 99999}


def test_provider_state_names_are_stable(crm: TestClient) -> None:
    assert crm.get("/__admin/provider-states").json()["states"] == [
        "account {externalId} exists",
        "account {id} has external id {value}",
        "account {externalId} is on credit hold",
        "account {externalId} has no tasks",
        "opportunity {externalId} is closed won",
        "opportunity {externalId} is locked for approval",
        "the daily API quota is spent",
    ]
