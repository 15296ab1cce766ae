"""Timesheet submissions: submit, approve (locks entries, emits the event), reject and cancel reopen."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


@pytest.fixture
def submitted(psa: Any) -> dict[str, Any]:
    """Two entries of one user, submitted."""
    part = psa.participation()
    entries = psa.create(psa.entry(part), psa.entry(part, date_performed="2026-10-29"))
    return dict(psa.submit(part["user_id"], [e["id"] for e in entries]))


def test_a_submission_is_pending_and_claims_its_entries(psa: Any, submitted: dict[str, Any]) -> None:
    assert submitted == {
        "id": "1",
        "user_id": psa.participation()["user_id"],
        "status": "pending",
        "time_entry_ids": ["1", "2"],
        "submitted_at": "2026-10-30T09:00:00Z",
        "resolved_at": None,
        "comment": "week 44",
    }
    assert psa.get_entry("1")["timesheet_submission_id"] == "1"
    assert psa.get_entry("1")["approved"] is False


def test_approval_approves_and_locks_the_entries(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    client.post("/__admin/clock/advance", json={"hours": 2})
    resp = psa.resolve(submitted["id"], "approve")
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["results"] == [{"key": "timesheet_submissions", "id": "1"}]
    sub = doc["timesheet_submissions"]["1"]
    assert sub["status"] == "approved"
    assert sub["resolved_at"] == "2026-10-30T11:00:00Z"
    assert [psa.get_entry(i)["approved"] for i in ("1", "2")] == [True, True]
    approved = client.get(f"{API}/time_entries.json", params={"approved": "true"}).json()
    assert approved["count"] == 2


def test_approval_emits_an_event(psa: Any, submitted: dict[str, Any]) -> None:
    psa.resolve(submitted["id"], "approve")
    (event,) = psa.events(event_types="timesheet_submission:approved")
    assert event["subject_type"] == "TimesheetSubmission"
    assert event["subject_id"] == "1"
    assert event["payload"] == {"user_id": submitted["user_id"], "time_entry_ids": ["1", "2"]}


def test_the_approve_path_works_without_json_suffix(client: TestClient, submitted: dict[str, Any]) -> None:
    resp = client.put(f"{API}/timesheet_submissions/{submitted['id']}/approve")
    assert resp.status_code == 200
    assert resp.json()["timesheet_submissions"]["1"]["status"] == "approved"


def test_approving_twice_is_refused(psa: Any, submitted: dict[str, Any], error_of: Any) -> None:
    assert psa.resolve(submitted["id"]).status_code == 200
    resp = psa.resolve(submitted["id"])
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": "Timesheet submission 1 is approved; only pending submissions can be approved",
    }


def test_approving_a_missing_submission_is_a_404(psa: Any, error_of: Any) -> None:
    resp = psa.resolve("77")
    assert resp.status_code == 404
    assert error_of(resp) == {"type": "system", "message": "Couldn't find TimesheetSubmission with 'id'=77"}


def test_rejection_reopens_the_entries(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    resp = psa.resolve(submitted["id"], "reject")
    assert resp.status_code == 200
    assert resp.json()["timesheet_submissions"]["1"]["status"] == "rejected"
    entry = psa.get_entry("1")
    assert (entry["approved"], entry["timesheet_submission_id"]) == (False, None)
    edit = client.put(f"{API}/time_entries/1.json", json={"time_entry": {"time_in_minutes": 60}})
    assert edit.status_code == 200
    again = psa.submit(submitted["user_id"], ["1", "2"])
    assert again["id"] == "2"
    assert [e["event_type"] for e in psa.events(event_types="timesheet_submission:rejected")] == [
        "timesheet_submission:rejected"
    ]


def test_cancel_reopens_a_pending_submission(psa: Any, submitted: dict[str, Any], error_of: Any) -> None:
    resp = psa.resolve(submitted["id"], "cancel")
    assert resp.status_code == 200
    assert resp.json()["timesheet_submissions"]["1"]["status"] == "canceled"
    assert psa.get_entry("2")["timesheet_submission_id"] is None
    (event,) = psa.events(event_types="timesheet_submission:canceled")
    assert event["subject_id"] == "1"
    resp = psa.resolve(submitted["id"], "approve")
    assert resp.status_code == 422
    assert error_of(resp)["message"] == "Timesheet submission 1 is canceled; only pending submissions can be approved"


def test_an_entry_cannot_be_in_two_submissions(
    psa: Any, client: TestClient, submitted: dict[str, Any], error_of: Any
) -> None:
    resp = client.post(
        f"{API}/timesheet_submissions.json",
        json={"timesheet_submission": {"user_id": submitted["user_id"], "time_entry_ids": ["2"]}},
    )
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": "Time entry 2 is already in timesheet submission 1",
        "field": "time_entry_ids",
    }


def test_a_submission_takes_only_the_users_own_entries(psa: Any, client: TestClient, error_of: Any) -> None:
    mine, theirs = psa.participation(0), psa.participation(1)
    psa.create(psa.entry(mine), psa.entry(theirs))
    resp = client.post(
        f"{API}/timesheet_submissions.json",
        json={"timesheet_submission": {"user_id": mine["user_id"], "time_entry_ids": ["1", "2"]}},
    )
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": f"Time entry 2 does not belong to user {mine['user_id']}",
        "field": "time_entry_ids",
    }
    resp = client.post(
        f"{API}/timesheet_submissions.json",
        json={"timesheet_submission": {"user_id": mine["user_id"], "time_entry_ids": ["42"]}},
    )
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": "Time entry 42 does not exist",
        "field": "time_entry_ids",
    }


def test_list_and_include_time_entries(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    psa.resolve(submitted["id"])
    doc = client.get(
        f"{API}/timesheet_submissions.json",
        params={"status": "approved", "user_id": submitted["user_id"], "include": "time_entries"},
    ).json()
    assert doc["count"] == 1
    assert doc["results"] == [{"key": "timesheet_submissions", "id": "1"}]
    assert set(doc["time_entries"]) == {"1", "2"}
    assert all(e["approved"] for e in doc["time_entries"].values())
    assert client.get(f"{API}/timesheet_submissions.json", params={"status": "pending"}).json()["count"] == 0
    one = client.get(f"{API}/timesheet_submissions/1.json", params={"include": "time_entries,user"}).json()
    assert set(one) == {"count", "results", "timesheet_submissions", "time_entries", "users", "meta"}
