"""Actions of finance and delivery for the credit-hold and project-setup suites, through the vendor APIs only.

Finance works in the ERP (NetSuite: a customer's ``creditHoldOverride`` and ``creditLimit``, payments),
delivery in the PSA (Kantata: milestones completed), sales in the CRM (Salesforce: opportunities won).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from harness.engine import ScenarioContext

PSA = "/api/v1"
ERP = "/services/rest/record/v1"
CRM = "/services/data/v62.0"


def _ok(resp: httpx.Response) -> Any:
    if resp.status_code >= 400:
        raise AssertionError(f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}: {resp.text[:300]}")
    return resp.json() if resp.content else None


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [body[r["key"]][r["id"]] for r in body.get("results", [])]


def soql(crm: httpx.Client, query: str) -> list[dict[str, Any]]:
    """The records of a SOQL query (first batch: the suites' queries are small)."""
    body = _ok(crm.get(f"{CRM}/query", params={"q": query}))
    return list(body["records"])


@dataclass(frozen=True, slots=True)
class Engagement:
    """A milestone-billed project with its customer in all three systems."""

    workspace_id: str
    customer_external_id: str
    customer_id: str
    job_id: str
    account_id: str


def _engagement(ctx: ScenarioContext, ws: dict[str, Any]) -> Engagement | None:
    ext = str(ws.get("client_ref") or "")
    if not ext:
        return None
    job = ctx.erp.api.get(f"{ERP}/job/eid:psa-ws-{ws['id']}")
    customer = ctx.erp.api.get(f"{ERP}/customer/eid:{ext}")
    if job.status_code != 200 or customer.status_code != 200:
        return None
    accounts = soql(ctx.crm.api, f"SELECT Id FROM Account WHERE ERP_Customer_Id__c = '{ext}'")
    if not accounts:
        return None
    return Engagement(str(ws["id"]), ext, str(customer.json()["id"]), str(job.json()["id"]), accounts[0]["Id"])


def milestone_engagement(ctx: ScenarioContext) -> Engagement:
    """A milestone-billed project whose ERP project and customer and CRM account all exist.

    When the world has none, finance and delivery switch the first complete project to milestone billing
    (the ERP project's ``jobBillingType`` and the PSA workspace's ``billing_model``).
    """
    workspaces: list[dict[str, Any]] = []
    page = 1
    while True:
        body = _ok(ctx.psa.api.get(f"{PSA}/workspaces.json", params={"page": page, "per_page": 200}))
        workspaces += _records(body)
        if page >= int(body.get("meta", {}).get("page_count", 1) or 1):
            break
        page += 1
    ordered = sorted(workspaces, key=lambda w: (w.get("billing_model") != "milestone", int(w["id"])))
    for ws in ordered:
        found = _engagement(ctx, ws)
        if found is None:
            continue
        if ws.get("billing_model") != "milestone":
            _ok(ctx.erp.api.patch(f"{ERP}/job/{found.job_id}", json={"jobBillingType": {"id": "milestone"}}))
            _ok(
                ctx.psa.api.put(f"{PSA}/workspaces/{ws['id']}.json", json={"workspace": {"billing_model": "milestone"}})
            )
        return found
    raise AssertionError("the world has no project known to all three systems")


def complete_milestone(psa: httpx.Client, workspace_id: str, title: str, amount_cents: int) -> str:
    """Delivery creates a priced milestone and completes it; returns the story id."""
    story = {
        "workspace_id": workspace_id,
        "title": title,
        "story_type": "milestone",
        "budget_estimate_in_cents": amount_cents,
    }
    story_id = str(_records(_ok(psa.post(f"{PSA}/stories.json", json={"story": story})))[0]["id"])
    _ok(psa.put(f"{PSA}/stories/{story_id}.json", json={"story": {"state": "completed"}}))
    return story_id


def customer(erp: httpx.Client, external_id: str) -> dict[str, Any]:
    """The ERP customer with its exposure (``balance``, ``unbilledOrders``) and ``onCreditHold``."""
    found: dict[str, Any] = _ok(erp.get(f"{ERP}/customer/eid:{external_id}"))
    return found


def update_customer(erp: httpx.Client, external_id: str, fields: dict[str, Any]) -> None:
    """Finance changes a customer (``creditHoldOverride`` ON/OFF/AUTO, ``creditLimit``)."""
    _ok(erp.patch(f"{ERP}/customer/eid:{external_id}", json=fields))


def receive_payment(erp: httpx.Client, customer_id: str, amount: str) -> None:
    """Finance records a customer payment (applied to open invoices, oldest due first)."""
    _ok(erp.post(f"{ERP}/customerPayment", json={"customer": {"id": customer_id}, "payment": amount}))


def erp_events(ctx: ScenarioContext, event_type: str) -> list[dict[str, Any]]:
    """The ERP's emitted events of one type (originals only, in emission order)."""
    events = [e for e in ctx.erp.admin.events() if e["type"] == event_type and e.get("duplicate_of") is None]
    return sorted(events, key=lambda e: int(e["id"]))


def wait_until(ctx: ScenarioContext, condition: Callable[[], bool], *, timeout_s: float, what: str) -> float | None:
    """Poll ``condition``; the seconds it took, or None (noted in the report) when it never held.

    Unlike ``ctx.eventually`` this does not end the scenario: the invariants that follow report what is
    missing, with the evidence.
    """
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if condition():
            return round(time.monotonic() - start, 2)
        time.sleep(0.2)
    ctx.note(f"gave up waiting {timeout_s}s for {what}")
    return None
