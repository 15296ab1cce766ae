"""Invariants for runs where customers may go on credit hold while time is being approved.

Under the ERP's credit policy a customer on hold gets no new billing: an integration parks that
customer's postings until the hold lifts. Approved time that is not posted is then accounted for, not
lost, as long as its customer is on hold in the ERP when the run is judged. Everything else must be
posted, exactly as approved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from harness.invariants import Severity, SystemView, Violation, invariant
from scenarios.invariants import CENT, approved_billable, hours_of, workspace_hours_differ
from scenarios.links import postings_by_entry

WORKSPACE_JOB_PREFIX = "psa-ws-"


def held_workspaces(view: SystemView) -> dict[str, str]:
    """PSA workspace id -> ERP customer (``externalId`` or id) for workspaces whose customer is on credit hold."""
    customers = {c["id"]: c for c in view.erp.get("customer", [])}
    out: dict[str, str] = {}
    for job in view.erp.get("job", []):
        external = str(job.get("externalId") or "")
        customer = customers.get(job.get("parent"))
        if external.startswith(WORKSPACE_JOB_PREFIX) and customer is not None and customer.get("onCreditHold"):
            out[external.removeprefix(WORKSPACE_JOB_PREFIX)] = str(customer.get("externalId") or customer["id"])
    return out


@invariant
def approved_entry_posted_or_held(view: SystemView) -> Iterator[Violation]:
    """Every approved billable PSA time entry is posted to the ERP, or waits for a customer on credit hold."""
    posted = postings_by_entry(view.erp.get("timeBill", []))
    held = held_workspaces(view)
    for entry_id, entry in approved_billable(view).items():
        workspace = str(entry.get("workspace_id"))
        if entry_id not in posted and workspace not in held:
            yield Violation(
                f"approved billable time entry {entry_id} ({hours_of(entry)} h) was never posted "
                "and its customer is not on credit hold",
                Severity.CRITICAL,
                {"psa_time_entry": entry_id, "workspace_id": workspace},
            )


@invariant
def posted_hours_reconcile_outside_holds(view: SystemView) -> Iterator[Violation]:
    """Postings carry approved hours and add up per project, except for projects of customers on credit hold."""
    entries = approved_billable(view)
    held = held_workspaces(view)
    approved: dict[str, Decimal] = defaultdict(Decimal)
    posted: dict[str, Decimal] = defaultdict(Decimal)
    for entry_id, bills in postings_by_entry(view.erp.get("timeBill", [])).items():
        entry = entries.get(entry_id)
        if entry is None:
            continue  # only_approved_billable_time_posted reports it
        hours = hours_of(entry)
        for bill in bills:
            billed = Decimal(str(bill["hours"])).quantize(CENT)
            posted[str(entry["workspace_id"])] += billed
            if billed != hours:
                yield Violation(
                    f"time entry {entry_id}: approved {hours} h, posted {billed} h (ERP timeBill {bill['id']})",
                    Severity.CRITICAL,
                    {"psa_time_entry": entry_id, "erp_time_bill": bill["id"]},
                )
    for entry in entries.values():
        approved[str(entry["workspace_id"])] += hours_of(entry)
    yield from workspace_hours_differ(approved, posted, sorted(set(approved) - set(held)))
