"""The posting pipeline: approved time and billable expenses from the PSA to the ERP.

Each step either passes the record on, refuses it with a business reason (a dead letter, replayed once the
cause is fixed) or holds it (a customer on credit hold):

1. rate resolution: the entry's rate must be its assignment's bill rate (the assignment's own rate, else
   the rate card's for the role); otherwise ``RATE_MISMATCH``;
2. period check: a date in a closed ERP period is dead-lettered (``PERIOD_CLOSED``) or re-dated to the
   first day of the first open period, the original date kept in the memo (``period_policy``);
3. credit check: a customer on credit hold parks the posting until the hold lifts (``credit_policy``);
4. idempotent posting: ``PUT <record>/eid:<source id>`` (``psa-te-<id>``, ``psa-ex-<id>``);
5. sync back: an external reference on the PSA record (a separate work item, enqueued with the posting;
   due write-backs go to the PSA together, ``sync_batch_size`` per call).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from harness.orchestrator.clients.erp import ErpClient
from harness.orchestrator.clients.http import PermanentError
from harness.orchestrator.clients.psa import PsaClient, SyncedPosting
from harness.orchestrator.ledger import Ledger, NewWork, WorkItem
from harness.orchestrator.references import References, first_open_after, period_of
from harness.orchestrator.settings import OrchestratorSettings

CENT = Decimal("0.01")
SUBMISSION = "psa.submission.approved"
TIME_BILL = "erp.time_bill"
EXPENSE = "erp.expense_report"
SYNC = "psa.mark_synced"


def time_entry_external_id(entry_id: str) -> str:
    """The ERP external id of a PSA time entry (the idempotency key of its posting)."""
    return f"psa-te-{entry_id}"


def expense_external_id(expense_id: str) -> str:
    """The ERP external id of a PSA expense."""
    return f"psa-ex-{expense_id}"


def source_id(work_key: str) -> str | None:
    """The source id a work item posts (``psa-te-<id>``, ``psa-ex-<id>``), or None for other work."""
    kind, _, rest = work_key.removeprefix("psa:").partition(":")
    record_id = rest.split("#", 1)[0]
    return {"time_entry": time_entry_external_id, "expense": expense_external_id}.get(kind, lambda _i: None)(record_id)


class Refused(Exception):
    """A business refusal: the item is dead-lettered with ``reason``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class Held(Exception):
    """The customer is on credit hold: the item waits in the held state."""

    def __init__(self, customer_external_id: str, detail: str) -> None:
        super().__init__(detail)
        self.customer_external_id = customer_external_id


@dataclass(frozen=True, slots=True)
class Dating:
    """The date a posting carries, and the original one when it was re-dated."""

    tran_date: date
    original: date | None


class Pipeline:
    """The steps of a posting, over the vendor clients, the reference cache and the ledger."""

    def __init__(
        self, settings: OrchestratorSettings, psa: PsaClient, erp: ErpClient, refs: References, ledger: Ledger
    ) -> None:
        self.settings = settings
        self.psa = psa
        self.erp = erp
        self.refs = refs
        self.ledger = ledger

    # -- expansion --------------------------------------------------------------------------------------------
    async def expand_submission(self, item: WorkItem) -> None:
        """An approved submission -> one posting item per approved billable entry (in one transaction)."""
        corr = item.correlation_id
        submission = await self.psa.submission(item.payload["submission_id"], corr)
        if submission is None or submission.get("status") != "approved":
            self.ledger.complete(item)  # withdrawn or not approved (any more): nothing to post
            return
        entries = await self.psa.time_entries([str(i) for i in submission.get("time_entry_ids", [])], corr)
        suffix = item.payload.get("key_suffix", "")
        children = [
            NewWork(TIME_BILL, f"psa:time_entry:{e['id']}{suffix}", {"entry": e}, correlation_id=f"{corr}-te-{e['id']}")
            for e in entries
            if e.get("billable") and e.get("approved")
        ]
        self.ledger.complete(item, children)

    # -- checks -----------------------------------------------------------------------------------------------
    async def dating(self, day: date, corr: str) -> Dating:
        """The period check: the date to post with, by the period policy."""
        if self.settings.defect("ignore-period-policy"):
            return Dating(day, None)
        periods = await self.refs.periods(corr)
        period = period_of(periods, day)
        if period is None:
            raise Refused("NO_PERIOD", f"no ERP accounting period covers {day.isoformat()}")
        if not period.closed:
            return Dating(day, None)
        if self.settings.period_policy == "dead_letter":
            raise Refused("PERIOD_CLOSED", f"{day.isoformat()} falls in the closed accounting period {period.name}")
        target = first_open_after(periods, period)
        if target is None:
            raise Refused("PERIOD_CLOSED", f"{day.isoformat()}: no open period after {period.name}")
        return Dating(target.start, day)

    async def credit_check(self, workspace_id: str, corr: str) -> str:
        """The credit check: the ERP job id, or :class:`Held` when its customer is on hold."""
        job = await self.refs.job(workspace_id, corr)
        enforce = self.settings.credit_policy == "hold" and not self.settings.defect("ignore-credit-hold")
        if enforce and await self.refs.on_hold(job, corr):
            raise Held(job.customer_external_id, f"customer {job.customer_external_id} is on credit hold")
        return job.id

    async def resolved_rate(self, entry: dict[str, Any], corr: str) -> Decimal:
        """Rate resolution: the assignment's bill rate, which the entry's own rate must match."""
        workspace, user = str(entry["workspace_id"]), str(entry["user_id"])
        cents = await self.refs.bill_rate(workspace, user, corr)
        if cents is None:
            raise Refused("INVALID_REFERENCE", f"user {user} has no assignment on workspace {workspace}")
        given = entry.get("rate_in_cents")
        if given is not None and int(given) != cents:
            raise Refused(
                "RATE_MISMATCH",
                f"time entry {entry['id']}: rate {int(given) / 100:.2f} "
                f"differs from the assignment's {cents / 100:.2f}",
            )
        return (Decimal(cents) / 100).quantize(CENT)

    # -- postings ---------------------------------------------------------------------------------------------
    async def post_time_entry(self, item: WorkItem) -> None:
        """Post one approved billable time entry as an ERP ``timeBill``."""
        entry: dict[str, Any] = item.payload["entry"]
        corr = item.correlation_id
        rate = await self.resolved_rate(entry, corr)
        dating = await self.dating(date.fromisoformat(str(entry["date_performed"])), corr)
        job = await self.credit_check(str(entry["workspace_id"]), corr)
        employee = await self.refs.erp_id("employee", f"psa-user-{entry['user_id']}", corr)
        hours = (Decimal(int(entry["time_in_minutes"])) / 60).quantize(CENT)
        external_id = time_entry_external_id(str(entry["id"]))
        body: dict[str, object] = {
            "employee": {"id": employee},
            "customer": {"id": job},
            "hours": str(hours),
            "tranDate": dating.tran_date.isoformat(),
            "isBillable": True,
            "approvalStatus": {"id": "2"},
            "rate": str(rate),
            "memo": _memo(external_id, dating),
        }
        target_id = await self._post("timeBill", external_id, body, corr)
        sync = self._sync_work("TimeEntry", str(entry["id"]), "timeBill", target_id, corr)
        self.ledger.complete(item, sync, posting=("erp.timeBill", target_id, str(hours)))

    async def post_expense(self, item: WorkItem) -> None:
        """Post one billable PSA expense as an ERP ``expenseReport`` with one billable line."""
        expense: dict[str, Any] = item.payload["expense"]
        corr = item.correlation_id
        dating = await self.dating(date.fromisoformat(str(expense["date"])), corr)
        job = await self.credit_check(str(expense["workspace_id"]), corr)
        employee = await self.refs.erp_id("employee", f"psa-user-{expense['user_id']}", corr)
        amount = (Decimal(int(expense["amount_in_cents"])) / 100).quantize(CENT)
        external_id = expense_external_id(str(expense["id"]))
        line = {"amount": str(amount), "category": str(expense.get("category") or "")[:99], "customer": {"id": job}}
        body: dict[str, object] = {
            "entity": {"id": employee},
            "tranDate": dating.tran_date.isoformat(),
            "approvalStatus": {"id": "2"},
            "memo": _memo(external_id, dating),
            "expense": {"items": [{**line, "isBillable": True, "memo": external_id}]},
        }
        target_id = await self._post("expenseReport", external_id, body, corr)
        sync = self._sync_work("Expense", str(expense["id"]), "expenseReport", target_id, corr)
        self.ledger.complete(item, sync, posting=("erp.expenseReport", target_id, str(amount)))

    async def mark_synced(self, item: WorkItem) -> None:
        """Write the posting's ERP id back on the PSA record."""
        p = item.payload
        await self.psa.mark_synced(p["subject_type"], p["subject_id"], p["model"], p["ref"], item.correlation_id)
        self.ledger.complete(item)

    async def mark_synced_many(self, items: list[WorkItem]) -> list[WorkItem]:
        """Write several postings back in one PSA call; returns the items left to write back one by one.

        The PSA takes the batch all or none: when it refuses it (a record deleted since, say), each item is
        written back on its own so that only the one at fault is refused.
        """
        postings: list[SyncedPosting] = [
            (p["subject_type"], p["subject_id"], p["model"], p["ref"]) for p in (item.payload for item in items)
        ]
        try:
            await self.psa.mark_synced_many(postings, f"p2c-sync-{items[0].id}-{len(items)}")
        except PermanentError:
            return items
        for item in items:
            self.ledger.complete(item)
        return []

    async def _post(self, record_type: str, external_id: str, body: dict[str, object], corr: str) -> str:
        if self.settings.posting_mode == "create" or self.settings.defect("no-idempotency"):
            return await self.erp.create(record_type, body, corr)
        return await self.erp.upsert(record_type, external_id, body, corr)

    def _sync_work(self, subject_type: str, subject_id: str, model: str, target_id: str, corr: str) -> list[NewWork]:
        if not self.settings.mark_synced:
            return []
        payload = {"subject_type": subject_type, "subject_id": subject_id, "model": model, "ref": target_id}
        return [NewWork(SYNC, f"psa:sync:{subject_type}:{subject_id}", payload, correlation_id=corr)]


def _memo(external_id: str, dating: Dating) -> str:
    """The source id, and the original date of a re-dated posting (kept for audit)."""
    if dating.original is None:
        return external_id
    return f"{external_id} original date {dating.original.isoformat()}"
