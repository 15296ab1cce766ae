"""The posting pipeline against real simulators: rate resolution, sync back to the PSA, billable expenses,
credit holds (held, then released without any ERP event) and rate mismatches in the dead-letter queue."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.admin_client import AdminClient
from harness.engine import SYSTEM_TOKENS
from harness.fleet import Fleet, running_fleet
from scenarios import actions

pytestmark = pytest.mark.servers_only

WEEK = actions.weekdays(date(2026, 10, 19), 5)
FAST = {"ORCH_IDLE_POLL_INTERVAL_S": "0.2", "ORCH_HOLD_RECHECK_S": "0.3", "ORCH_REFERENCE_TTL_S": "0.2"}


def _poll(condition: Callable[[], Any], what: str, timeout_s: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _client(fleet: Fleet, system: str) -> httpx.Client:
    return httpx.Client(
        base_url=fleet.url(system),
        headers={"Authorization": f"Bearer {SYSTEM_TOKENS[system]}", "X-Correlation-ID": "test"},
        trust_env=False,
        timeout=30,
    )


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    run_dir: Path = tmp_path_factory.mktemp("pipeline")
    with running_fleet(seed=42, profile="small", orchestrator_env=FAST, run_dir=run_dir) as running:
        yield running
        _ADMINS.pop(running.url("erp")).close()


@pytest.fixture(scope="module")
def psa(fleet: Fleet) -> Iterator[httpx.Client]:
    with _client(fleet, "psa") as client:
        yield client


@pytest.fixture(scope="module")
def staffings(psa: httpx.Client) -> list[actions.Staffing]:
    """Distinct users, one per workspace where possible, each assigned through the test week."""
    chosen: list[actions.Staffing] = []
    for s in actions.choose_staffings(psa, 16, random.Random(7), days=WEEK):
        if s.workspace_id not in {c.workspace_id for c in chosen}:
            chosen.append(s)
    assert len(chosen) >= 4, "the small world has enough staffed workspaces"
    return chosen


_ADMINS: dict[str, AdminClient] = {}


def _erp_admin(fleet: Fleet) -> AdminClient:
    url = fleet.url("erp")
    if url not in _ADMINS:
        _ADMINS[url] = AdminClient(url)
    return _ADMINS[url]


def _bills(fleet: Fleet) -> dict[str, dict[str, Any]]:
    return {str(b.get("externalId")): b for b in _erp_admin(fleet).data().get("timeBill", [])}


def _status(fleet: Fleet) -> dict[str, Any]:
    counts: dict[str, Any] = httpx.get(fleet.url("orchestrator") + "/status", trust_env=False).json()["counts"]
    return counts


def test_a_posting_carries_the_assignment_rate_and_is_marked_synced_in_the_psa(
    fleet: Fleet, psa: httpx.Client, staffings: list[actions.Staffing]
) -> None:
    who = staffings[0]
    actions.timesheets_for(psa, [who], WEEK, random.Random(1))
    entries = [e for e in psa.get("/api/v1/time_entries.json", params={"user_id": who.user_id}).json()["time_entries"]]
    assert entries
    rate = psa.get("/api/v1/participations.json", params={"workspace_id": who.workspace_id, "user_id": who.user_id})
    (participation,) = [p for p in rate.json()["participations"].values() if str(p["user_id"]) == who.user_id]
    billable = [
        e
        for e in psa.get("/api/v1/time_entries.json", params={"user_id": who.user_id, "billable": "true"})
        .json()["time_entries"]
        .values()
    ]
    ids = {f"psa-te-{e['id']}" for e in billable}
    bills = _poll(lambda: (b := _bills(fleet)) and ids <= set(b) and b, "the week's postings")
    for ext in ids:
        assert Decimal(str(bills[ext]["rate"])) == Decimal(participation["rate_in_cents"]) / 100

    def synced() -> dict[str, Any] | None:
        refs = psa.get("/api/v1/external_references.json", params={"subject_type": "TimeEntry", "per_page": 200}).json()
        found = {str(r["subject_id"]): r for r in refs.get("external_references", {}).values()}
        return found if {e["id"] for e in billable} <= set(found) else None

    refs = _poll(synced, "sync state written back to the PSA")
    for entry in billable:
        ref = refs[str(entry["id"])]
        assert ref["service_model"] == "timeBill"
        assert ref["service_model_ref"] == str(bills[f"psa-te-{entry['id']}"]["id"])
        assert ref["status"] == "successful"


def test_billable_expenses_are_posted_once_and_others_never(
    fleet: Fleet, psa: httpx.Client, staffings: list[actions.Staffing]
) -> None:
    who = staffings[1]
    made = []
    for billable, cents in ((True, 12_345), (False, 5_000)):
        body = {
            "expense": {
                "workspace_id": who.workspace_id,
                "user_id": who.user_id,
                "date": "2026-10-20",
                "category": "Travel",
                "amount_in_cents": cents,
                "is_billable": billable,
            }
        }
        resp = psa.post("/api/v1/expenses.json", json=body)
        assert resp.status_code < 300, resp.text
        made.append(next(iter(resp.json()["expenses"].values())))
    reports = _poll(
        lambda: [
            r
            for r in _erp_admin(fleet).data().get("expenseReport", [])
            if r.get("externalId") == f"psa-ex-{made[0]['id']}"
        ],
        "the billable expense's posting",
    )
    (report,) = reports
    (line,) = report["expense"]
    assert Decimal(str(line["amount"])) == Decimal("123.45")
    all_reports = _erp_admin(fleet).data().get("expenseReport", [])
    assert not [r for r in all_reports if r.get("externalId") == f"psa-ex-{made[1]['id']}"]


def test_a_held_customer_waits_and_its_postings_flow_once_the_hold_lifts(
    fleet: Fleet, psa: httpx.Client, staffings: list[actions.Staffing]
) -> None:
    who = staffings[2]
    workspace = psa.get(f"/api/v1/workspaces/{who.workspace_id}.json").json()["workspaces"][who.workspace_id]
    customer = workspace["client_ref"]
    erp_admin = _erp_admin(fleet)
    erp_admin.provider_state(f"customer {customer} is on credit hold", {"externalId": customer})
    actions.timesheets_for(psa, [who], WEEK, random.Random(3))
    _poll(lambda: _status(fleet)["held"] > 0, "postings held for the customer")
    entries = psa.get("/api/v1/time_entries.json", params={"user_id": who.user_id, "billable": "true"}).json()
    ids = {f"psa-te-{i}" for i in entries["time_entries"]}
    assert not ids & set(_bills(fleet)), "nothing is posted for a held customer"
    dlq = httpx.get(fleet.url("orchestrator") + "/dlq", trust_env=False).json()["dead_letters"]
    assert not [d for d in dlq if d["reason"] == "CREDIT_HOLD"], "a hold is not a dead letter"
    erp_admin.provider_state(f"customer {customer} is on credit hold", {"externalId": customer}, action="teardown")
    _poll(lambda: ids <= set(_bills(fleet)), "the held postings after the hold lifted")
    assert _status(fleet)["held"] == 0


def test_an_entry_whose_rate_differs_from_its_assignment_is_dead_lettered(
    fleet: Fleet, psa: httpx.Client, staffings: list[actions.Staffing]
) -> None:
    who = staffings[3]
    body = {
        "time_entries": [
            {
                "workspace_id": who.workspace_id,
                "user_id": who.user_id,
                "date_performed": "2026-10-21",
                "time_in_minutes": 60,
                "billable": True,
                "rate_in_cents": 1,
            }
        ]
    }
    resp = psa.post("/api/v1/time_entries.json", json=body)
    assert resp.status_code < 300, resp.text
    entry_id = next(iter(resp.json()["time_entries"]))
    actions.approve(psa, actions.submit(psa, who.user_id, [entry_id]))
    letters = _poll(
        lambda: [
            d
            for d in httpx.get(fleet.url("orchestrator") + "/dlq", trust_env=False).json()["dead_letters"]
            if d["source_id"] == f"psa-te-{entry_id}"
        ],
        "the rate mismatch in the dead-letter queue",
    )
    assert letters[0]["reason"] == "RATE_MISMATCH"
    assert "differs from the assignment's" in letters[0]["detail"]
