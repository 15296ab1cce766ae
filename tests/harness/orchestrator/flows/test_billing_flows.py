"""Milestone -> invoice, held while the customer is on credit hold; ERP events -> PSA flag and CRM task."""

from __future__ import annotations

import asyncio
from typing import Any

from harness.orchestrator.flows.erp_events import credit_task_subject
from harness.orchestrator.flows.runner import FlowRunner
from harness.orchestrator.settings import OrchestratorSettings
from tests.harness.orchestrator.flows.conftest import CRM_API, ERP_RECORD, PSA_API, Systems, drive, records


def milestone_workspace(systems: Systems) -> dict[str, Any]:
    """A workspace whose ERP project exists, switched to milestone billing in both systems if need be."""
    found = records(systems.psa.get(f"{PSA_API}/workspaces.json", params={"per_page": 200}).json())
    for ws in sorted(found, key=lambda w: (w.get("billing_model") != "milestone", int(w["id"]))):
        job = systems.erp.get(f"{ERP_RECORD}/job/eid:psa-ws-{ws['id']}")
        if job.status_code != 200 or not ws.get("client_ref"):
            continue
        if ws.get("billing_model") != "milestone":
            patch = {"jobBillingType": {"id": "milestone"}}
            assert systems.erp.patch(f"{ERP_RECORD}/job/{job.json()['id']}", json=patch).status_code == 204
        return ws
    raise AssertionError("the world has no workspace with an ERP project")


def set_hold(systems: Systems, customer_ext: str, override: str) -> None:
    resp = systems.erp.patch(f"{ERP_RECORD}/customer/eid:{customer_ext}", json={"creditHoldOverride": {"id": override}})
    assert resp.status_code == 204, resp.text


def complete_milestone(systems: Systems, workspace_id: str, cents: int) -> str:
    story = {"workspace_id": workspace_id, "title": "Design sign-off", "story_type": "milestone"}
    created = systems.psa.post(f"{PSA_API}/stories.json", json={"story": {**story, "budget_estimate_in_cents": cents}})
    assert created.status_code < 300, created.text
    story_id = str(records(created.json())[0]["id"])
    done = systems.psa.put(f"{PSA_API}/stories/{story_id}.json", json={"story": {"state": "completed"}})
    assert done.status_code < 300, done.text
    return story_id


def push_erp_events(systems: Systems, runner: FlowRunner) -> int:
    """Hand the ERP's emitted events to the runner as its webhook would (the route is tested on its own)."""
    events = systems.erp.get("/__admin/events").json()["events"]
    return sum(
        runner.accept_erp_event(
            {
                "id": str(e["id"]),
                "type": e["type"],
                "subjectType": e["subject_type"],
                "subjectId": e["subject_id"],
                "createdAt": e["created_at"],
                "payload": e["payload"],
            }
        )
        for e in events
    )


def credit_flag(systems: Systems, workspace_id: str) -> str | None:
    params = {"subject_type": "Workspace", "subject_id": workspace_id, "service_name": "NetSuite credit"}
    found = records(systems.psa.get(f"{PSA_API}/external_references.json", params=params).json())
    return str(found[0]["external_status"]) if found else None


def credit_tasks(systems: Systems, customer_ext: str) -> list[dict[str, Any]]:
    subject = credit_task_subject(customer_ext)
    q = f"SELECT Id, IsClosed, Priority, OwnerId FROM Task WHERE Subject = '{subject}'"
    body: dict[str, Any] = systems.crm.get(f"{CRM_API}/query", params={"q": q}).json()
    return list(body["records"])


def test_a_milestone_is_held_on_credit_hold_flagged_and_invoiced_after_the_release(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    ws = milestone_workspace(systems)
    ws_id, customer_ext = str(ws["id"]), str(ws["client_ref"])
    set_hold(systems, customer_ext, "ON")
    story_id = complete_milestone(systems, ws_id, 750_000)
    released: list[str] = []

    async def body() -> None:
        runner = FlowRunner(settings, on_release=[released.append])
        try:
            push_erp_events(systems, runner)
            await drive(runner, lambda: runner.store.counts()["held"] == 1 and runner.store.counts()["pending"] == 0)
            (held,) = [e for e in runner.status()["exceptions"] if e["state"] == "held"]
            assert held["key"] == f"psa:milestone:{story_id}"
            assert held["held_for"] == customer_ext
            assert "credit hold" in held["last_error"]
            assert credit_flag(systems, ws_id) == "on_credit_hold"
            (task,) = credit_tasks(systems, customer_ext)
            assert (task["IsClosed"], task["Priority"]) == (False, "High")

            set_hold(systems, customer_ext, "AUTO")
            assert push_erp_events(systems, runner) >= 1
            await drive(runner, lambda: runner.store.counts()["held"] == 0 and runner.store.counts()["pending"] == 0)
        finally:
            await runner.close()

    asyncio.run(body())
    assert released == [customer_ext]
    invoice = systems.erp.get(f"{ERP_RECORD}/invoice/eid:p2c-ms-{story_id}")
    assert invoice.status_code == 200, invoice.text
    assert invoice.json()["total"] == 7500.0
    assert credit_flag(systems, ws_id) == "released"
    assert [t["IsClosed"] for t in credit_tasks(systems, customer_ext)] == [True]


def test_ignoring_credit_holds_dead_letters_the_milestone_and_flags_nothing(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    ws = milestone_workspace(systems)
    ws_id, customer_ext = str(ws["id"]), str(ws["client_ref"])
    set_hold(systems, customer_ext, "ON")
    complete_milestone(systems, ws_id, 100_000)
    defective = settings.model_copy(update={"defects": "ignore-credit-hold"})

    async def body() -> list[dict[str, Any]]:
        runner = FlowRunner(defective)
        try:
            push_erp_events(systems, runner)
            await drive(runner, lambda: runner.store.counts()["dead"] == 1 and runner.store.counts()["pending"] == 0)
            return runner.store.dead_letters()
        finally:
            await runner.close()

    (letter,) = asyncio.run(body())
    assert letter["reason"] == "REJECTED"
    assert credit_flag(systems, ws_id) is None
    assert credit_tasks(systems, customer_ext) == []


def test_a_held_milestone_is_billed_even_when_the_release_push_is_lost(
    systems: Systems, settings: OrchestratorSettings
) -> None:
    ws = milestone_workspace(systems)
    ws_id, customer_ext = str(ws["id"]), str(ws["client_ref"])
    set_hold(systems, customer_ext, "ON")
    story_id = complete_milestone(systems, ws_id, 250_000)
    quick = settings.model_copy(update={"hold_recheck_s": 0.2})

    async def body() -> None:
        runner = FlowRunner(quick)
        try:
            await drive(runner, lambda: runner.store.counts()["held"] == 1)
            set_hold(systems, customer_ext, "OFF")  # the release event is never pushed to us
            await drive(runner, lambda: runner.store.counts()["held"] == 0 and runner.store.counts()["pending"] == 0)
        finally:
            await runner.close()

    asyncio.run(body())
    assert systems.erp.get(f"{ERP_RECORD}/invoice/eid:p2c-ms-{story_id}").status_code == 200
