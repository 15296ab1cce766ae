"""Invariants of the credit-hold suite, over the systems' state and the ERP's emitted hold events.

The hold timeline comes from the ERP's ``customer.creditHoldChanged`` events in emission order (an
``invoice.created`` that causes an automatic hold is emitted before the hold it causes), so the checks
take the ERP's events as well as the view; build them with the events read at the time of the check.

What counts as a flag in the PSA (an integration may choose either): the workspace's status is
``on_hold``, or an external reference on it has an ``external_status`` naming a hold (``on_credit_hold``).
What counts as an alert in the CRM: a Task on the customer's Account created after the hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness.invariants import Invariant, Severity, SystemView, Violation

HOLD_EVENT = "customer.creditHoldChanged"
INVOICE_EVENT = "invoice.created"


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp from any of the three systems (``Z``, ``+0000`` or ``+00:00``)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class HoldChange:
    """One credit-hold flip of one customer."""

    event_id: int
    customer_id: str
    customer_external_id: str
    on_hold: bool
    reason: str
    at: datetime


def hold_changes(erp_events: Sequence[dict[str, Any]]) -> list[HoldChange]:
    """The hold flips in emission order (redelivered duplicates left out)."""
    out = []
    for event in sorted(erp_events, key=lambda e: int(e["id"])):
        if event["type"] != HOLD_EVENT or event.get("duplicate_of") is not None:
            continue
        body = event["payload"]
        at = parse_time(event.get("created_at"))
        if at is None:
            continue
        cust = body.get("customer") or {}
        out.append(
            HoldChange(
                int(event["id"]),
                str(cust.get("id")),
                str(cust.get("externalId") or cust.get("id")),
                bool(body.get("onCreditHold")),
                str(body.get("reason") or ""),
                at,
            )
        )
    return out


def _journal_ids(view: SystemView, system: str, fragment: str, methods: tuple[str, ...]) -> list[int]:
    return [j["id"] for j in view.journals.get(system, []) if fragment in j["path"] and j["method"] in methods][-10:]


def no_invoice_for_held_customer(erp_events: Sequence[dict[str, Any]]) -> Invariant:
    """No invoice is created for a customer while it is on credit hold (credit policy ``enforce``)."""

    def check(view: SystemView) -> Iterator[Violation]:
        held: dict[str, int] = {}
        for event in sorted(erp_events, key=lambda e: int(e["id"])):
            if event.get("duplicate_of") is not None:
                continue
            body = event["payload"]
            cust = str((body.get("customer") or {}).get("id"))
            if event["type"] == HOLD_EVENT:
                if body.get("onCreditHold"):
                    held[cust] = int(event["id"])
                else:
                    held.pop(cust, None)
            elif event["type"] == INVOICE_EVENT and cust in held:
                invoice = body.get("invoice") or {}
                yield Violation(
                    f"invoice {invoice.get('tranId')} was created for customer {cust} while it was on credit hold",
                    Severity.CRITICAL,
                    {
                        "erp_invoice": invoice.get("id"),
                        "erp_customer": cust,
                        "hold_event": held[cust],
                        "invoice_event": event["id"],
                        "erp_requests": _journal_ids(view, "erp", "/invoice", ("POST",)),
                    },
                )

    return Invariant("no_invoice_for_held_customer", "No invoice for a customer while it is on credit hold.", check)


def _flag_time(view: SystemView, workspace: dict[str, Any]) -> datetime | None:
    """When the workspace was flagged as held, or None when it is not flagged."""
    if workspace.get("status") == "on_hold":
        return parse_time(workspace.get("updated_at"))
    for ref in view.psa.get("external_references", []):
        status = str(ref.get("external_status") or "").lower()
        if (
            ref.get("subject_type") == "Workspace"
            and str(ref.get("subject_id")) == str(workspace["id"])
            and "hold" in status
            and "release" not in status
        ):
            return parse_time(ref.get("updated_at"))
    return None


def held_customers_flagged_and_alerted(
    erp_events: Sequence[dict[str, Any]], customers: set[str], bound: timedelta
) -> Invariant:
    """Within ``bound`` of simulated time after a hold, every workspace of the customer is flagged in the PSA
    and a Task is raised on its CRM Account (for holds of ``customers``, external ids, still in force)."""

    def check(view: SystemView) -> Iterator[Violation]:
        current: dict[str, HoldChange] = {}
        for change in hold_changes(erp_events):
            current[change.customer_external_id] = change
        accounts = {str(a.get("ERP_Customer_Id__c")): a for a in view.crm.get("Account", []) if not a.get("IsDeleted")}
        for ext, hold in sorted(current.items()):
            if ext not in customers or not hold.on_hold:
                continue
            evidence = {
                "hold_event": hold.event_id,
                "erp_customer": hold.customer_id,
                "customer_external_id": ext,
                "held_at": hold.at.isoformat(),
                "erp_requests": _journal_ids(view, "erp", "/customer", ("PATCH", "PUT")),
            }
            for ws in view.psa.get("workspaces", []):
                if str(ws.get("client_ref")) != ext or ws.get("archived"):
                    continue
                flagged = _flag_time(view, ws)
                if flagged is None or flagged - hold.at > bound:
                    late = "never flagged" if flagged is None else f"flagged only {flagged - hold.at} after the hold"
                    yield Violation(
                        f"workspace {ws['id']} of held customer {ext} was {late} (bound {bound})",
                        Severity.MAJOR,
                        {
                            **evidence,
                            "psa_workspace": ws["id"],
                            "psa_requests": _journal_ids(view, "psa", "/external_references", ("POST",)),
                        },
                    )
            account = accounts.get(ext)
            if account is None:
                continue
            tasks = [
                t
                for t in view.crm.get("Task", [])
                if t.get("WhatId") == account["Id"]
                and not t.get("IsDeleted")
                and (parse_time(t.get("CreatedDate")) or hold.at) >= hold.at - timedelta(seconds=1)
            ]
            if not any((parse_time(t.get("CreatedDate")) or hold.at) - hold.at <= bound for t in tasks):
                yield Violation(
                    f"no CRM task was raised on account {account['Id']} within {bound} of customer {ext}'s hold",
                    Severity.MAJOR,
                    {**evidence, "crm_account": account["Id"], "crm_tasks_after_hold": [t["Id"] for t in tasks]},
                )

    return Invariant(
        "held_customers_flagged_and_alerted",
        "A held customer's PSA workspaces are flagged and a CRM task is raised within the bound of simulated time.",
        check,
    )


def held_billing_flows_once_released(
    erp_events: Sequence[dict[str, Any]], milestones: dict[str, Decimal], job_id: str
) -> Invariant:
    """Every completed milestone (title -> amount) of a released customer is invoiced on its ERP project."""

    def check(view: SystemView) -> Iterator[Violation]:
        billed: dict[str, Decimal] = {}
        invoices = [i for i in view.erp.get("invoice", []) if str(i.get("job")) == job_id]
        for inv in invoices:
            for line in inv.get("lines", []):
                if line.get("kind") == "milestone":
                    title = str(line.get("description"))
                    billed[title] = billed.get(title, Decimal(0)) + Decimal(str(line.get("amount")))
        holds = [c for c in hold_changes(erp_events) if c.on_hold]
        for title, amount in sorted(milestones.items()):
            if billed.get(title) != amount:
                yield Violation(
                    f"completed milestone {title!r} ({amount}) is not invoiced on ERP project {job_id} after the "
                    f"release (invoiced: {billed.get(title, Decimal(0))})",
                    Severity.CRITICAL,
                    {
                        "erp_job": job_id,
                        "erp_invoices": [i["id"] for i in invoices],
                        "hold_events": [h.event_id for h in holds],
                        "erp_requests": _journal_ids(view, "erp", "!transform/invoice", ("POST",)),
                    },
                )

    return Invariant(
        "held_billing_flows_once_released",
        "Billing held for a customer on credit hold flows once the hold is released.",
        check,
    )
