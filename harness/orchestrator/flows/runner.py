"""The loop of the CRM- and ERP-driven flows: read the CRM change feed and the PSA milestone events, take
the ERP's webhook pushes, and run due flows with jittered retries that honour each vendor's throttle.

- CRM: ``/p2c/changeEvents`` on ``/data/OpportunityChangeEvent`` from the stored replay id (``-2`` the
  first time: every retained event). Inbox key: the event's ``EventUuid`` (a redelivery repeats it).
- PSA: ``story:updated`` events of the ``subscribed_events`` feed (an overlap window is re-read: the feed
  may be out of order). Inbox key: the feed event id; the flow key is the milestone.
- ERP: ``POST /hooks/erp`` (HMAC-SHA256 checked) records the event before answering 2xx, so a push is
  acknowledged only once it is durable; NetSuite-style pushes are retried by the sender until then.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from harness.orchestrator.clients.crm import CrmClient
from harness.orchestrator.clients.http import PermanentError, TransientError, VendorCallError, VendorHttp
from harness.orchestrator.flows import billing, erp_events, project_setup
from harness.orchestrator.flows.deps import CreditHeldError, FlowDeps, FlowRefusedError
from harness.orchestrator.flows.store import Flow, FlowStore, NewFlow
from harness.orchestrator.flows.vendors import ErpOps, PsaOps
from harness.orchestrator.retry import backoff_s
from harness.orchestrator.settings import OrchestratorSettings

log = logging.getLogger("p2c.orchestrator.flows")

OPPORTUNITY_CHANNEL = "/data/OpportunityChangeEvent"
CRM_CURSOR = "crm.changeEvents.replayId"
CRM_COMMIT_CURSOR = "crm.changeEvents.commitTimestamp"
PSA_CURSOR = "psa.story_events.created_after"
SIGNATURE_HEADER = "X-P2C-Signature"
RUNNERS = {
    project_setup.KIND: project_setup.run,
    billing.KIND: billing.run,
    erp_events.KIND: erp_events.run,
}


def classify(exc: PermanentError, system: str) -> str:
    """A business reason code for a vendor's refusal."""
    text = str(exc).lower()
    if "credit hold" in text:
        return "CREDIT_HOLD"
    if "accounting period" in text:
        return "PERIOD_CLOSED"
    if exc.code == "FIELD_CUSTOM_VALIDATION_EXCEPTION" or exc.status == 422:
        return f"{system}_VALIDATION"
    if exc.status == 404 or "invalid value for field" in text:
        return "INVALID_REFERENCE"
    return f"{system}_REJECTED"


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body>``, as the ERP signs its pushes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class FlowRunner:
    """Project setup, milestone billing and ERP event propagation, with their own durable state."""

    def __init__(self, settings: OrchestratorSettings, on_release: list[Callable[[str], object]] | None = None) -> None:
        self.settings = settings

        def http(url: str, token: str, concurrency: int) -> VendorHttp:
            return VendorHttp(url, token, timeout_s=settings.request_timeout_s, concurrency=concurrency)

        self.store = FlowStore(settings.db_path)
        self.deps = FlowDeps(
            crm=CrmClient(http(settings.crm_url, settings.crm_token, settings.crm_concurrency)),
            erp=ErpOps(http(settings.erp_url, settings.erp_token, 2)),
            psa=PsaOps(http(settings.psa_url, settings.psa_token, 2)),
            store=self.store,
            defects=frozenset(d.strip() for d in settings.defects.split(",") if d.strip()),
            on_release=list(on_release or []),
        )
        self._rng = random.Random(f"{settings.seed}:flows")
        self._slots = asyncio.Semaphore(4)
        self._stopping = asyncio.Event()
        self.polls = 0
        self.last_error: str | None = None
        self.subscribed: str | None = None
        self._next_hold_check = 0.0

    async def close(self) -> None:
        """Release connections and the database."""
        for http in (self.deps.crm.http, self.deps.erp.http, self.deps.psa.http):
            await http.close()
        self.store.close()

    def stop(self) -> None:
        """Ask the loop to stop after the current round."""
        self._stopping.set()

    async def run(self) -> None:
        """Poll and work until stopped (subscribing to the ERP's events in the first round that reaches it)."""
        while not self._stopping.is_set():
            try:
                busy = await self.step()
            except Exception as exc:  # a bug in one round must not stop the flows for good: show it, go on
                busy, self.last_error = False, f"{type(exc).__name__}: {exc}"
                log.exception("flow round failed")
            delay = self.settings.poll_interval_s if busy else self.settings.idle_poll_interval_s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)

    async def step(self) -> bool:
        """One round: read the feeds, then run every due flow. True if anything happened."""
        self.polls += 1
        new = 0
        if self.settings.erp_webhook_subscribe and self.subscribed is None:
            await self.subscribe_erp_webhook()  # the ERP was not reachable at start-up: try again
        for poll in (self.poll_crm, self.poll_psa):
            try:
                new += await poll()
            except VendorCallError as exc:
                self.last_error = str(exc)
                log.warning("flow feed poll failed: %s", exc)
        try:
            new += await self.recheck_holds()
        except VendorCallError as exc:
            self.last_error = str(exc)
        return bool(new + await self.work_due())

    async def recheck_holds(self) -> int:
        """Look at held customers again now and then: a release whose push was lost must not strand billing."""
        now = asyncio.get_running_loop().time()
        if now < self._next_hold_check:
            return 0
        self._next_hold_check = now + self.settings.hold_recheck_s
        released = 0
        for ext in self.store.held_customers():
            customer = await self.deps.erp.get("customer", f"eid:{ext}", f"p2c-hold-recheck-{ext}")
            if customer is not None and not customer.get("onCreditHold"):
                released += self.store.release(ext)
        return released

    # -- intake -----------------------------------------------------------------------------------------------
    async def subscribe_erp_webhook(self) -> None:
        """Register this service for the ERP's events once (the sandbox's stand-in for deploying the script)."""
        url = self.settings.erp_webhook_url or f"http://{self.settings.host}:{self.settings.port}/hooks/erp"
        http, corr = self.deps.erp.http, "p2c-erp-subscription"
        try:
            listed = await http.call("GET", "/__admin/subscriptions", correlation_id=corr)
            if not any(s.get("url") == url for s in listed.body.get("subscriptions", [])):
                body = {
                    "url": url,
                    "event_types": list(erp_events.EVENT_TYPES),
                    "secret": self.settings.erp_webhook_secret,
                }
                await http.call("POST", "/__admin/subscriptions", json=body, correlation_id=corr)
            self.subscribed = url
        except VendorCallError as exc:
            self.last_error = f"ERP webhook subscription failed: {exc}"
            log.warning(self.last_error)

    async def poll_crm(self) -> int:
        """Read the Opportunity change events after the stored replay id."""
        cursor = self.store.cursor(CRM_CURSOR)
        replay_id = int(cursor) if cursor is not None else -2
        new = 0
        while True:
            corr = f"p2c-crm-feed-{self.polls}"
            try:
                page = await self.deps.crm.change_events(OPPORTUNITY_CHANNEL, replay_id, corr)
            except PermanentError as exc:
                if exc.code != "INVALID_REPLAY_ID" or replay_id == -2:
                    raise
                # Our replay id fell out of the retention window: replay what is retained (the inbox drops what
                # was seen) and sweep for won opportunities whose events are gone.
                self.store.set_cursor(CRM_CURSOR, "-2")
                replay_id = -2
                last_commit = self.store.cursor(CRM_COMMIT_CURSOR)
                if last_commit is not None:
                    # Strictly after the last commit we processed: older won deals were seen (or predate us).
                    new += await self._sweep_won(int(last_commit), f"p2c-crm-sweep-{self.polls}", after=True)
                continue
            sweep_since: int | None = None
            newest_commit = 0
            for event in page.events:
                data = event.get("data", {})
                ids, wanted_sweep = project_setup.flows_for_change(data, self.deps.crm.client_name)
                flows = [project_setup.new_flow(i) for i in ids]
                header = data.get("payload", {}).get("ChangeEventHeader", {})
                commit = int(header.get("commitTimestamp") or 0)
                newest_commit = max(newest_commit, commit)
                if wanted_sweep:
                    sweep_since = commit if sweep_since is None else min(sweep_since, commit)
                uuid = str(data.get("event", {}).get("EventUuid") or data.get("event", {}).get("replayId"))
                if self.store.accept("crm", uuid, str(header.get("changeType")), ",".join(ids), flows):
                    new += 1
            if sweep_since is not None:
                new += await self._sweep_won(sweep_since, f"p2c-crm-sweep-{self.polls}")
            if page.latest_replay_id != replay_id and page.events:
                replay_id = page.latest_replay_id
                self.store.set_cursor(CRM_CURSOR, str(replay_id))
                last = int(self.store.cursor(CRM_COMMIT_CURSOR) or 0)
                self.store.set_cursor(CRM_COMMIT_CURSOR, str(max(last, newest_commit)))
            if page.done or not page.events:
                return new

    async def _sweep_won(self, since_ms: int, corr: str, *, after: bool = False) -> int:
        """Events that name no records (``GAP_OVERFLOW``) or are gone from the feed: look for opportunities won
        at or ``after`` the commit at ``since_ms`` (epoch ms) that were never set up."""
        since = datetime.fromtimestamp(since_ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows = await self.deps.crm.query(
            "SELECT Id FROM Opportunity WHERE IsWon = true AND PSA_Project_Id__c = null "
            f"AND LastModifiedDate {'>' if after else '>='} {since}",
            corr,
        )
        flows = [project_setup.new_flow(str(r["Id"])) for r in rows]
        return int(self.store.accept("crm", f"sweep-{corr}", "GAP_OVERFLOW", "", flows))

    async def poll_psa(self) -> int:
        """Read milestone updates from the PSA feed (re-reading an overlap window)."""
        cursor = self.store.cursor(PSA_CURSOR)
        events = await self.deps.psa.events([billing.STORY_UPDATED], cursor, f"p2c-psa-feed-{self.polls}")
        new, newest = 0, None
        for event in events:
            flow = billing.flow_for_event(event)
            subject = str(event.get("subject_id", ""))
            if self.store.accept(
                "psa", str(event["id"]), str(event.get("event_type")), subject, [flow] if flow else []
            ):
                new += 1
            created = _parse_time(event.get("created_at"))
            if created is not None and (newest is None or created > newest):
                newest = created
        if newest is not None:
            floor = (newest - timedelta(seconds=self.settings.event_overlap_s)).isoformat()
            if cursor is None or floor > cursor:
                self.store.set_cursor(PSA_CURSOR, floor)
        return new

    def accept_erp_event(self, event: dict[str, Any]) -> bool:
        """Record a pushed ERP event (de-duplicated by id, its flow by content). True if new."""
        flow = erp_events.flow_for_event(event)
        flows: list[NewFlow] = [flow] if flow else []
        return self.store.accept(
            "erp", str(event.get("id")), str(event.get("type")), str(event.get("subjectId")), flows
        )

    # -- work -------------------------------------------------------------------------------------------------
    async def work_due(self) -> int:
        """Run every due flow (a few at a time)."""
        flows = self.store.due(self.settings.batch_size)
        if flows:
            await asyncio.gather(*(self._guarded(flow) for flow in flows))
        return len(flows)

    async def _guarded(self, flow: Flow) -> None:
        async with self._slots:
            await self.run_flow(flow)

    async def run_flow(self, flow: Flow) -> None:
        """Run one flow to its end, a pause, a hold or a dead letter."""
        runner = RUNNERS.get(flow.kind)
        if runner is None:
            self.store.dead_letter(flow, "UNKNOWN_WORK", f"unknown flow kind {flow.kind}")
            return
        try:
            await runner(flow, self.deps)
        except TransientError as exc:
            if flow.attempts + 1 >= self.settings.max_attempts:
                self.store.dead_letter(flow, "RETRIES_EXHAUSTED", str(exc))
            else:
                self.store.pause(flow, backoff_s(flow.attempts, exc, self.settings, self._rng), str(exc))
        except PermanentError as exc:
            system = "CRM" if "/services/data/" in str(exc) else "PSA" if "/api/v1/" in str(exc) else "ERP"
            self.store.dead_letter(flow, classify(exc, system), str(exc))
        except FlowRefusedError as exc:
            self.store.dead_letter(flow, exc.reason, exc.detail)
        except CreditHeldError as exc:
            self.store.hold(flow, exc.customer_external_id, str(exc))
        except VendorCallError as exc:  # a reply the client could not use (e.g. no Location): worth a retry
            self.store.pause(flow, backoff_s(flow.attempts, exc, self.settings, self._rng), str(exc))

    # -- views ------------------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Flows per state, the ones that need attention, and the last feed error."""
        return {
            "counts": self.store.counts(),
            "exceptions": self.store.exceptions(),
            "polls": self.polls,
            "last_error": self.last_error,
            "erp_webhook": self.subscribed,
        }


def router() -> APIRouter:
    """The flows' HTTP surface: the ERP webhook, status, dead letters and replay."""
    api = APIRouter()

    def runner_of(request: Request) -> FlowRunner:
        flows: FlowRunner = request.app.state.flows
        return flows

    @api.post("/hooks/erp", status_code=204)
    async def erp_hook(request: Request) -> Response:
        flows = runner_of(request)
        raw = await request.body()
        expected = signature(flows.settings.erp_webhook_secret, raw)
        if not hmac.compare_digest(request.headers.get(SIGNATURE_HEADER, ""), expected):
            return JSONResponse({"error": "bad or missing signature"}, status_code=401)
        try:
            event = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        if not isinstance(event, dict) or "id" not in event or "type" not in event:
            return JSONResponse({"error": "not an event: id and type are required"}, status_code=400)
        flows.accept_erp_event(event)
        return Response(status_code=204)

    @api.get("/flows")
    async def flows_status(request: Request, kind: str | None = None) -> dict[str, Any]:
        flows = runner_of(request)
        return {**flows.status(), "flows": flows.store.flows(kind)}

    @api.get("/flows/dlq")
    async def flows_dlq(request: Request, reason: str | None = None) -> dict[str, Any]:
        return {"dead_letters": runner_of(request).store.dead_letters(reason)}

    @api.post("/flows/dlq/replay")
    async def flows_replay(request: Request, reason: str | None = None) -> dict[str, Any]:
        return {"replayed": runner_of(request).store.replay(reason)}

    return api


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
