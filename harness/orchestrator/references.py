"""What the posting pipeline looks up: ERP ids, accounting periods, credit holds and assignment rates.

Look-ups are cached so the hot path makes no per-entry reads: internal ids for good (in the ledger, so a
restart keeps them, and in memory), assignment rates per workspace for the process's life, and the facts
that change under the orchestrator's feet (period states, customer holds) for ``reference_ttl_s`` only.
Concurrent postings that miss the same cache entry share one read instead of each making its own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from harness.orchestrator.clients.erp import ErpClient
from harness.orchestrator.clients.psa import PsaClient
from harness.orchestrator.ledger import Ledger


class MissingReferenceError(Exception):
    """A PSA record has no counterpart in the ERP (customer master error)."""


@dataclass(frozen=True, slots=True)
class Period:
    """An ERP accounting period as the orchestrator sees it."""

    id: str
    name: str
    start: date
    end: date
    closed: bool


@dataclass(frozen=True, slots=True)
class JobRef:
    """An ERP project and the customer it belongs to."""

    id: str
    customer_id: str
    customer_external_id: str


def _suiteql_date(value: object) -> date:
    """SuiteQL renders dates in the account format ``M/D/YYYY``."""
    return datetime.strptime(str(value), "%m/%d/%Y").date()


class References:
    """Cached reads of the ERP and the PSA."""

    def __init__(
        self,
        psa: PsaClient,
        erp: ErpClient,
        ledger: Ledger,
        *,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._psa = psa
        self._erp = erp
        self._ledger = ledger
        self._ttl_s = ttl_s
        self._clock = clock
        self._periods: tuple[float, list[Period]] | None = None
        self._holds: dict[str, tuple[float, bool]] = {}
        self._jobs: dict[str, JobRef] = {}
        self._rates: dict[str, dict[str, int]] = {}
        self._ids: dict[tuple[str, str], str] = {}
        self._reads: dict[object, asyncio.Future[Any]] = {}

    async def _shared(self, key: object, read: Callable[[], Awaitable[Any]]) -> Any:
        """``read()``, or the result of the same read another posting already started (one request, not one each)."""
        task = self._reads.get(key)
        if task is None:
            task = self._reads[key] = asyncio.ensure_future(read())
            task.add_done_callback(lambda done: self._reads.pop(key) if self._reads.get(key) is done else None)
        return await asyncio.shield(task)

    async def erp_id(self, record_type: str, external_id: str, corr: str) -> str:
        """The ERP internal id of a record with this external id (cached in memory and in the ledger)."""
        key = (record_type, external_id)
        known = self._ids.get(key)
        if known is not None:
            return known
        cached = self._ledger.ref("erp", record_type, external_id)
        if not cached:
            cached = await self._shared(("erp_id", *key), lambda: self._read_erp_id(record_type, external_id, corr))
        self._ids[key] = cached
        return cached

    async def _read_erp_id(self, record_type: str, external_id: str, corr: str) -> str:
        found = await self._erp.internal_id(record_type, external_id, corr)
        if found is None:
            raise MissingReferenceError(f"no ERP {record_type} with external id {external_id}")
        self._ledger.remember_ref("erp", record_type, external_id, found)
        return found

    async def job(self, workspace_id: str, corr: str) -> JobRef:
        """The ERP project of a PSA workspace (``psa-ws-<id>``) and its customer."""
        if workspace_id in self._jobs:
            return self._jobs[workspace_id]
        ref: JobRef = await self._shared(("job", workspace_id), lambda: self._read_job(workspace_id, corr))
        return ref

    async def _read_job(self, workspace_id: str, corr: str) -> JobRef:
        job = await self._erp.record("job", f"eid:psa-ws-{workspace_id}", corr)
        if job is None:
            raise MissingReferenceError(f"no ERP job with external id psa-ws-{workspace_id}")
        parent: Any = job.get("parent")
        if not isinstance(parent, dict) or "id" not in parent:
            raise MissingReferenceError(f"ERP job psa-ws-{workspace_id} names no customer")
        customer = await self._erp.record("customer", str(parent["id"]), corr)
        if customer is None:
            raise MissingReferenceError(f"ERP job psa-ws-{workspace_id}: no customer {parent['id']}")
        ref = JobRef(str(job["id"]), str(parent["id"]), str(customer.get("externalId") or parent["id"]))
        self._ledger.remember_ref("erp", "job", f"psa-ws-{workspace_id}", ref.id)
        self._jobs[workspace_id] = ref
        return ref

    async def periods(self, corr: str) -> list[Period]:
        """Every accounting period, oldest first (one SuiteQL query per ``reference_ttl_s``)."""
        now = self._clock()
        if self._periods is not None and now - self._periods[0] < self._ttl_s:
            return self._periods[1]
        periods: list[Period] = await self._shared("periods", lambda: self._read_periods(now, corr))
        return periods

    async def _read_periods(self, now: float, corr: str) -> list[Period]:
        rows = await self._erp.suiteql(
            "SELECT id, periodname, startdate, enddate, closed FROM accountingperiod ORDER BY startdate", corr
        )
        periods = [
            Period(
                str(r["id"]),
                str(r.get("periodname", "")),
                _suiteql_date(r["startdate"]),
                _suiteql_date(r["enddate"]),
                r.get("closed") == "T",
            )
            for r in rows
        ]
        self._periods = (now, periods)
        return periods

    def forget(self) -> None:
        """Read periods, holds and rates again at their next look-up."""
        self._periods = None
        self._holds.clear()
        self._rates.clear()
        self._reads.clear()  # a read already under way may predate the change: the next look-up starts its own

    def forget_periods(self) -> None:
        """Read the periods again at the next look-up (the ERP refused a date the cache thought open)."""
        self._periods = None
        self._reads.pop("periods", None)

    async def on_hold(self, job: JobRef, corr: str) -> bool:
        """Whether the job's customer is on credit hold (trusted for ``reference_ttl_s``)."""
        now = self._clock()
        cached = self._holds.get(job.customer_id)
        if cached is not None and now - cached[0] < self._ttl_s:
            return cached[1]
        held: bool = await self._shared(("hold", job.customer_id), lambda: self._read_hold(job.customer_id, now, corr))
        return held

    async def _read_hold(self, customer_id: str, now: float, corr: str) -> bool:
        customer = await self._erp.record("customer", customer_id, corr)
        held = bool(customer and customer.get("onCreditHold"))
        self._holds[customer_id] = (now, held)
        return held

    async def customer_on_hold(self, customer_external_id: str, corr: str) -> bool:
        """A fresh read of a customer's hold (used to release held postings)."""
        customer = await self._erp.record("customer", f"eid:{customer_external_id}", corr)
        held = bool(customer and customer.get("onCreditHold"))
        if customer is not None:
            self._holds[str(customer["id"])] = (self._clock(), held)
        return held

    async def bill_rate(self, workspace_id: str, user_id: str, corr: str) -> int | None:
        """The assignment's bill rate in cents (its own, else the rate card's for the role), or None."""
        rates = self._rates.get(workspace_id)
        if rates is None or user_id not in rates:
            rates = await self._shared(("rates", workspace_id), lambda: self._read_rates(workspace_id, corr))
        return rates.get(user_id)

    async def _read_rates(self, workspace_id: str, corr: str) -> dict[str, int]:
        found = await self._psa.participations(workspace_id, corr)
        rates = {str(p["user_id"]): int(p["rate_in_cents"]) for p in found if p.get("rate_in_cents") is not None}
        self._rates[workspace_id] = rates
        return rates


def period_of(periods: list[Period], day: date) -> Period | None:
    """The period that contains ``day``."""
    return next((p for p in periods if p.start <= day <= p.end), None)


def first_open_after(periods: list[Period], period: Period) -> Period | None:
    """The first later period that is not closed."""
    return next((p for p in periods if p.start > period.end and not p.closed), None)
