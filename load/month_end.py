"""Month-end: consultants book October time in bulk, submit it, and have it approved at once.

A Locust locustfile, run only by :func:`harness.load.run_load` in its own process (``import locust``
monkey-patches the whole interpreter with gevent; nothing else in the project imports this module).
Each simulated user is a consultant on one staffing (a PSA participation), chosen deterministically from
a per-process user index, so a run with the same seed and user count books the same kind of time.
A cycle books a day or a week in one bulk ``POST /time_entries.json``, submits the entries, and
approves the submission as the approver; each approval makes the orchestrator post the approved billable
entries to the ERP, which :func:`harness.load.run_load` checks afterwards with the invariants.

Environment (set by the launcher): ``P2C_SEED``, ``P2C_PSA_TOKEN``, ``P2C_APPROVER_TOKEN``, and the other
systems' URLs ``P2C_CRM_URL``, ``P2C_ERP_URL``, ``P2C_ORCHESTRATOR_URL`` (unused by this shape yet). The
PSA is Locust's ``--host``.
"""

from __future__ import annotations

import locust  # first: gevent must patch the interpreter before anything else opens sockets

# isort: split
import itertools
import os
import random
from datetime import date
from typing import Any

import gevent.lock
from locust.contrib.fasthttp import FastHttpUser, ResponseContextManager
from locust.exception import StopUser

from scenarios.actions import PSA, Staffing, weekdays

OCTOBER_DAYS = weekdays(date(2026, 10, 1), 22)
"""The weekdays of October 2026 (the open period; the simulated clock stands at 2026-10-30)."""
OCTOBER_WEEKS = [date(2026, 10, d) for d in (5, 12, 19, 26)]
"""Mondays of the full working weeks in October 2026."""
MINUTES = (120, 240, 360, 450, 480, 510)
NON_BILLABLE_SHARE = 0.15
PER_PAGE = 200
WORKER_OFFSET = 7919

_user_index = itertools.count()
_staffing: list[Staffing] = []
_staffing_lock = gevent.lock.Semaphore()


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a side-loaded Kantata envelope, in ``results`` order."""
    return [body[r["key"]][r["id"]] for r in body.get("results", [])]


def _fail(resp: ResponseContextManager, message: str) -> None:
    """Mark a request failed with ``message`` (Locust counts it and lists it in the failures table)."""
    resp.failure(message)  # type: ignore[no-untyped-call]


def _json(resp: ResponseContextManager, what: str) -> dict[str, Any] | None:
    """The response body, or ``None`` after marking the request failed (wrong status or no JSON)."""
    if resp.status_code != 200:
        _fail(resp, f"{what}: HTTP {resp.status_code}: {(resp.text or '')[:200]}")
        return None
    try:
        body: dict[str, Any] = resp.json()
    except ValueError:
        _fail(resp, f"{what}: response is not JSON")
        return None
    return body


class Consultant(FastHttpUser):
    """A consultant who books, submits and gets approved October time, over and over."""

    wait_time = locust.between(0.2, 1.0)
    default_headers = {"Authorization": f"Bearer {os.environ.get('P2C_PSA_TOKEN', 'p2c-psa-token')}"}

    def on_start(self) -> None:
        """Pick this consultant's staffing and seed its random choices from the run seed and its index."""
        # The k-th user of a process takes staffing k (wrapping around); workers of a distributed run are
        # offset by a prime so they spread too. The same seed and user count give the same bookings.
        worker = max(0, int(getattr(self.environment.runner, "worker_index", 0) or 0))
        index = next(_user_index)
        self.rng = random.Random(f"{os.environ.get('P2C_SEED', '42')}:month-end:{worker}:{index}")
        self.approver = {"Authorization": f"Bearer {os.environ.get('P2C_APPROVER_TOKEN', 'p2c-psa-token')}"}
        pairs = self._staffing()
        if not pairs:
            raise StopUser()
        self.who = pairs[(index + worker * WORKER_OFFSET) % len(pairs)]

    def _staffing(self) -> list[Staffing]:
        """Every participation, read once per process (all pages) and shared by its users."""
        with _staffing_lock:
            if _staffing:
                return _staffing
            page, pages = 1, 1
            while page <= pages:
                with self.client.get(
                    f"{PSA}/participations.json",
                    params={"page": page, "per_page": PER_PAGE},
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

    @locust.task(3)
    def book_a_day(self) -> None:
        """Book one day, submit it, approve it."""
        self._cycle([self.rng.choice(OCTOBER_DAYS)], "day")

    @locust.task(1)
    def book_a_week(self) -> None:
        """Book a working week in one bulk create, submit it, approve it."""
        self._cycle(weekdays(self.rng.choice(OCTOBER_WEEKS), 5), "week")

    def _cycle(self, days: list[date], size: str) -> None:
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
            name="POST /timesheet_submissions.json",
            catch_response=True,
        ) as resp:
            body = _json(resp, "submit timesheet")
            if body is None:
                return
            found = _records(body)
            if not found:
                _fail(resp, "submit timesheet: no submission in the response")
                return
            submission_id = str(found[0]["id"])
        with self.client.put(
            f"{PSA}/timesheet_submissions/{submission_id}/approve.json",
            headers=self.approver,
            name="PUT /timesheet_submissions/[id]/approve.json",
            catch_response=True,
        ) as resp:
            _json(resp, "approve timesheet")
