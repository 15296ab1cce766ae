"""``POST /services/data/vNN.0/process/approvals``: submit records for approval, approve, reject, recall.

A submitted record is locked (``ENTITY_IS_LOCKED`` on update or delete) until its ``ProcessInstance`` is
approved, rejected or removed. The actions run in one transaction; the first failure answers its error.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from simulators._core.responses import json_response
from simulators.crm import approvals
from simulators.crm.routes.render import call_of, store_of, writing
from simulators.crm.schemas import ERRORS, ApprovalRequests, ApprovalResult

router = APIRouter(prefix="/services/data/{version}/process", responses=ERRORS, tags=["Approvals"])


@router.post("/approvals", response_model=list[ApprovalResult], operation_id="processApprovals")
async def process_approvals(request: Request, version: str, body: ApprovalRequests) -> Response:
    """Run approval actions: ``Submit`` (contextId = the record) or Approve/Reject/Removed (the ProcessInstance)."""
    call = call_of(request, version)
    store = store_of(request)
    results: list[dict[str, Any]] = []
    with writing(store, call) as tx:
        for action in body.requests:
            if action.actionType == "Submit":
                instance = approvals.submit(store, action.contextId)
            else:
                instance = approvals.decide(store, action.contextId, action.actionType)
            status = str(instance.values["Status"])
            results.append(
                {
                    "actorIds": [tx.user] if status == "Pending" else [],
                    "entityId": instance.values["TargetObjectId"],
                    "errors": None,
                    "instanceId": instance.id,
                    "instanceStatus": status,
                    "newWorkitemIds": [instance.id] if status == "Pending" else [],
                    "success": True,
                }
            )
    return json_response(results)
