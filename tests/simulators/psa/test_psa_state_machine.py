"""Any sequence of create / submit / approve / reject / cancel / edit / delete, over the wire, keeps approved
entries immutable and the event feed complete: folding the feed (by event id, whatever the delivery order
and duplicates) reproduces every entry and every submission as the API shows them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from simulators.psa.app import create_app
from simulators.psa.settings import PsaSettings

API = "/api/v1"
AUTH = {"Authorization": "Bearer machine"}
LOCKED = "Time entry is locked because it has been approved"
SUBMITTED = "Time entry is locked because it has been submitted for approval"
ALLOWED = {"approve": ("new",), "reject": ("new", "approved"), "cancel": ("new",)}
STATUS = {"approve": "approved", "reject": "rejected", "cancel": "cancelled"}
VERB = {"approve": "approved", "reject": "rejected", "cancel": "cancelled"}
ENTRY_FIELDS = ("workspace_id", "user_id", "date_performed", "time_in_minutes", "billable", "approved")


def _records(resp: Any) -> list[dict[str, Any]]:
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    return [doc[r["key"]][r["id"]] for r in doc["results"]]


class ApprovalMachine(RuleBasedStateMachine):
    """A model of entries and submissions next to the simulator, driven through the Kantata wire."""

    def __init__(self) -> None:
        super().__init__()
        self.client: TestClient | None = None
        self.entries: dict[str, dict[str, Any]] = {}  # id -> {user, minutes, sub, approved}
        self.subs: dict[str, dict[str, Any]] = {}  # id -> {status, entries}
        self.frozen: dict[str, dict[str, Any]] = {}  # approved entry id -> its record when approved
        self.staff: list[dict[str, Any]] = []

    @initialize(reorder=st.sampled_from([0.0, 0.5]), duplicate=st.sampled_from([0.0, 0.3]))
    def start(self, reorder: float, duplicate: float) -> None:
        """A fresh simulator, with out-of-order and duplicated delivery switched on or off."""
        self.client = TestClient(create_app(PsaSettings()), headers=AUTH).__enter__()  # one portal per example
        resp = self.client.put(
            "/__admin/settings", json={"events": {"reorder_rate": reorder, "duplicate_rate": duplicate}}
        )
        assert resp.status_code == 200
        self.staff = _records(self.client.get(f"{API}/participations.json", params={"workspace_id": 2001}))[:2]

    def teardown(self) -> None:
        if self.client is not None:
            self.client.__exit__(None, None, None)

    @property
    def api(self) -> TestClient:
        assert self.client is not None
        return self.client

    def _locked(self, entry_id: str) -> str | None:
        entry = self.entries[entry_id]
        if entry["approved"]:
            return LOCKED
        if entry["sub"] is not None:
            return SUBMITTED
        return None

    def _error(self, resp: Any, message: str, field: str | None = None) -> None:
        assert resp.status_code == 422, resp.text
        assert resp.json() == {
            "errors": [{"type": "validation", "message": message} | ({"field": field} if field else {})]
        }

    # -- rules ----------------------------------------------------------------------------------------------
    @rule(who=st.integers(0, 1), minutes=st.lists(st.integers(1, 600), min_size=1, max_size=3))
    def create(self, who: int, minutes: list[int]) -> None:
        part = self.staff[who]
        body = {
            "time_entries": [
                {
                    "workspace_id": part["workspace_id"],
                    "user_id": part["user_id"],
                    "date_performed": "2026-10-28",
                    "time_in_minutes": m,
                }
                for m in minutes
            ]
        }
        for made in _records(self.api.post(f"{API}/time_entries.json", json=body)):
            self.entries[made["id"]] = {
                "user": part["user_id"],
                "minutes": made["time_in_minutes"],
                "sub": None,
                "approved": False,
            }

    @rule(data=st.data())
    def submit(self, data: st.DataObject) -> None:
        if not self.entries:
            return
        user = data.draw(st.sampled_from(sorted({e["user"] for e in self.entries.values()})))
        mine = sorted((i for i, e in self.entries.items() if e["user"] == user), key=int)
        chosen = data.draw(st.lists(st.sampled_from(mine), min_size=1, max_size=4, unique=True))
        resp = self.api.post(
            f"{API}/timesheet_submissions.json", json={"timesheet_submission": {"line_item_ids": chosen}}
        )
        taken = next((i for i in chosen if self.entries[i]["sub"] is not None), None)
        if taken is not None:
            self._error(
                resp,
                f"Time entry {taken} is already in timesheet submission {self.entries[taken]['sub']}",
                "line_item_ids",
            )
            return
        (sub,) = _records(resp)
        assert sub["status"] == "new"
        self.subs[sub["id"]] = {"status": "new", "entries": chosen}
        for i in chosen:
            self.entries[i]["sub"] = sub["id"]

    @rule(data=st.data(), verb=st.sampled_from(["approve", "reject", "cancel"]))
    def resolve(self, data: st.DataObject, verb: str) -> None:
        if not self.subs:
            return
        sub_id = data.draw(st.sampled_from(sorted(self.subs, key=int)))
        sub = self.subs[sub_id]
        resp = self.api.put(f"{API}/timesheet_submissions/{sub_id}/{verb}.json")
        if sub["status"] not in ALLOWED[verb]:
            allowed = " or ".join(ALLOWED[verb])
            self._error(
                resp,
                f"Timesheet submission {sub_id} is {sub['status']}; only {allowed} submissions can be {VERB[verb]}",
            )
            return
        assert _records(resp)[0]["status"] == STATUS[verb]
        sub["status"] = STATUS[verb]
        for i in sub["entries"]:
            entry = self.entries.get(i)
            if entry is None:
                continue
            if verb == "approve":
                entry["approved"] = True
                self.frozen[i] = _records(self.api.get(f"{API}/time_entries/{i}.json"))[0]
            else:
                entry["approved"], entry["sub"] = False, None
                self.frozen.pop(i, None)

    @rule(data=st.data(), minutes=st.integers(1, 1440))
    def edit(self, data: st.DataObject, minutes: int) -> None:
        if not self.entries:
            return
        entry_id = data.draw(st.sampled_from(sorted(self.entries, key=int)))
        resp = self.api.put(f"{API}/time_entries/{entry_id}.json", json={"time_entry": {"time_in_minutes": minutes}})
        reason = self._locked(entry_id)
        if reason is not None:
            self._error(resp, reason)
            return
        assert _records(resp)[0]["time_in_minutes"] == minutes
        self.entries[entry_id]["minutes"] = minutes

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        if not self.entries:
            return
        entry_id = data.draw(st.sampled_from(sorted(self.entries, key=int)))
        resp = self.api.delete(f"{API}/time_entries/{entry_id}.json")
        reason = self._locked(entry_id)
        if reason is not None:
            self._error(resp, reason)
            return
        assert resp.status_code == 204
        del self.entries[entry_id]

    # -- invariants -----------------------------------------------------------------------------------------
    def _all(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            resp = self.api.get(f"{API}/{resource}.json", params={"page": page, "per_page": 200, **params})
            out += _records(resp)
            if page >= resp.json()["meta"]["page_count"]:
                return out
            page += 1

    @invariant()
    def approved_entries_are_immutable(self) -> None:
        if self.client is None:
            return
        if self.frozen:
            now = self._all("time_entries", only=",".join(self.frozen))
            assert {e["id"]: e for e in now} == self.frozen

    @invariant()
    def the_feed_reproduces_the_state(self) -> None:
        if self.client is None:
            return
        entries: dict[str, dict[str, Any]] = {}
        subs: dict[str, str] = {}
        for event in sorted(self._all("subscribed_events"), key=lambda e: int(e["id"])):
            kind, _, action = event["event_type"].partition(":")
            if kind == "time_entry":
                if action == "deleted":
                    entries.pop(event["subject_id"], None)
                else:
                    entries[event["subject_id"]] = event["current_payload"]
            elif kind == "timesheet_submission":
                subs[event["subject_id"]] = event["current_payload"]["status"]
        actual = {e["id"]: e for e in self._all("time_entries")}
        assert set(entries) == set(actual) == set(self.entries)
        for entry_id, record in actual.items():
            assert {f: entries[entry_id][f] for f in ENTRY_FIELDS} == {f: record[f] for f in ENTRY_FIELDS}
            assert record["time_in_minutes"] == self.entries[entry_id]["minutes"]
            assert record["approved"] == self.entries[entry_id]["approved"]
        statuses = {s["id"]: s["status"] for s in self._all("timesheet_submissions")}
        assert subs == statuses == {i: s["status"] for i, s in self.subs.items()}


ApprovalMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestApprovalMachine = ApprovalMachine.TestCase
