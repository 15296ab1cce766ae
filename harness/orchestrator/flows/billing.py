"""Milestone completed (PSA) -> invoice request in the ERP, held while the customer is on credit hold.

Steps, each idempotent: ``resolved`` (the story is re-read: a completed milestone with an amount, on a
workspace whose ERP project ``psa-ws-<id>`` exists), ``task`` (``PUT projectTask/eid:psa-story-<id>``
marked complete with the milestone amount), then the invoice: ``POST job/{id}/!transform/invoice`` with
external id ``p2c-ms-<story id>``, looked up first, so a retry after a lost response never bills twice.
NetSuite's refusal for a customer on credit hold parks the flow as ``held`` until the hold is released.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.orchestrator.clients.http import PermanentError
from harness.orchestrator.flows.deps import DEFECT_IGNORE_CREDIT_HOLD, CreditHeldError, FlowDeps, FlowRefusedError
from harness.orchestrator.flows.store import Flow, NewFlow

KIND = "psa.milestone.completed"
STORY_UPDATED = "story:updated"
NOTHING_TO_BILL = "at least one line item"


def invoice_external_id(story_id: str) -> str:
    """The external id of the invoice requested for a milestone (its idempotency key)."""
    return f"p2c-ms-{story_id}"


def flow_for_event(event: dict[str, Any]) -> NewFlow | None:
    """A milestone flow when a feed event says a milestone was completed."""
    if event.get("event_type") != STORY_UPDATED:
        return None
    current = event.get("current_payload") or {}
    changes = event.get("payload_changes") or {}
    state = changes.get("state")
    completed_now = isinstance(state, list) and len(state) == 2 and state[1] == "completed"
    if current.get("story_type") != "milestone" or not completed_now:
        return None
    story_id = str(event["subject_id"])
    return NewFlow(KIND, f"psa:milestone:{story_id}", {"story_id": story_id}, f"p2c-ms-{story_id}")


async def run(flow: Flow, deps: FlowDeps) -> None:
    """Run (or resume) one milestone's invoice request."""
    corr, got = flow.correlation_id, flow.progress
    story_id = str(flow.payload["story_id"])
    if "job_id" not in got:
        story = await deps.psa.story(story_id, corr)
        if story is None or story.get("story_type") != "milestone" or story.get("state") != "completed":
            deps.store.finish(flow, "skipped", "not a completed milestone")
            return
        if not story.get("budget_estimate_in_cents"):
            deps.store.finish(flow, "skipped", "milestone without an amount")
            return
        job = await deps.erp.get("job", f"eid:psa-ws-{story['workspace_id']}", corr)
        if job is None:
            raise FlowRefusedError("INVALID_REFERENCE", f"no ERP project psa-ws-{story['workspace_id']}")
        customer = await deps.erp.get("customer", str(job["parent"]["id"]), corr)
        if customer is None:
            raise FlowRefusedError("CUSTOMER_MASTER_ERROR", f"ERP project {job['id']} has no customer")
        amount = (Decimal(int(story["budget_estimate_in_cents"])) / 100).quantize(Decimal("0.01"))
        deps.store.advance(
            flow,
            "resolved",
            job_id=str(job["id"]),
            workspace_id=str(story["workspace_id"]),
            customer_external_id=str(customer.get("externalId") or customer["id"]),
            title=str(story.get("title") or f"Milestone {story_id}")[:200],
            amount=str(amount),
        )
    if "task_id" not in got:
        task_id = await deps.erp.upsert(
            "projectTask",
            f"psa-story-{story_id}",
            {
                "title": got["title"],
                "company": {"id": got["job_id"]},
                "isMilestone": True,
                "status": {"id": "COMPLETE"},
                "amount": got["amount"],
            },
            corr,
        )
        deps.store.advance(flow, "task", task_id=task_id)
    ext = invoice_external_id(story_id)
    found = await deps.erp.get("invoice", f"eid:{ext}", corr)
    if found is not None:
        invoice_id = str(found["id"])
    else:
        try:
            invoice_id = await deps.erp.bill_project(
                str(got["job_id"]), {"externalId": ext, "memo": f"Milestone {got['title']}"[:4000]}, corr
            )
        except PermanentError as exc:
            text = str(exc).lower()
            if "credit hold" in text:
                if deps.has_defect(DEFECT_IGNORE_CREDIT_HOLD):
                    raise FlowRefusedError("REJECTED", str(exc)) from exc
                raise CreditHeldError(str(got["customer_external_id"]), str(exc)) from exc
            if NOTHING_TO_BILL in text:
                deps.store.finish(flow, "done", "already billed on an earlier invoice of the project")
                return
            again = await deps.erp.get("invoice", f"eid:{ext}", corr) if "already exists" in text else None
            if again is None:
                raise
            invoice_id = str(again["id"])  # our earlier request committed after all (a lost response)
    ref = {"service_name": "NetSuite", "service_model": "invoice", "service_model_ref": invoice_id}
    await deps.psa.set_reference("Story", story_id, {**ref, "status": "successful"}, corr)
    deps.store.advance(flow, "invoiced", invoice_id=invoice_id)
    deps.store.finish(flow)
