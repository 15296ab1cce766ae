"""Closed-won opportunity -> ERP customer -> PSA workspace -> ERP job -> ids written back to the CRM.

Each step is idempotent by an external id and records what it produced, so a flow stopped midway (a
transient failure, a crash, a replayed dead letter) resumes after its last finished step and never leaves
a second customer, workspace or job behind:

1. ``validated``: the opportunity is read (not trusted from the event) and must be won, with an account,
   a positive amount and a close date; otherwise it is dead-lettered ``MISSING_MANDATORY_FIELDS`` before
   anything is written anywhere.
2. ``customer``: ``PUT customer/eid:<ERP_Customer_Id__c or sf-<account id>>``.
3. ``workspace``: the client's workspace whose title carries the opportunity id, else a new one; then its
   ``Salesforce`` external reference.
4. ``job``: ``PUT job/eid:psa-ws-<workspace id>`` under the customer; then the workspace's ``NetSuite``
   external reference.
5. ``written_back``: the Opportunity's ``PSA_Project_Id__c`` and ``ERP_Job_Id__c`` (and the Account's
   ``ERP_Customer_Id__c`` when it had none), written as the integration user so the change events they
   cause carry our ``changeOrigin`` and are skipped.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from harness.orchestrator.clients.crm import origin_is
from harness.orchestrator.flows.deps import FlowDeps, FlowRefusedError
from harness.orchestrator.flows.store import Flow, NewFlow

KIND = "crm.opportunity.closed_won"
CLOSED_WON = "Closed Won"
STEPS = ("validated", "customer", "workspace", "job", "written_back")


def flow_key(opportunity_id: str) -> str:
    """One setup per opportunity, whatever the number of events about it."""
    return f"crm:opportunity:{opportunity_id[:15]}"


def workspace_title(name: str, opportunity_id: str) -> str:
    """The workspace title carries the opportunity id: the look-up key that makes creation idempotent."""
    return f"{name[:200]} [{opportunity_id[:15]}]"


def flows_for_change(event: dict[str, Any], client_name: str) -> tuple[list[str], bool]:
    """(opportunity ids to set up, whether to sweep for won opportunities) from one change event.

    Our own writes (``changeOrigin`` naming the integration) start nothing; an event without field data
    (``GAP_*``) starts a check of its records, which reads them; ``GAP_OVERFLOW`` lists no records at all.
    """
    body = event.get("payload", {})
    header = body.get("ChangeEventHeader", {})
    if origin_is(str(header.get("changeOrigin") or ""), client_name):
        return [], False
    change_type = str(header.get("changeType", ""))
    ids = [str(i) for i in header.get("recordIds", [])]
    if change_type == "GAP_OVERFLOW":
        return [], True
    if change_type.startswith("GAP_") and change_type != "GAP_DELETE":
        return ids, False
    if change_type in ("CREATE", "UPDATE") and body.get("StageName") == CLOSED_WON:
        return ids, False
    return [], False


def new_flow(opportunity_id: str) -> NewFlow:
    """The setup flow of one opportunity."""
    return NewFlow(KIND, flow_key(opportunity_id), {"opportunity_id": opportunity_id}, f"p2c-opp-{opportunity_id[:15]}")


def _missing(opp: dict[str, Any], account: dict[str, Any] | None) -> list[str]:
    missing = []
    if not opp.get("AccountId") or account is None:
        missing.append("AccountId")
    try:
        if Decimal(str(opp.get("Amount"))) <= 0:
            missing.append("Amount")
    except InvalidOperation:
        missing.append("Amount")
    if not opp.get("CloseDate"):
        missing.append("CloseDate")
    if account is not None and not account.get("Name"):
        missing.append("Account.Name")
    return missing


async def run(flow: Flow, deps: FlowDeps) -> None:
    """Run (or resume) one opportunity's setup."""
    corr, got = flow.correlation_id, flow.progress
    opp_id = str(flow.payload["opportunity_id"])
    if "validated" not in got:
        opp = await deps.crm.get("Opportunity", opp_id, corr)
        if opp is None or not opp.get("IsWon"):
            deps.store.finish(flow, "skipped", "not won (yet)")
            return
        if opp.get("PSA_Project_Id__c") and opp.get("ERP_Job_Id__c"):
            deps.store.finish(flow, "done", "already set up")
            return
        account = await deps.crm.get("Account", str(opp["AccountId"]), corr) if opp.get("AccountId") else None
        missing = _missing(opp, account)
        if missing or account is None:
            raise FlowRefusedError("MISSING_MANDATORY_FIELDS", f"opportunity {opp_id} lacks {', '.join(missing)}")
        deps.store.advance(
            flow,
            "validated",
            validated=True,
            opportunity={k: opp.get(k) for k in ("Id", "Name", "Amount", "CloseDate", "CurrencyIsoCode")},
            account={k: account.get(k) for k in ("Id", "Name", "ERP_Customer_Id__c", "BillingCountry")},
        )
    opp, account = got["opportunity"], got["account"]
    customer_ext = str(account.get("ERP_Customer_Id__c") or f"sf-{str(account['Id'])[:15]}")
    if "customer_id" not in got:
        body: dict[str, Any] = {"companyName": str(account["Name"])[:83]}
        subsidiary = await deps.erp.subsidiary_for(account.get("BillingCountry"), corr)
        if subsidiary is not None:
            body["subsidiary"] = {"id": subsidiary}
        customer_id = await deps.erp.upsert("customer", customer_ext, body, corr)
        deps.store.advance(flow, "customer", customer_id=customer_id, customer_external_id=customer_ext)
    if "workspace_id" not in got:
        title = workspace_title(str(opp["Name"]), opp_id)
        existing = [w for w in await deps.psa.workspaces_of(customer_ext, corr) if w.get("title") == title]
        if existing:
            workspace = existing[0]
        else:
            workspace = await deps.psa.create_workspace(
                {
                    "title": title,
                    "client_ref": customer_ext,
                    "billing_model": "time_and_materials",
                    "budget_in_cents": int(Decimal(str(opp["Amount"])) * 100),
                    "start_date": str(opp["CloseDate"]),
                },
                corr,
            )
        workspace_id = str(workspace["id"])
        ref = {"service_name": "Salesforce", "service_model": "Opportunity", "service_model_ref": opp_id[:15]}
        await deps.psa.set_reference("Workspace", workspace_id, {**ref, "status": "successful"}, corr)
        deps.store.advance(flow, "workspace", workspace_id=workspace_id)
    workspace_id = str(got["workspace_id"])
    if "job_id" not in got:
        job_id = await deps.erp.upsert(
            "job",
            f"psa-ws-{workspace_id}",
            {
                "companyName": str(opp["Name"])[:83],
                "parent": {"id": str(got["customer_id"])},
                "jobBillingType": {"id": "time_and_materials"},
                "startDate": str(opp["CloseDate"]),
            },
            corr,
        )
        ref = {"service_name": "NetSuite", "service_model": "job", "service_model_ref": job_id, "status": "successful"}
        await deps.psa.set_reference("Workspace", workspace_id, ref, corr)
        deps.store.advance(flow, "job", job_id=job_id)
    await deps.crm.update(
        "Opportunity", opp_id, {"PSA_Project_Id__c": workspace_id, "ERP_Job_Id__c": str(got["job_id"])}, corr
    )
    if not account.get("ERP_Customer_Id__c"):
        await deps.crm.update("Account", str(account["Id"]), {"ERP_Customer_Id__c": customer_ext}, corr)
    deps.store.advance(flow, "written_back", written_back=True)
    deps.store.finish(flow)
