"""Month-end: consultants book and submit the closing month's time, approvers approve it in bursts at the
deadline, finance places and releases credit holds and raises the limits of customers the month's billing
pushed over them.

A Locust locustfile, run only by :func:`harness.load.run_load` in its own process (``import locust``
monkey-patches the whole interpreter with gevent; nothing else in the project imports this module).

- :class:`MonthEndShape` turns the ``month-end`` profile of :mod:`scenarios.load_profiles` into stages
  scaled to ``--users`` and ``--run-time``.
- :class:`MonthEndUser` plays the role its stage gives it: each user has a fixed place in ``[0, 1)``
  (from the run seed and its index) and the stage's role mix maps that place to a role, so the same seed
  and user count play the same month-end, in one process or across distributed workers.
- A posting watcher in every load-generating process reads the ERP's request journal and reports the
  end-to-end latency from a timesheet approval to the ERP posting of each of its entries as Locust
  requests of type ``E2E``, next to the HTTP statistics.

Environment (set by the launcher): ``P2C_SEED``, ``P2C_PSA_TOKEN``, ``P2C_ERP_TOKEN``,
``P2C_APPROVER_TOKEN``, ``P2C_ERP_URL``, ``P2C_LOAD_PROFILE``. The PSA is Locust's ``--host``.
"""

from __future__ import annotations

import locust  # first: gevent must patch the interpreter before anything else opens sockets

# isort: split
import hashlib
import itertools
import os
import random
import time
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

import gevent
import gevent.lock
import requests
from locust.contrib.fasthttp import FastHttpUser, ResponseContextManager
from locust.env import Environment
from locust.runners import MasterRunner

from scenarios.actions import PSA, Staffing, weekdays
from scenarios.links import time_entry_link
from scenarios.load_profiles import PROFILES, StagePlan, plan, role_at, stage_at

CLOSING_DAYS = weekdays(date(2026, 10, 1), 22)
"""The weekdays of October 2026 (the open period; the simulated clock stands at 2026-10-30)."""
CLOSING_WEEKS = [date(2026, 10, d) for d in (5, 12, 19, 26)]
"""Mondays of the full working weeks in October 2026."""
MINUTES = (120, 240, 360, 450, 480, 510)
NON_BILLABLE_SHARE = 0.15
PER_PAGE = 200
APPROVAL_BATCH = 25
E2E = "E2E"
"""The Locust request type of the end-to-end latency samples."""
E2E_NAME = "PSA approval -> ERP posting"
ERP_TIME_BILLS = "/services/rest/record/v1/timeBill/eid:"
ERP_CUSTOMERS = "/services/rest/record/v1/customer"
SUITEQL = "/services/rest/query/v1/suiteql"
HELD_FOR_LIMIT = "SELECT id, balance, unbilledorders FROM customer WHERE oncredithold = 'T' AND overduebalance = 0"
WATCH_INTERVAL_S = 0.25
HOLD_S = (1.0, 3.0)

SEED = os.environ.get("P2C_SEED", "42")
PSA_AUTH = {"Authorization": f"Bearer {os.environ.get('P2C_PSA_TOKEN', 'p2c-psa-token')}"}
APPROVER_AUTH = {"Authorization": f"Bearer {os.environ.get('P2C_APPROVER_TOKEN', 'p2c-psa-token')}"}
ERP_AUTH = {"Authorization": f"Bearer {os.environ.get('P2C_ERP_TOKEN', 'p2c-erp-token')}"}
ERP_URL = os.environ.get("P2C_ERP_URL", "http://127.0.0.1:8103")
STAGES = PROFILES[os.environ.get("P2C_LOAD_PROFILE", "month-end")]

_user_index = itertools.count()
_staffing: list[Staffing] = []
_customers: list[str] = []
_lock = gevent.lock.Semaphore()
_started_at: list[float] = []
_approved_at: dict[str, float] = {}
"""Entry id -> when its approval returned (this process's approvals only)."""


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a side-loaded Kantata envelope, in ``results`` order."""
    return [body[r["key"]][r["id"]] for r in body.get("results", [])]


def _fail(resp: ResponseContextManager, message: str) -> None:
    """Mark a request failed with ``message`` (Locust counts it and lists it in the failures table)."""
    resp.failure(message)  # type: ignore[no-untyped-call]


def _json(resp: ResponseContextManager, what: str, ok: int = 200) -> dict[str, Any] | None:
    """The response body, or ``None`` after marking the request failed (wrong status or no JSON)."""
    if resp.status_code != ok:
        _fail(resp, f"{what}: HTTP {resp.status_code}: {(resp.text or '')[:200]}")
        return None
    try:
        body: dict[str, Any] = resp.json()
    except ValueError:
        _fail(resp, f"{what}: response is not JSON")
        return None
    return body


def _place(worker: int, index: int) -> float:
    """A user's fixed place in ``[0, 1)``, from the run seed, its worker and its index."""
    digest = hashlib.sha256(f"{SEED}:month-end:{worker}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _elapsed() -> float:
    return time.monotonic() - _started_at[0] if _started_at else 0.0


def _plans(environment: Environment) -> list[StagePlan]:
    options = environment.parsed_options
    users = int(getattr(options, "num_users", 0) or 1)
    run_time = float(getattr(options, "run_time", 0) or 60)
    return plan(STAGES, peak_users=users, duration_s=run_time)


class MonthEndUser(FastHttpUser):
    """A member of the firm at month-end: a consultant, an approver or finance, as the stage needs."""

    def wait_time(self) -> float:
        """Consultants pause between bookings, approvers hurry through the queue, finance works slowly."""
        if self.role == "approver":
            return self.rng.uniform(0.05, 0.2)
        if self.role == "finance":
            return self.rng.uniform(0.5, 1.5)
        return self.rng.uniform(0.2, 1.0)

    def on_start(self) -> None:
        """Take this user's place in the firm and seed its choices from the run seed and its index."""
        worker = max(0, int(getattr(self.environment.runner, "worker_index", 0) or 0))
        index = next(_user_index)
        self.rng = random.Random(f"{SEED}:month-end:{worker}:{index}")
        self.place = _place(worker, index)
        self.plans = _plans(self.environment)
        self.role = "consultant"
        self.who: Staffing | None = None

    @locust.task
    def work(self) -> None:
        """Do one piece of the current stage's work for this user's role."""
        stage = stage_at(self.plans, _elapsed()) or self.plans[-1]
        self.role = role_at(stage, self.place)
        if self.role == "approver":
            self.approve_a_batch()
        elif self.role == "finance":
            if self.rng.random() < 0.5:
                self.review_holds()
            else:
                self.hold_and_release()
        else:
            self.book_and_submit()

    # -- consultants --------------------------------------------------------------------------------------
    def book_and_submit(self) -> None:
        """Book a day (three times in four) or a working week in one bulk create, then submit it."""
        if self.who is None:
            pairs = self._staffing()
            if not pairs:
                return
            self.who = pairs[int(self.place * len(pairs))]
        if self.rng.random() < 0.75:
            days = [self.rng.choice(CLOSING_DAYS)]
        else:
            days = weekdays(self.rng.choice(CLOSING_WEEKS), 5)
        size = "day" if len(days) == 1 else "week"
        entries = [
            {
                "workspace_id": self.who.workspace_id,
                "user_id": self.who.user_id,
                "date_performed": day.isoformat(),
                "time_in_minutes": self.rng.choice(MINUTES),
                "billable": self.rng.random() >= NON_BILLABLE_SHARE,
                "notes": "Month-end load",
            }
            for day in days
        ]
        with self.client.post(
            f"{PSA}/time_entries.json",
            json={"time_entries": entries},
            headers=PSA_AUTH,
            name=f"POST /time_entries.json [{size}]",
            catch_response=True,
        ) as resp:
            body = _json(resp, "book time")
            if body is None:
                return
            ids = [str(e["id"]) for e in _records(body)]
            if len(ids) != len(entries):
                _fail(resp, f"book time: asked for {len(entries)} entries, got {len(ids)}")
                return
        submission = {"timesheet_submission": {"user_id": self.who.user_id, "time_entry_ids": ids}}
        with self.client.post(
            f"{PSA}/timesheet_submissions.json",
            json=submission,
            headers=PSA_AUTH,
            name="POST /timesheet_submissions.json",
            catch_response=True,
        ) as resp:
            _json(resp, "submit timesheet")

    def _staffing(self) -> list[Staffing]:
        """Every participation, read once per process (all pages) and shared by its users."""
        with _lock:
            if _staffing:
                return _staffing
            page, pages = 1, 1
            while page <= pages:
                with self.client.get(
                    f"{PSA}/participations.json",
                    params={"page": page, "per_page": PER_PAGE},
                    headers=PSA_AUTH,
                    name="GET /participations.json",
                    catch_response=True,
                ) as resp:
                    body = _json(resp, "list participations")
                    if body is None:
                        return []
                    _staffing.extend(Staffing(str(p["user_id"]), str(p["workspace_id"])) for p in _records(body))
                    pages = int(body.get("meta", {}).get("page_count", 1) or 1)
                page += 1
            _staffing.sort(key=lambda s: (int(s.workspace_id), int(s.user_id)))
            return _staffing

    # -- approvers ----------------------------------------------------------------------------------------
    def approve_a_batch(self) -> None:
        """Approve a batch of pending timesheets in one call (all or none, as Kantata does).

        Approvers work from the same queue, so two may pick the same timesheet; the loser's batch is
        refused as a whole (HTTP 422) and it simply picks again: that is expected, not a failure.
        """
        with self.client.get(
            f"{PSA}/timesheet_submissions.json",
            params={"status": "new", "per_page": PER_PAGE},
            headers=APPROVER_AUTH,
            name="GET /timesheet_submissions.json?status=new",
            catch_response=True,
        ) as resp:
            body = _json(resp, "list pending timesheets")
            if body is None:
                return
            pending = _records(body)
        if not pending:
            return
        batch = self.rng.sample(pending, min(APPROVAL_BATCH, len(pending)))
        ids = [str(s["id"]) for s in batch]
        with self.client.post(
            f"{PSA}/timesheet_approvals.json",
            json={"resolution": {"submission_ids": ids}},
            headers=APPROVER_AUTH,
            name="POST /timesheet_approvals.json",
            catch_response=True,
        ) as resp:
            if resp.status_code == 422:
                resp.success()  # raced another approver: pick again
                return
            if _json(resp, "approve timesheets") is None:
                return
        now = time.monotonic()
        for submission in batch:
            for entry_id in submission.get("time_entry_ids", []):
                _approved_at[str(entry_id)] = now

    # -- finance ------------------------------------------------------------------------------------------
    def hold_and_release(self) -> None:
        """Check a customer's receivables, put it on credit hold for a moment, then release it (AUTO)."""
        customers = self._customers()
        if not customers:
            return
        customer = self.rng.choice(customers)
        url = f"{ERP_URL}{ERP_CUSTOMERS}/{customer}"
        with self.client.get(url, headers=ERP_AUTH, name="GET customer/[id]", catch_response=True) as resp:
            if _json(resp, "read customer") is None:
                return
        self._set_hold(url, "ON")
        try:
            gevent.sleep(self.rng.uniform(*HOLD_S))
        finally:
            self._set_hold(url, "AUTO")  # also when the stage stops this user mid-hold

    def review_holds(self) -> None:
        """Raise the limit of customers held for exceeding it, as a credit controller does at month-end.

        Customers held for an overdue balance stay on hold: a higher limit would not release them.
        """
        with self.client.post(
            f"{ERP_URL}{SUITEQL}",
            params={"limit": 1000},
            json={"q": HELD_FOR_LIMIT},
            headers={**ERP_AUTH, "Prefer": "transient"},
            name="POST suiteql [customers held for their limit]",
            catch_response=True,
        ) as resp:
            body = _json(resp, "list held customers")
            if body is None:
                return
        for row in body.get("items", []):
            exposure = Decimal(str(row.get("balance") or 0)) + Decimal(str(row.get("unbilledorders") or 0))
            limit = (exposure * Decimal("1.5") / 1000).to_integral_value(ROUND_CEILING) * 1000
            url = f"{ERP_URL}{ERP_CUSTOMERS}/{row['id']}"
            self._patch_customer(url, {"creditLimit": str(limit)}, "credit limit", "raise credit limit")

    def _set_hold(self, url: str, value: str) -> None:
        self._patch_customer(url, {"creditHoldOverride": {"id": value}}, f"hold {value}", f"set credit hold {value}")

    def _patch_customer(self, url: str, body: dict[str, Any], label: str, what: str) -> None:
        """``PATCH customer/{id}`` (NetSuite answers 204); anything else is a failed request."""
        with self.client.request(
            "PATCH", url, json=body, headers=ERP_AUTH, name=f"PATCH customer/[id] {label}", catch_response=True
        ) as resp:
            if resp.status_code != 204:
                _fail(resp, f"{what}: HTTP {resp.status_code}: {(resp.text or '')[:200]}")

    def _customers(self) -> list[str]:
        """The ERP's customer ids, read once per process."""
        with _lock:
            if _customers:
                return _customers
            with self.client.get(
                f"{ERP_URL}{ERP_CUSTOMERS}",
                params={"limit": 1000},
                headers=ERP_AUTH,
                name="GET customer",
                catch_response=True,
            ) as resp:
                body = _json(resp, "list customers")
                if body is None:
                    return []
            _customers.extend(str(item["id"]) for item in body.get("items", []))
            return _customers


class MonthEndShape(locust.LoadTestShape):
    """The month-end stages of :mod:`scenarios.load_profiles`, scaled to ``--users`` and ``--run-time``."""

    def tick(self) -> tuple[int, float] | None:
        """The stage's user count and spawn rate; ``None`` (stop) after the last stage."""
        assert self.runner is not None
        stage = stage_at(_plans(self.runner.environment), self.get_run_time())  # type: ignore[no-untyped-call]
        return None if stage is None else (stage.total, stage.spawn_rate)


def _watch(environment: Environment) -> None:
    """Report approval -> ERP posting latency for this process's approvals, from the ERP's journal."""
    since = 0
    link = time_entry_link()
    with requests.Session() as erp:  # the harness's own reads, not load: kept out of Locust's statistics
        erp.trust_env = False
        while True:
            gevent.sleep(WATCH_INTERVAL_S)
            try:
                params: dict[str, str | int] = {"since_id": since, "method": "PUT", "path": ERP_TIME_BILLS}
                page = erp.get(f"{ERP_URL}/__admin/requests", params=params, timeout=10).json()
            except (requests.RequestException, ValueError):
                continue
            now = time.monotonic()
            for entry in page.get("requests", []):
                since = max(since, int(entry["id"]))
                if not 200 <= int(entry["status"]) < 300:
                    continue
                found = link.match(entry["path"].rsplit("eid:", 1)[-1])
                approved = _approved_at.pop(found.group(1), None) if found else None
                if approved is not None:
                    environment.events.request.fire(  # type: ignore[no-untyped-call]
                        request_type=E2E,
                        name=E2E_NAME,
                        response_time=(now - approved) * 1000.0,
                        response_length=0,
                        exception=None,
                        context={},
                    )


@locust.events.test_start.add_listener
def _on_test_start(environment: Environment, **_: Any) -> None:
    _started_at[:] = [time.monotonic()]
    if not isinstance(environment.runner, MasterRunner):  # the master generates no load
        gevent.spawn(_watch, environment)
