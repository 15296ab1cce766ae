"""Approval processes: submitting a record locks it (``ENTITY_IS_LOCKED``) until it is approved or rejected.

``POST /process/approvals`` takes ``Submit`` (``contextId`` = the record), ``Approve``, ``Reject`` and
``Removed`` (``contextId`` = the pending ``ProcessInstance``; Salesforce takes a work item id there).
The approval itself is modelled as a ``ProcessInstance`` record, queryable with SOQL.
"""

from __future__ import annotations

from typing import Literal

from simulators.crm.exceptions import AlreadyInProcess, InvalidCrossReferenceKey
from simulators.crm.ids import normalize_id
from simulators.crm.models import CrmStore
from simulators.crm.records import SObject

ApprovalAction = Literal["Submit", "Approve", "Reject", "Removed"]
OUTCOME = {"Approve": "Approved", "Reject": "Rejected", "Removed": "Removed"}
IN_PROCESS = "This record is currently in an approval process. A record can be in only one approval process at a time."


def _record(store: CrmStore, ref: str) -> SObject:
    record_id = normalize_id(ref)
    record = store.by_id(record_id) if record_id is not None else None
    if record is None or record.deleted:
        raise InvalidCrossReferenceKey(f"invalid cross reference id: {ref}", fields=[])
    return record


def submit(store: CrmStore, ref: str) -> SObject:
    """Start an approval process for a record; it stays locked while the process is pending."""
    target = _record(store, ref)
    process = store.describe("ProcessInstance")
    lookup = process.field("TargetObjectId")
    if lookup is None or target.type not in lookup.reference_to:
        raise InvalidCrossReferenceKey(f"invalid cross reference id: {ref}", fields=[])
    if store.pending_approval(target.id) is not None:
        raise AlreadyInProcess(IN_PROCESS, fields=[])
    return store.insert(process, {"TargetObjectId": target.id, "Status": "Pending"})


def decide(store: CrmStore, ref: str, action: ApprovalAction) -> SObject:
    """Approve, reject or recall a pending approval process, which unlocks its record."""
    instance = _record(store, ref)
    if instance.type != "ProcessInstance" or instance.values.get("Status") != "Pending":
        raise InvalidCrossReferenceKey(f"invalid cross reference id: {ref}", fields=[])
    changes = {"Status": OUTCOME[action], "CompletedDate": store.ctx.clock.now()}
    return store.system_update(instance, changes)
