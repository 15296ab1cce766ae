"""The orchestration loop: read the PSA feed, run the posting pipeline, keep state durable.

Flow: ``timesheet_submission:approved`` event -> inbox (de-duplicated by event id) -> one work item per
submission (keyed by the submission, so a duplicate event with a new id adds nothing) -> one work item
per approved billable time entry -> :mod:`harness.orchestrator.pipeline` (rate, period, credit, ERP upsert
by external id, sync back to the PSA). Billable ``expense:created|updated`` events become one item per
expense. Retries back off with jitter (longer for throttles); business refusals are dead-lettered with a
reason; a customer's credit hold parks its postings, re-checked every ``hold_recheck_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from datetime import datetime, timedelta
from typing import Any

from harness.orchestrator.clients.erp import ErpClient
from harness.orchestrator.clients.http import PermanentError, TransientError, VendorCallError, VendorHttp
from harness.orchestrator.clients.psa import PsaClient
from harness.orchestrator.ledger import Ledger, NewWork, WorkItem
from harness.orchestrator.pipeline import (
    EXPENSE,
    SUBMISSION,
    SYNC,
    TIME_BILL,
    Held,
    Pipeline,
    Refused,
    time_entry_external_id,
)
from harness.orchestrator.references import MissingReferenceError, References
from harness.orchestrator.retry import backoff_s
from harness.orchestrator.settings import OrchestratorSettings

log = logging.getLogger("p2c.orchestrator")

APPROVED = "timesheet_submission:approved"
EXPENSE_EVENTS = ("expense:created", "expense:updated")
FEED_CURSOR = "psa.subscribed_events.created_after"
FEED_OFFSET = "psa.subscribed_events.offset"

__all__ = ["MissingReferenceError", "Orchestrator", "classify", "time_entry_external_id"]


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
        self.refs = References(self.psa, self.erp, self.ledger, ttl_s=settings.reference_ttl_s)
        self.pipeline = Pipeline(settings, self.psa, self.erp, self.refs, self.ledger)
        self._rng = random.Random(settings.seed)
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        """Set when there is new work (or the loop should stop): the loop's pause ends early."""
        self._next_hold_check = 0.0
        self._backlog = False
        """The last round was full: more work is due."""
        self.polls = 0
        self.sweeps = 0
        self.last_error: str | None = None

    async def close(self) -> None:
        """Release connections and the database."""
        await self.psa.http.close()
        await self.erp.http.close()
        self.ledger.close()

    def stop(self) -> None:
        """Ask the loop to stop after the current round."""
        self._stopping.set()
        self._wake.set()

    def replay(self, reason: str | None = None) -> int:
        """Replay dead letters once their cause is fixed: forget cached facts first (a reopened period)."""
        self.refs.forget()
        return self.ledger.replay(reason)

    async def run(self) -> None:
        """Poll and work until stopped (the sweep runs beside the loop)."""
        sweeper = asyncio.create_task(self._sweep_forever()) if self.settings.sweep_interval_s > 0 else None
        try:
            while not self._stopping.is_set():
                busy = await self.step()
                if self._backlog:  # due work is waiting: read the feed and carry on without pausing
                    await asyncio.sleep(0)
                    continue
                delay = self.settings.poll_interval_s if busy else self.settings.idle_poll_interval_s
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper

    async def _sweep_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sweep()
            except VendorCallError as exc:
                log.warning("sweep failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.settings.sweep_interval_s)

    async def sweep(self) -> int:
        """Enqueue every approved billable time entry not yet in the queue (the feed's safety net).

        Keys are the entries' own, so what the feed already brought (or what is posted) adds nothing; one
        transaction per page.
        """
        self.sweeps += 1
        offset, new = 0, 0
        while not self._stopping.is_set():
            page, total = await self.psa.approved_billable_entries(offset, f"p2c-sweep-{self.sweeps}")
            new += self.ledger.enqueue_many(
                [
                    NewWork(TIME_BILL, f"psa:time_entry:{e['id']}", {"entry": e}, f"p2c-sweep-te-{e['id']}", 1)
                    for e in page
                ]
            )
            offset += len(page)
            if new:
                self._wake.set()
            if not page or offset >= total:
                break
        return new

    async def step(self) -> bool:
        """One round: read the feed, look at held customers when due, work through due items."""
        if not self._stopping.is_set():
            self._wake.clear()  # work enqueued from here on ends the next pause
        new_events = 0
        try:
            new_events = await self.poll_feed()
            await self.recheck_holds()
            self.last_error = None
        except VendorCallError as exc:
            self.last_error = str(exc)
            log.warning("feed poll failed: %s", exc)
        worked = 0
        until = time.monotonic() + self.settings.poll_interval_s
        while True:  # keep working while batches are full, but read the feed again every poll interval
            done = await self.work_due()
            worked += done
            self._backlog = done >= self.settings.batch_size
            if not self._backlog or self._stopping.is_set() or time.monotonic() >= until:
                break
        return bool(new_events or worked)

    # -- feed -------------------------------------------------------------------------------------------------
    async def poll_feed(self) -> int:
        """Read the new tail of the feed; re-read an overlap window only when the clock moves it on.

        The feed may be out of order, so the cursor trails the newest event by ``event_overlap_s``; within a
        cursor, the feed's delivery order is stable, so the orchestrator remembers how far it read.
        """
        self.polls += 1
        cursor = self.ledger.cursor(FEED_CURSOR)
        offset = int(self.ledger.cursor(FEED_OFFSET) or 0)
        types = [APPROVED, *EXPENSE_EVENTS]
        events, total = await self.psa.events_from(types, cursor, offset, correlation_id=f"p2c-feed-{self.polls}")
        if total < offset:  # the feed dropped old events (retention): read the window again, the inbox de-dups
            events, total = await self.psa.events_from(types, cursor, 0, correlation_id=f"p2c-feed-{self.polls}")
            offset = 0
        new = 0
        newest: datetime | None = None
        for event in events:
            if self.ledger.accept_event("psa", event, self._work_for(event)):
                new += 1
            created = _parse_time(event.get("created_at"))
            if created is not None and (newest is None or created > newest):
                newest = created
        offset += len(events)
        floor = newest - timedelta(seconds=self.settings.event_overlap_s) if newest is not None else None
        if floor is not None and (cursor is None or floor.isoformat() > cursor):
            self.ledger.set_cursor(FEED_CURSOR, floor.isoformat())
            offset = 0  # a new window: read it from its start once
        self.ledger.set_cursor(FEED_OFFSET, str(offset))
        return new

    def _work_for(self, event: dict[str, Any]) -> NewWork | None:
        """The work an event asks for, keyed by its business identity (or by the event, with no inbox)."""
        subject = str(event["subject_id"])
        suffix = f"#{event['id']}" if self.settings.defect("no-inbox-dedup") else ""
        if event.get("event_type") == APPROVED:
            return NewWork(
                SUBMISSION,
                f"psa:submission:{subject}{suffix}",
                {"submission_id": subject, "key_suffix": suffix},
                correlation_id=f"p2c-tss-{subject}",
            )
        payload = event.get("current_payload")
        if isinstance(payload, dict) and payload.get("is_billable") and not payload.get("is_invoiced"):
            return NewWork(EXPENSE, f"psa:expense:{subject}{suffix}", {"expense": payload}, f"p2c-ex-{subject}")
        return None

    async def recheck_holds(self) -> int:
        """Release the postings of customers whose credit hold has lifted (without waiting for an ERP event)."""
        now = time.monotonic()
        if now < self._next_hold_check:
            return 0
        self._next_hold_check = now + self.settings.hold_recheck_s
        released = 0
        for customer in self.ledger.held_customers():
            if not await self.refs.customer_on_hold(customer, f"p2c-hold-{customer}"):
                released += self.ledger.release_holds(customer)
        return released

    # -- work -------------------------------------------------------------------------------------------------
    async def work_due(self) -> int:
        """Run every due item (postings concurrently, under the ERP concurrency limit), then commit the round.

        Due write-backs go to the PSA ``sync_batch_size`` at a time. The outcomes of the round are committed in
        one transaction before the next round asks for due items (:meth:`Ledger.deferred`).
        """
        items = self.ledger.due(self.settings.batch_size)
        if not items:
            return 0
        size = self.settings.sync_batch_size
        syncs = [item for item in items if item.kind == SYNC] if size > 1 else []
        others = [item for item in items if item.kind != SYNC] if syncs else items
        batches = [syncs[i : i + size] for i in range(0, len(syncs), size)]
        with self.ledger.deferred():
            await asyncio.gather(*(self._run_item(item) for item in others), *map(self._sync_batch, batches))
        return len(items)

    async def _sync_batch(self, items: list[WorkItem]) -> None:
        try:
            alone = await self.pipeline.mark_synced_many(items) if len(items) > 1 else items
        except TransientError as exc:
            for item in items:
                self._retry(item, exc)
            return
        await asyncio.gather(*(self._run_item(item) for item in alone))

    async def _run_item(self, item: WorkItem) -> None:
        try:
            if item.kind == SUBMISSION:
                await self.pipeline.expand_submission(item)
            elif item.kind == TIME_BILL:
                await self.pipeline.post_time_entry(item)  # the ERP client bounds its calls in flight
            elif item.kind == EXPENSE:
                await self.pipeline.post_expense(item)
            elif item.kind == SYNC:
                await self.pipeline.mark_synced(item)
            else:
                self.ledger.dead_letter(item, "UNKNOWN_WORK", f"unknown work kind {item.kind}")
        except TransientError as exc:
            self._retry(item, exc)
        except PermanentError as exc:
            reason = classify(exc)
            if reason == "PERIOD_CLOSED" and self.settings.period_policy == "redate" and item.attempts < 2:
                self.refs.forget_periods()  # the period closed since the last read: date it again
                self._retry(item, exc)
            else:
                self.ledger.dead_letter(item, reason, str(exc))
        except Refused as exc:
            self.ledger.dead_letter(item, exc.reason, str(exc))
        except Held as exc:
            self.ledger.hold(item, exc.customer_external_id, str(exc))
        except MissingReferenceError as exc:
            self.ledger.dead_letter(item, "CUSTOMER_MASTER_ERROR", str(exc))

    def _retry(self, item: WorkItem, exc: VendorCallError) -> None:
        if item.attempts + 1 >= self.settings.max_attempts:
            self.ledger.dead_letter(item, "RETRIES_EXHAUSTED", str(exc))
            return
        self.ledger.retry_later(item, backoff_s(item.attempts, exc, self.settings, self._rng), str(exc))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
