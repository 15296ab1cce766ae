"""The orchestrator app runs the flows: it subscribes to the ERP's pushes and shows flows in /status and /dlq."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from harness.fleet import free_port
from harness.orchestrator.app import create_app
from harness.orchestrator.settings import OrchestratorSettings
from tests.harness.orchestrator.flows.conftest import CRM_API, ERP_RECORD, PSA_API, Systems, records


def _until(condition: Callable[[], Any], deadline_s: float = 20.0) -> Any:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("the orchestrator did not get there before the deadline")


def test_the_app_takes_erp_pushes_and_lists_flow_exceptions(
    systems: Systems, settings: OrchestratorSettings, live_server: Callable[..., str]
) -> None:
    port = free_port()
    cfg = settings.model_copy(update={"erp_webhook_subscribe": True, "port": port, "idle_poll_interval_s": 0.2})
    url = live_server(create_app(cfg), port=port, lifespan="on")  # the loops run in the app's lifespan
    hook = _until(lambda: systems.erp.get("/__admin/subscriptions").json()["subscriptions"])
    assert [s["url"] for s in hook] == [f"{url}/hooks/erp"]

    workspace = records(systems.psa.get(f"{PSA_API}/workspaces.json", params={"per_page": 1}).json())[0]
    customer_ext = workspace["client_ref"]
    patch = {"creditHoldOverride": {"id": "ON"}}
    assert systems.erp.patch(f"{ERP_RECORD}/customer/eid:{customer_ext}", json=patch).status_code == 204
    orphan = {"Name": "Orphan deal", "StageName": "Closed Won", "CloseDate": "2026-10-30", "Amount": 1000}
    assert systems.crm.post(f"{CRM_API}/sobjects/Opportunity", json=orphan).status_code == 201

    with httpx.Client(base_url=url, trust_env=False, timeout=10) as orch:
        letters = _until(lambda: orch.get("/dlq", params={"reason": "MISSING_MANDATORY_FIELDS"}).json()["dead_letters"])
        assert letters[0]["kind"] == "crm.opportunity.closed_won"
        status = _until(lambda: (s := orch.get("/status").json()) and s["flows"]["counts"]["done"] >= 1 and s)
        assert status["flows"]["counts"]["dead"] == 1
        assert status["flows"]["erp_webhook"] == f"{url}/hooks/erp"
        assert [e["state"] for e in status["flows"]["exceptions"]] == ["dead"]
    deliveries = [d for e in systems.erp.get("/__admin/events").json()["events"] for d in e["deliveries"]]
    assert any(d["status"] == 204 for d in deliveries), deliveries
