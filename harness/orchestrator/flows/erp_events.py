"""ERP events (credit hold changed, invoice created, payment applied) -> PSA and CRM updates.

A credit-hold event is a prompt, not the truth: the flow re-reads the customer and applies its *current*
hold, so duplicated, reordered or late events converge on the same result. On hold: every workspace of
the customer (``client_ref``) gets a ``NetSuite credit`` external reference with ``external_status:
on_credit_hold`` (delivery may continue, but it is flagged), the Account's ``Credit_Hold__c`` is set and a
High-priority Task is raised for the account owner (once: Tasks have no external id, so the open task is
looked up first). On release: the flags are cleared, the open credit-hold Tasks completed, and held
billing (milestone invoices here, time postings through the registered release callbacks) runs again.
Invoices and payments become the ``NetSuite billing`` reference of the project's workspace and a
completed Task (activity history) on the Account.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from harness.orchestrator.clients.crm import soql_literal
from harness.orchestrator.flows.deps import DEFECT_IGNORE_CREDIT_HOLD, FlowDeps
from harness.orchestrator.flows.store import Flow, NewFlow

KIND = "erp.event"
CREDIT_HOLD_CHANGED = "customer.creditHoldChanged"
INVOICE_CREATED = "invoice.created"
PAYMENT_APPLIED = "payment.applied"
EVENT_TYPES = (CREDIT_HOLD_CHANGED, INVOICE_CREATED, PAYMENT_APPLIED)
CREDIT_SERVICE = "NetSuite credit"
BILLING_SERVICE = "NetSuite billing"
ON_HOLD, RELEASED = "on_credit_hold", "released"


def credit_task_subject(customer_external_id: str) -> str:
    """The subject of the Task raised for a customer's credit hold (its look-up key)."""
    return f"Credit hold: customer {customer_external_id}"


def flow_for_event(event: dict[str, Any]) -> NewFlow | None:
    """The flow of a webhook event, keyed by its content: a redelivery with a new id starts nothing new."""
    event_type = str(event.get("type", ""))
    if event_type not in EVENT_TYPES:
        return None
    digest = hashlib.blake2b(orjson.dumps(event.get("payload"), option=orjson.OPT_SORT_KEYS), digest_size=8)
    subject = str(event.get("subjectId", ""))
    return NewFlow(
        KIND,
        f"erp:{event_type}:{subject}:{digest.hexdigest()}",
        {"type": event_type, "subject_id": subject, "payload": event.get("payload") or {}},
        f"p2c-erp-{event_type.split('.')[0]}-{subject}",
    )


async def run(flow: Flow, deps: FlowDeps) -> None:
    """Apply one ERP event to the PSA and the CRM."""
    event_type = str(flow.payload["type"])
    if event_type == CREDIT_HOLD_CHANGED:
        await _credit(flow, deps)
    elif event_type == INVOICE_CREATED:
        await _invoice(flow, deps)
    else:
        await _payment(flow, deps)
    deps.store.finish(flow)


async def _credit(flow: Flow, deps: FlowDeps) -> None:
    corr = flow.correlation_id
    if deps.has_defect(DEFECT_IGNORE_CREDIT_HOLD):
        return
    customer = await deps.erp.get("customer", str(flow.payload["subject_id"]), corr)
    if customer is None:
        return
    held = bool(customer.get("onCreditHold"))
    ext = str(customer.get("externalId") or customer["id"])
    reason = str(flow.payload["payload"].get("reason") or "")
    for workspace in await deps.psa.workspaces_of(ext, corr):
        ref = {
            "service_name": CREDIT_SERVICE,
            "service_model": "customer",
            "service_model_ref": str(customer["id"]),
            "status": "successful",
            "external_status": ON_HOLD if held else RELEASED,
            "external_message": reason if held else "credit hold released",
        }
        await deps.psa.set_reference("Workspace", str(workspace["id"]), ref, corr)
    account = await deps.crm.account_by_erp_id(ext, corr)
    if account is not None:
        await deps.crm.update("Account", str(account["Id"]), {"Credit_Hold__c": held}, corr)
        subject = credit_task_subject(ext)
        if held:
            await deps.crm.raise_task(
                {
                    "Subject": subject,
                    "WhatId": account["Id"],
                    "OwnerId": account["OwnerId"],
                    "Priority": "High",
                    "Status": "Not Started",
                    "Description": (
                        f"NetSuite put {customer.get('companyName', ext)} on credit hold ({reason or 'hold'}). "
                        "New invoices are refused; agree payment before more scope is approved."
                    )[:32000],
                },
                corr,
            )
        else:
            await _close_tasks(deps, str(account["Id"]), subject, corr)
    if not held:
        deps.store.release(ext)
        for callback in deps.on_release:
            callback(ext)


async def _close_tasks(deps: FlowDeps, what_id: str, subject: str, corr: str) -> None:
    found = await deps.crm.query(
        f"SELECT Id FROM Task WHERE WhatId = {soql_literal(what_id)} AND Subject = {soql_literal(subject)} "
        "AND IsClosed = false",
        corr,
    )
    for task in found:
        await deps.crm.update("Task", str(task["Id"]), {"Status": "Completed"}, corr)


async def _workspace_of_job(deps: FlowDeps, job_id: str, corr: str) -> str | None:
    job = await deps.erp.get("job", job_id, corr)
    ext = str((job or {}).get("externalId") or "")
    return ext.removeprefix("psa-ws-") if ext.startswith("psa-ws-") else None


async def _note_on_account(deps: FlowDeps, customer_ext: str | None, subject: str, text: str, corr: str) -> None:
    if not customer_ext:
        return
    account = await deps.crm.account_by_erp_id(customer_ext, corr)
    if account is None:
        return
    fields = {
        "Subject": subject[:255],
        "WhatId": account["Id"],
        "OwnerId": account["OwnerId"],
        "Status": "Completed",
        "Description": text,
    }
    await deps.crm.raise_task(fields, corr)


async def _invoice(flow: Flow, deps: FlowDeps) -> None:
    corr, body = flow.correlation_id, flow.payload["payload"]
    invoice = body.get("invoice") or {}
    total, currency = body.get("total"), body.get("currency") or ""
    job = (body.get("job") or {}).get("id")
    if job:
        workspace = await _workspace_of_job(deps, str(job), corr)
        if workspace:
            ref = {
                "service_name": BILLING_SERVICE,
                "service_model": "invoice",
                "service_model_ref": str(invoice.get("id")),
                "status": "successful",
                "external_status": "invoiced",
                "external_message": f"{invoice.get('tranId')} {total} {currency}".strip(),
            }
            await deps.psa.set_reference("Workspace", workspace, ref, corr)
    text = f"NetSuite invoice {invoice.get('tranId')}: {total} {currency}, due {body.get('dueDate')}."
    customer_ext = (body.get("customer") or {}).get("externalId")
    await _note_on_account(deps, customer_ext, f"Invoice {invoice.get('tranId')} created", text, corr)


async def _payment(flow: Flow, deps: FlowDeps) -> None:
    corr, body = flow.correlation_id, flow.payload["payload"]
    payment = body.get("payment") or {}
    for applied in body.get("applied", []):
        inv = await deps.erp.get("invoice", str(applied["invoice"]["id"]), corr)
        job = ((inv or {}).get("job") or {}).get("id")
        workspace = await _workspace_of_job(deps, str(job), corr) if job else None
        if workspace:
            paid = str(applied.get("amountRemaining")) in ("0", "0.00", "0.0")
            ref = {
                "service_name": BILLING_SERVICE,
                "service_model": "invoice",
                "service_model_ref": str(applied["invoice"]["id"]),
                "status": "successful",
                "external_status": "paid" if paid else "partially_paid",
                "external_message": f"{applied['invoice'].get('tranId')} remaining {applied.get('amountRemaining')}",
            }
            await deps.psa.set_reference("Workspace", workspace, ref, corr)
    count = len(body.get("applied", []))
    text = f"NetSuite payment {payment.get('tranId')}: {body.get('amount')} applied to {count} invoice(s)."
    customer_ext = (body.get("customer") or {}).get("externalId")
    await _note_on_account(deps, customer_ext, f"Payment {payment.get('tranId')} applied", text, corr)
