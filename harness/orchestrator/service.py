"""The orchestration loop: read the PSA feed, post approved billable time to the ERP, idempotently.

Flow: ``timesheet_submission:approved`` event -> inbox (de-duplicated by event id) -> one work item per
submission (keyed by the submission, so a duplicate event with a new id adds nothing) -> one work item
per approved billable time entry -> ERP ``timeBill`` upsert by external id ``psa-te-<id>``.
Retries back off with jitter (longer for throttles); business refusals are dead-lettered with a reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness.orchestrator.clients.erp import ErpClient
from harness.orchestrator.clients.http import PermanentError, TransientError, VendorCallError, VendorHttp
from harness.orchestrator.clients.psa import PsaClient
from harness.orchestrator.ledger import Ledger, NewWork, WorkItem
from harness.orchestrator.settings import OrchestratorSettings

log = logging.getLogger("p2c.orchestrator")

APPROVED = "timesheet_submission:approved"
FEED_CURSOR = "psa.subscribed_events.created_after"


def time_entry_external_id(entry_id: str) -> str:
    """The ERP external id of a PSA time entry (the idempotency key of its posting)."""
    return f"psa-te-{entry_id}"


def classify(exc: PermanentError) -> str:
    """A business reason code for a refused posting."""
    text = str(exc).lower()
    if "closed accounting period" in text or "accounting period" in text:
        return "PERIOD_CLOSED"
    if "credit hold" in text:
        return "CREDIT_HOLD"
    if exc.status == 404 or "invalid value for field" in text:
        return "INVALID_REFERENCE"
    return "REJECTED"


class MissingReferenceError(Exception):
    """A PSA record has no counterpart in the ERP (customer master error)."""


class Orchestrator:
    """The reference project-to-cash orchestrator."""

    def __init__(self, settings: OrchestratorSettings) -> None:
        self.settings = settings
        self.ledger = Ledger(settings.db_path)
        self.psa = PsaClient(
            VendorHttp(
                settings.psa_url,
                settings.psa_token,
                timeout_s=settings.request_timeout_s,
                concurrency=settings.psa_concurrency,
            )
        )
        self.erp = ErpClient(
            VendorHttp(
                settings.erp_url,
                settings.erp_token,
                timeout_s=settings.request_timeout_s,
                concurrency=settings.erp_concurrency,
            )
        )
        self._rng = random.Random(settings.seed)
        self._erp_slots = asyncio.Semaphore(settings.erp_concurrency)
        self._stopping = asyncio.Event()
        self.polls = 0
        self.last_error: str | None = None

    async def close(self) -> None:
        """Release connections and the database."""
        await self.psa.http.close()
        await self.erp.http.close()
        self.ledger.close()

    def stop(self) -> None:
        """Ask the loop to stop after the current round."""
        self._stopping.set()

    async def run(self) -> None:
        """Poll and work until stopped."""
        while not self._stopping.is_set():
            busy = await self.step()
            delay = self.settings.poll_interval_s if busy else self.settings.idle_poll_interval_s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)

    async def step(self) -> bool:
        """One round: read the feed, then work through due items. True if anything happened."""
        new_events = 0
        try:
            new_events = await self.poll_feed()
            self.last_error = None
        except VendorCallError as exc:
            self.last_error = str(exc)
            log.warning("feed poll failed: %s", exc)
        worked = await self.work_due()
        return bool(new_events or worked)

    # -- feed -------------------------------------------------------------------------------------------------
    async def poll_feed(self) -> int:
        """Read approval events (re-reading an overlap window, since the feed may be out of order)."""
        self.polls += 1
        cursor = self.ledger.cursor(FEED_CURSOR)
        events = await self.psa.events([APPROVED], cursor, correlation_id=f"p2c-feed-{self.polls}")
        new = 0
        newest: datetime | None = None
        for event in events:
            submission_id = str(event["subject_id"])
            work = NewWork(
                "psa.submission.approved",
                f"psa:submission:{submission_id}",
                {"submission_id": submission_id},
                correlation_id=f"p2c-tss-{submission_id}",
            )
            if self.ledger.accept_event("psa", event, work):
                new += 1
            created = _parse_time(event.get("created_at"))
            if created is not None and (newest is None or created > newest):
                newest = created
        if newest is not None:
            floor = newest - timedelta(seconds=self.settings.event_overlap_s)
            if cursor is None or floor.isoformat() > cursor:
                self.ledger.set_cursor(FEED_CURSOR, floor.isoformat())
        return new

    # -- work -------------------------------------------------------------------------------------------------
    async def work_due(self) -> int:
        """Run every due item (postings concurrently, under the ERP concurrency limit)."""
        items = self.ledger.due(self.settings.batch_size)
        if items:
            await asyncio.gather(*(self._run_item(item) for item in items))
        return len(items)

    async def _run_item(self, item: WorkItem) -> None:
        try:
            if item.kind == "psa.submission.approved":
                await self._expand_submission(item)
            elif item.kind == "erp.time_bill":
                async with self._erp_slots:
                    await self._post_time_bill(item)
            else:
                self.ledger.dead_letter(item, "UNKNOWN_WORK", f"unknown work kind {item.kind}")
        except TransientError as exc:
            self._retry(item, exc)
        except PermanentError as exc:
            self.ledger.dead_letter(item, classify(exc), str(exc))
        except MissingReferenceError as exc:
            self.ledger.dead_letter(item, "CUSTOMER_MASTER_ERROR", str(exc))

    def _retry(self, item: WorkItem, exc: VendorCallError) -> None:
        if item.attempts + 1 >= self.settings.max_attempts:
            self.ledger.dead_letter(item, "RETRIES_EXHAUSTED", str(exc))
            return
        base = self.settings.backoff_base_s * (2**item.attempts)
        if exc.status == 403 and exc.code == "REQUEST_LIMIT_EXCEEDED":
            base = max(base, 60.0)  # a Salesforce daily quota does not recover in seconds
        if exc.retry_after_s is not None:
            base = max(base, exc.retry_after_s)
        delay = min(self.settings.backoff_max_s, base) * (0.5 + self._rng.random())  # full jitter around base
        self.ledger.retry_later(item, delay, str(exc))

    async def _expand_submission(self, item: WorkItem) -> None:
        corr = item.correlation_id
        submission = await self.psa.submission(item.payload["submission_id"], corr)
        if submission is None or submission.get("status") != "approved":
            self.ledger.complete(item)  # withdrawn or not approved (any more): nothing to post
            return
        entries = await self.psa.time_entries([str(i) for i in submission.get("time_entry_ids", [])], corr)
        children = [
            NewWork(
                "erp.time_bill",
                f"psa:time_entry:{e['id']}",
                {"entry": e},
                correlation_id=f"{corr}-te-{e['id']}",
            )
            for e in entries
            if e.get("billable") and e.get("approved")
        ]
        self.ledger.complete(item, children)

    async def _erp_ref(self, record_type: str, external_id: str, corr: str) -> str:
        cached = self.ledger.ref("erp", record_type, external_id)
        if cached:
            return cached
        found = await self.erp.internal_id(record_type, external_id, corr)
        if found is None:
            raise MissingReferenceError(f"no ERP {record_type} with external id {external_id}")
        self.ledger.remember_ref("erp", record_type, external_id, found)
        return found

    async def _post_time_bill(self, item: WorkItem) -> None:
        entry: dict[str, Any] = item.payload["entry"]
        corr = item.correlation_id
        employee = await self._erp_ref("employee", f"psa-user-{entry['user_id']}", corr)
        job = await self._erp_ref("job", f"psa-ws-{entry['workspace_id']}", corr)
        hours = (Decimal(int(entry["time_in_minutes"])) / 60).quantize(Decimal("0.01"))
        external_id = time_entry_external_id(str(entry["id"]))
        body: dict[str, object] = {
            "employee": {"id": employee},
            "customer": {"id": job},
            "hours": str(hours),
            "tranDate": entry["date_performed"],
            "isBillable": True,
            "approvalStatus": {"id": "2"},
            "memo": external_id,
        }
        if entry.get("rate_in_cents") is not None:
            body["rate"] = str((Decimal(int(entry["rate_in_cents"])) / 100).quantize(Decimal("0.01")))
        if self.settings.posting_mode == "upsert":
            target_id = await self.erp.upsert_time_bill(external_id, body, corr)
        else:
            target_id = await self.erp.create_time_bill(body, corr)
        self.ledger.complete(item, posting=("erp.timeBill", target_id, str(hours)))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
