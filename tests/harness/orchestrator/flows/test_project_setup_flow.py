"""Closed-won opportunity -> ERP customer, PSA workspace, ERP job, ids written back; idempotent on resume."""

from __future__ import annotations

import asyncio
from typing import Any

from harness.orchestrator.flows.runner import FlowRunner
from harness.orchestrator.settings import OrchestratorSettings
from tests.harness.orchestrator.flows.conftest import CRM_API, ERP_RECORD, PSA_API, Systems, drive, records


def _open_opportunity(systems: Systems) -> dict[str, Any]:
    q = "SELECT Id, Name, AccountId, Account.ERP_Customer_Id__c FROM Opportunity WHERE IsClosed = false LIMIT 1"
    resp = systems.crm.get(f"{CRM_API}/query", params={"q": q})
    resp.raise_for_status()
    opp: dict[str, Any] = resp.json()["records"][0]
    return opp


def _close_won(systems: Systems, opp_id: str) -> None:
    resp = systems.crm.patch(
        f"{CRM_API}/sobjects/Opportunity/{opp_id}", json={"StageName": "Closed Won", "Amount": 50000}
    )
    assert resp.status_code == 204, resp.text


def _opportunity(systems: Systems, opp_id: str) -> dict[str, Any]:
    body: dict[str, Any] = systems.crm.get(f"{CRM_API}/sobjects/Opportunity/{opp_id}").json()
    return body


def _workspaces(systems: Systems, client_ref: str) -> list[dict[str, Any]]:
    return records(
        systems.psa.get(f"{PSA_API}/workspaces.json", params={"client_ref": client_ref, "per_page": 200}).json()
    )


def test_closed_won_opportunity_is_set_up_once_and_ids_are_written_back(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    opp = _open_opportunity(systems)
    customer_ext = opp["Account"]["ERP_Customer_Id__c"]
    before = len(_workspaces(systems, customer_ext))
    _close_won(systems, opp["Id"])

    async def body() -> None:
        runner = FlowRunner(settings)
        try:
            await drive(runner, lambda: runner.store.counts()["done"] >= 1)
            # More rounds: the write-back's own change events must start nothing.
            for _ in range(3):
                await runner.step()
            assert runner.store.counts()["pending"] == 0
            assert runner.store.counts()["done"] == 1
        finally:
            await runner.close()

    asyncio.run(body())
    written = _opportunity(systems, opp["Id"])
    workspaces = _workspaces(systems, customer_ext)
    assert len(workspaces) == before + 1
    new = [w for w in workspaces if opp["Id"][:15] in w["title"]]
    assert [str(w["id"]) for w in new] == [written["PSA_Project_Id__c"]]
    job = systems.erp.get(f"{ERP_RECORD}/job/eid:psa-ws-{written['PSA_Project_Id__c']}").json()
    assert str(job["id"]) == written["ERP_Job_Id__c"]
    assert job["parent"]["refName"]


def test_a_failure_midway_pauses_visibly_and_resumes_without_duplicates(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    opp = _open_opportunity(systems)
    customer_ext = opp["Account"]["ERP_Customer_Id__c"]
    before = len(_workspaces(systems, customer_ext))
    # The workspace is created but its response is lost; then the ERP job upsert fails twice.
    faults = [
        {
            "id": "lost-workspace",
            "match": {"method": ["POST"], "path": "/api/v1/workspaces*"},
            "kind": "CONNECTION_RESET",
            "phase": "after",
            "times": 1,
        },
        {
            "id": "job-unavailable",
            "match": {"method": ["PUT"], "path": "/services/rest/record/v1/job/*"},
            "kind": "HTTP_ERROR",
            "phase": "before",
            "times": 2,
            "params": {"status": 503},
        },
    ]
    for rule, client in zip(faults, (systems.psa, systems.erp), strict=True):
        client.post("/__admin/faults", json=rule).raise_for_status()
    _close_won(systems, opp["Id"])
    seen: list[dict[str, Any]] = []

    async def body() -> None:
        runner = FlowRunner(settings)
        try:

            def done() -> bool:
                seen.extend(runner.status()["exceptions"])
                return runner.store.counts()["done"] >= 1

            await drive(runner, done)
        finally:
            await runner.close()

    asyncio.run(body())
    paused = [e for e in seen if e["state"] == "paused"]
    assert paused, "the flow was visibly paused"
    assert {e["step"] for e in paused} >= {"customer", "workspace"}
    assert any("503" in str(e["last_error"]) for e in paused)
    assert len(_workspaces(systems, customer_ext)) == before + 1, "the lost response did not create a second workspace"
    written = _opportunity(systems, opp["Id"])
    assert written["PSA_Project_Id__c"]
    assert written["ERP_Job_Id__c"]


def test_an_opportunity_without_an_account_is_dead_lettered_before_anything_is_written(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    created = systems.crm.post(
        f"{CRM_API}/sobjects/Opportunity",
        json={"Name": "No account deal", "StageName": "Closed Won", "CloseDate": "2026-10-30", "Amount": 1000},
    )
    assert created.status_code == 201, created.text
    opp_id = created.json()["id"]

    async def body() -> list[dict[str, Any]]:
        runner = FlowRunner(settings)
        try:
            await drive(runner, lambda: runner.store.counts()["dead"] >= 1)
            return runner.store.dead_letters()
        finally:
            await runner.close()

    (letter,) = asyncio.run(body())
    assert letter["reason"] == "MISSING_MANDATORY_FIELDS"
    assert "AccountId" in letter["detail"]
    assert letter["key"] == f"crm:opportunity:{opp_id[:15]}"
    writes = systems.erp.get("/__admin/requests").json()["requests"]
    assert not [w for w in writes if w["method"] != "GET"], "nothing was written to the ERP"


def test_a_replay_id_past_the_retention_window_restarts_the_feed_and_sweeps(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    opp = _open_opportunity(systems)
    _close_won(systems, opp["Id"])

    async def body() -> None:
        runner = FlowRunner(settings)
        try:
            await drive(runner, lambda: runner.store.counts()["done"] >= 1)
            stale = runner.store.cursor("crm.changeEvents.replayId")
            assert stale is not None
            # Three simulated days later the events (and our replay id) are gone from the feed.
            systems.crm.post("/__admin/clock/advance", json={"hours": 73}).raise_for_status()
            await runner.step()
            assert runner.last_error is None, runner.last_error
            assert runner.store.cursor("crm.changeEvents.replayId") == "-2"
            assert runner.store.counts()["done"] == 1, "older won deals are not swept into a second setup"
            assert runner.store.counts()["events"] == 2, "the sweep was recorded in the inbox"
        finally:
            await runner.close()

    asyncio.run(body())
