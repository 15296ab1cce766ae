"""Pact consumer test of the orchestrator's Salesforce client: what project setup and credit alerts ask of the CRM.

The real ``CrmClient`` over the real ``VendorHttp`` (aiohttp) talks to Pact's mock server; the interactions
are written to ``contracts/pacts/`` and replayed against the CRM simulator by the provider verification.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pact import Pact, match

from contracts.participants import CONSUMER, CRM_PROVIDER, pact_file_name
from harness.contracts import PACTS_DIR, verify_pacts
from harness.orchestrator.clients.crm import CLIENT_NAME, CrmClient
from harness.orchestrator.clients.http import TransientError, VendorHttp
from harness.orchestrator.flows.erp_events import credit_task_subject

API = "/services/data/v62.0"
TOKEN = "pact-token"
ACCOUNT_EXT = "CUST-PACT"
ACCOUNT_ID = "001000000003m89AAA"
OPPORTUNITY_EXT = "OPP-PACT-1"
OPPORTUNITY_ID = "006000000003m89AAA"
OWNER_ID = "005000000000001AAA"
TASK_ID = "00T000000003m89EAA"
CHANNEL = "/data/OpportunityChangeEvent"
ACCOUNT_SOQL = f"SELECT Id, Name, OwnerId FROM Account WHERE ERP_Customer_Id__c = '{ACCOUNT_EXT}'"
TASK_SOQL = f"SELECT Id FROM Task WHERE WhatId = '{ACCOUNT_ID}' AND Subject = '{credit_task_subject(ACCOUNT_EXT)}'"
QUOTA_SOQL = "SELECT Id FROM Opportunity WHERE IsWon = true AND PSA_Project_Id__c = null"

BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")


def sf_id(prefix: str, value: str) -> Any:
    """An 18-character Salesforce id of one object type."""
    return match.regex(value, regex=rf"^{prefix}[A-Za-z0-9]{{15}}$")


def task_fields() -> dict[str, Any]:
    """The Task the orchestrator raises for the account owner when the customer goes on credit hold."""
    return {
        "Subject": credit_task_subject(ACCOUNT_EXT),
        "WhatId": ACCOUNT_ID,
        "OwnerId": OWNER_ID,
        "Priority": "High",
        "Status": "Not Started",
        "Description": "NetSuite put Account CUST-PACT on credit hold (manual hold).",
    }


def _won(interaction: Any) -> Any:
    return interaction.given(
        f"opportunity {OPPORTUNITY_EXT} is closed won", id=OPPORTUNITY_ID, accountExternalId=ACCOUNT_EXT
    )


def _account(interaction: Any) -> Any:
    return interaction.given(f"account {ACCOUNT_EXT} exists", id=ACCOUNT_ID)


def _query(pact: Pact, description: str, soql: str) -> Any:
    return (
        pact.upon_receiving(description)
        .with_request("GET", f"{API}/query")
        .with_query_parameter("q", soql)
        .with_header("Authorization", BEARER)
    )


def build_pact() -> Pact:
    """Every interaction the orchestrator's flows have with Salesforce."""
    pact = Pact(CONSUMER, CRM_PROVIDER).with_specification("V4")
    header = {"changeType": match.str("CREATE"), "recordIds": match.each_like(sf_id("006", OPPORTUNITY_ID))}
    (
        _won(pact.upon_receiving("a replay of every retained opportunity change event"))
        .with_request("GET", f"{API}/p2c/changeEvents")
        .with_query_parameters({"channel": CHANNEL, "replayId": "-2", "batchSize": "1000"})
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "latestReplayId": match.int(1001),
                "done": match.bool(True),
                "events": match.each_like(
                    {
                        "channel": CHANNEL,
                        "data": {
                            "payload": {"ChangeEventHeader": {**header, "changeOrigin": match.str("")}},
                            "event": {"replayId": match.int(1001), "EventUuid": match.uuid()},
                        },
                    }
                ),
            },
            "application/json",
        )
    )
    (
        _won(pact.upon_receiving("a read of a closed-won opportunity"))
        .with_request("GET", f"{API}/sobjects/Opportunity/{OPPORTUNITY_ID}")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "Id": OPPORTUNITY_ID,
                "IsWon": True,
                "StageName": "Closed Won",
                "AccountId": sf_id("001", ACCOUNT_ID),
                "Amount": match.number(100000),
                "CloseDate": match.regex("2026-10-30", regex=r"^\d{4}-\d{2}-\d{2}$"),
            },
            "application/json",
        )
    )
    (
        _won(pact.upon_receiving("a write-back of the PSA and ERP ids to the opportunity"))
        .with_request("PATCH", f"{API}/sobjects/Opportunity/{OPPORTUNITY_ID}")
        .with_header("Authorization", BEARER)
        .with_header("Sforce-Call-Options", f"client={CLIENT_NAME}")
        .with_body({"PSA_Project_Id__c": "2001", "ERP_Job_Id__c": "31"}, "application/json")
        .will_respond_with(204)
    )
    (
        _account(_query(pact, "a search for the account of an ERP customer", ACCOUNT_SOQL))
        .will_respond_with(200)
        .with_body(
            {
                "done": True,
                "records": match.each_like(
                    {
                        "Id": sf_id("001", ACCOUNT_ID),
                        "Name": match.str("Account CUST-PACT"),
                        "OwnerId": sf_id("005", OWNER_ID),
                    }
                ),
            },
            "application/json",
        )
    )
    (
        _account(_query(pact, "a search for a credit-hold task that finds none", TASK_SOQL))
        .given(f"account {ACCOUNT_EXT} has no tasks")
        .will_respond_with(200)
        .with_body({"totalSize": 0, "done": True, "records": []}, "application/json")
    )
    (
        _account(pact.upon_receiving("a credit-hold task for the account owner"))
        .with_request("POST", f"{API}/sobjects/Task")
        .with_header("Authorization", BEARER)
        .with_header("Sforce-Call-Options", f"client={CLIENT_NAME}")
        .with_body(task_fields(), "application/json")
        .will_respond_with(201)
        .with_body({"id": sf_id("00T", TASK_ID), "success": True, "errors": []}, "application/json")
    )
    (
        _query(pact, "a query when the daily API quota is spent", QUOTA_SOQL)
        .given("the daily API quota is spent")
        .will_respond_with(403)
        .with_body(
            match.each_like(
                {"message": match.str("TotalRequests Limit exceeded."), "errorCode": "REQUEST_LIMIT_EXCEEDED"}
            ),
            "application/json",
        )
    )
    return pact


async def _drive(base_url: str) -> dict[str, Any]:
    """What project setup and a credit alert do, plus the throttle the client must classify."""
    http = VendorHttp(base_url, TOKEN, timeout_s=5.0, concurrency=4)
    crm = CrmClient(http)
    seen: dict[str, Any] = {}
    try:
        seen["page"] = await crm.change_events(CHANNEL, -2, "corr-1")
        seen["opportunity"] = await crm.get("Opportunity", OPPORTUNITY_ID, "corr-2")
        await crm.update("Opportunity", OPPORTUNITY_ID, {"PSA_Project_Id__c": "2001", "ERP_Job_Id__c": "31"}, "corr-3")
        seen["account"] = await crm.account_by_erp_id(ACCOUNT_EXT, "corr-4")
        seen["task"] = await crm.raise_task(task_fields(), "corr-5")
        try:
            await crm.query(QUOTA_SOQL, "corr-6")
        except TransientError as exc:
            seen["quota"] = exc
    finally:
        await http.close()
    return seen


def test_orchestrator_crm_client_honours_the_pact() -> None:
    """Replay feed, reads, a write-back naming the integration, account search, a task raised once, and the
    daily quota as a transient error. Leaving the mock server raises if an interaction was not exercised."""
    crm_pact = build_pact()
    with crm_pact.serve(addr="127.0.0.1") as server:
        seen = asyncio.run(_drive(str(server.url)))

    assert seen["page"].done is True
    assert seen["page"].events[0]["data"]["payload"]["ChangeEventHeader"]["changeType"] == "CREATE"
    assert seen["opportunity"]["IsWon"] is True
    assert seen["account"]["OwnerId"] == OWNER_ID
    assert seen["task"] == TASK_ID
    quota = seen.get("quota")
    assert isinstance(quota, TransientError), "a spent daily quota must be a transient error"
    assert (quota.status, quota.code) == (403, "REQUEST_LIMIT_EXCEEDED")

    crm_pact.write_file(PACTS_DIR, overwrite=True)
    written = json.loads((PACTS_DIR / pact_file_name(CONSUMER, CRM_PROVIDER)).read_text())
    assert len(written["interactions"]) == 7


def test_crm_pact_file_is_deterministic(tmp_path: Path) -> None:
    """Two writes of the same pact are byte-identical, so the committed file only changes with the contract."""
    for name in ("a", "b"):
        build_pact().write_file(tmp_path / name, overwrite=True)
    file_name = pact_file_name(CONSUMER, CRM_PROVIDER)
    assert (tmp_path / "a" / file_name).read_bytes() == (tmp_path / "b" / file_name).read_bytes()


@pytest.mark.servers_only
def test_crm_simulator_honours_the_orchestrator_pact(tmp_path: Path) -> None:
    """Every interaction of the committed pact verifies against the live CRM simulator (provider states set
    through ``/__admin/provider-states``)."""
    pact = PACTS_DIR / pact_file_name(CONSUMER, CRM_PROVIDER)
    assert pact.is_file(), f"{pact} is missing: run test_orchestrator_crm_client_honours_the_pact first"

    result = verify_pacts([pact], "crm")

    failed = {c.name: c.messages for c in result.interactions if not c.passed}
    assert not failed, f"interactions failed verification: {failed}\n{result.output}"
    assert len(result.interactions) == 7
    assert result.passed
