"""Timesheet submissions: submit, approve (locks entries), reject and cancel (reopen), and the bulk
``timesheet_approvals`` / ``timesheet_rejections`` / ``timesheet_cancellations`` resolution objects."""

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


def _submit(client: TestClient, **fields: Any) -> Any:
    return client.post(f"{API}/timesheet_submissions.json", json={"timesheet_submission": fields})


def test_a_submission_is_new_and_claims_its_entries(psa: Any, submitted: dict[str, Any]) -> None:
    part = psa.participation()
    assert submitted == {
        "id": "1",
        "user_id": part["user_id"],
        "workspace_id": part["workspace_id"],
        "title": "Timesheet 2026-10-28 to 2026-10-29",
        "status": "new",
        "time_entry_ids": ["1", "2"],
        "submitted_at": "2026-10-30T09:00:00Z",
        "resolved_at": None,
        "comment": "week 44",
        "current_resolution_id": None,
    }
    entry = psa.get_entry("1")
    assert (entry["active_submission_id"], entry["timesheet_submission_id"], entry["approved"]) == ("1", "1", False)


def test_time_entry_ids_is_accepted_and_user_and_workspace_default_to_the_entries(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part))
    resp = _submit(client, time_entry_ids=[entry["id"]], title="Week 44")
    assert resp.status_code == 200
    sub = resp.json()["timesheet_submissions"]["1"]
    assert (sub["user_id"], sub["workspace_id"], sub["title"]) == (part["user_id"], part["workspace_id"], "Week 44")


def test_approval_approves_and_locks_the_entries(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    client.post("/__admin/clock/advance", json={"hours": 2})
    resp = client.put(
        f"{API}/timesheet_submissions/1/approve.json", json={"resolution": {"description": "Looks right"}}
    )
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["results"] == [{"key": "timesheet_submissions", "id": "1"}]
    sub = doc["timesheet_submissions"]["1"]
    assert (sub["status"], sub["resolved_at"], sub["current_resolution_id"]) == (
        "approved",
        "2026-10-30T11:00:00Z",
        "1",
    )
    assert [psa.get_entry(i)["approved"] for i in ("1", "2")] == [True, True]
    assert client.get(f"{API}/time_entries.json", params={"approved": "true"}).json()["count"] == 2
    doc = client.get(f"{API}/timesheet_submissions/1.json", params={"include": "resolutions"}).json()
    assert doc["timesheet_submissions"]["1"]["resolution_ids"] == ["1"]
    resolution = doc["resolutions"]["1"]
    assert resolution | {"created_at": None, "updated_at": None} == {
        "id": "1",
        "type": "approval",
        "description": "Looks right",
        "target_type": "TimesheetSubmission",
        "target_id": "1",
        "user_id": None,
        "account_id": "1",
        "current": True,
        "created_at": None,
        "updated_at": None,
    }


def test_approval_emits_submission_and_entry_events(psa: Any, submitted: dict[str, Any]) -> None:
    psa.resolve(submitted["id"], "approve")
    (event,) = psa.events(event_types="timesheet_submission:approved")
    assert (event["subject_type"], event["subject_id"]) == ("TimesheetSubmission", "1")
    assert event["payload_changes"]["status"] == ["new", "approved"]
    assert event["current_payload"]["time_entry_ids"] == ["1", "2"]
    updates = psa.events(event_types="time_entry:updated")
    assert [(e["subject_id"], e["payload_changes"]) for e in updates] == [
        ("1", {"approved": [False, True]}),
        ("2", {"approved": [False, True]}),
    ]


def test_the_approve_path_works_without_json_suffix_or_body(client: TestClient, submitted: dict[str, Any]) -> None:
    resp = client.put(f"{API}/timesheet_submissions/{submitted['id']}/approve")
    assert resp.status_code == 200
    assert resp.json()["timesheet_submissions"]["1"]["status"] == "approved"


def test_approving_twice_is_refused(psa: Any, submitted: dict[str, Any], refused: Any) -> None:
    assert psa.resolve(submitted["id"]).status_code == 200
    refused(
        psa.resolve(submitted["id"]),
        422,
        "validation",
        "Timesheet submission 1 is approved; only new submissions can be approved",
    )


def test_resolving_a_missing_submission_is_a_404(psa: Any, refused: Any) -> None:
    for verb in ("approve", "reject", "cancel"):
        refused(psa.resolve("77", verb), 404, "system", "Couldn't find TimesheetSubmission with 'id'=77")


def test_rejection_reopens_the_entries(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    resp = psa.resolve(submitted["id"], "reject")
    assert resp.status_code == 200
    assert resp.json()["timesheet_submissions"]["1"]["status"] == "rejected"
    entry = psa.get_entry("1")
    assert (entry["approved"], entry["active_submission_id"]) == (False, None)
    edit = psa.put("time_entries/1", "time_entry", time_in_minutes=60)
    assert edit.status_code == 200
    again = psa.submit(submitted["user_id"], ["1", "2"])
    assert again["id"] == "2"
    assert [e["subject_id"] for e in psa.events(event_types="timesheet_submission:rejected")] == ["1"]


def test_rejecting_an_approved_submission_unapproves_its_entries(psa: Any, submitted: dict[str, Any]) -> None:
    assert psa.resolve(submitted["id"]).status_code == 200
    resp = psa.resolve(submitted["id"], "reject")
    assert resp.status_code == 200
    assert [psa.get_entry(i)["approved"] for i in ("1", "2")] == [False, False]
    changes = [e["payload_changes"] for e in psa.events(event_types="time_entry:updated")]
    assert changes[-2:] == [{"approved": [True, False]}] * 2


def test_an_approved_submission_with_invoiced_time_cannot_be_rejected(
    psa: Any, client: TestClient, submitted: dict[str, Any], refused: Any
) -> None:
    psa.resolve(submitted["id"])
    body = {"invoice": {"workspace_ids": [submitted["workspace_id"]], "time_entry_ids": ["1"]}}
    assert client.post(f"{API}/invoices.json", json=body).status_code == 200
    refused(
        psa.resolve(submitted["id"], "reject"),
        422,
        "validation",
        "Timesheet submission 1 cannot be rejected: time entry 1 is on invoice 1",
    )


def test_cancel_reopens_a_new_submission(psa: Any, submitted: dict[str, Any], refused: Any) -> None:
    resp = psa.resolve(submitted["id"], "cancel")
    assert resp.status_code == 200
    assert resp.json()["timesheet_submissions"]["1"]["status"] == "cancelled"
    assert psa.get_entry("2")["active_submission_id"] is None
    (event,) = psa.events(event_types="timesheet_submission:cancelled")
    assert event["subject_id"] == "1"
    refused(
        psa.resolve(submitted["id"], "approve"),
        422,
        "validation",
        "Timesheet submission 1 is cancelled; only new submissions can be approved",
    )


def test_an_approved_submission_cannot_be_cancelled(psa: Any, submitted: dict[str, Any], refused: Any) -> None:
    psa.resolve(submitted["id"])
    refused(
        psa.resolve(submitted["id"], "cancel"),
        422,
        "validation",
        "Timesheet submission 1 is approved; only new submissions can be cancelled",
    )


def test_an_entry_cannot_be_in_two_submissions(client: TestClient, submitted: dict[str, Any], refused: Any) -> None:
    refused(
        _submit(client, user_id=submitted["user_id"], line_item_ids=["2"]),
        422,
        "validation",
        "Time entry 2 is already in timesheet submission 1",
        "line_item_ids",
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda mine, theirs: {"user_id": mine, "line_item_ids": ["1", "2"]},
            "Time entry 2 does not belong to user {mine}",
        ),
        (lambda mine, theirs: {"user_id": mine, "line_item_ids": ["42"]}, "Time entry 42 does not exist"),
        (lambda mine, theirs: {"user_id": mine, "line_item_ids": []}, "Line items can't be blank"),
        (
            lambda mine, theirs: {"line_item_ids": ["1", "3"]},
            "Time entry 3 belongs to workspace {other}, not 2001 (a submission covers one project)",
        ),
    ],
)
def test_a_submission_takes_one_users_entries_of_one_workspace(
    psa: Any, client: TestClient, refused: Any, rows: Any, make: Any, message: str
) -> None:
    mine, theirs = psa.participation(0), psa.participation(1)
    staffed = client.get(f"{API}/participations.json", params={"user_id": mine["user_id"]}).json()
    other = next(
        w for w in range(2002, 2009) if str(w) not in {p["workspace_id"] for p in staffed["participations"].values()}
    )
    body = {"participation": {"workspace_id": other, "user_id": mine["user_id"]}}
    elsewhere = rows(client.post(f"{API}/participations.json", json=body))[0]
    psa.create(psa.entry(mine), psa.entry(theirs), psa.entry(elsewhere))
    resp = _submit(client, **make(mine["user_id"], theirs["user_id"]))
    refused(resp, 422, "validation", message.format(mine=mine["user_id"], other=other), "line_item_ids")


def test_list_filters_and_include_time_entries(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    psa.resolve(submitted["id"])
    doc = client.get(
        f"{API}/timesheet_submissions.json",
        params={"status": "approved", "user_id": submitted["user_id"], "include": "time_entries"},
    ).json()
    assert doc["count"] == 1
    assert doc["results"] == [{"key": "timesheet_submissions", "id": "1"}]
    assert set(doc["time_entries"]) == {"1", "2"}
    assert all(e["approved"] for e in doc["time_entries"].values())
    assert client.get(f"{API}/timesheet_submissions.json", params={"statuses": "new,rejected"}).json()["count"] == 0
    assert client.get(f"{API}/timesheet_submissions.json", params={"workspace_id": 2001}).json()["count"] == 1
    one = client.get(f"{API}/timesheet_submissions/1.json", params={"include": "time_entries,user,workspace"}).json()
    assert set(one) == {"count", "results", "timesheet_submissions", "time_entries", "users", "workspaces", "meta"}


# -- bulk resolutions ----------------------------------------------------------------------------------------
def _two_submissions(psa: Any) -> list[str]:
    ids = []
    for index in (0, 1):
        part = psa.participation(index)
        (entry,) = psa.create(psa.entry(part))
        ids.append(psa.submit(part["user_id"], [entry["id"]])["id"])
    return ids


@pytest.mark.parametrize(
    ("path", "kind", "status"),
    [
        ("timesheet_approvals", "approval", "approved"),
        ("timesheet_rejections", "rejection", "rejected"),
        ("timesheet_cancellations", "cancellation", "cancelled"),
    ],
)
def test_bulk_resolutions(psa: Any, client: TestClient, path: str, kind: str, status: str) -> None:
    ids = _two_submissions(psa)
    body = {"resolution": {"description": "Month end", "submission_ids": ids}}
    resp = client.post(f"{API}/{path}.json", json=body, params={"include": "target"})
    assert resp.status_code == 200
    doc = resp.json()
    assert [r["key"] for r in doc["results"]] == ["resolutions", "resolutions"]
    resolutions = [doc["resolutions"][r["id"]] for r in doc["results"]]
    assert [(r["type"], r["target_id"], r["description"]) for r in resolutions] == [
        (kind, ids[0], "Month end"),
        (kind, ids[1], "Month end"),
    ]
    assert {s["status"] for s in doc["timesheet_submissions"].values()} == {status}
    assert [e["subject_id"] for e in psa.events(event_types=f"timesheet_submission:{status}")] == ids


def test_a_bulk_resolution_is_all_or_none(psa: Any, client: TestClient, refused: Any) -> None:
    first, second = _two_submissions(psa)
    assert psa.resolve(second).status_code == 200
    body = {"resolution": {"submission_ids": [first, second]}}
    refused(
        client.post(f"{API}/timesheet_approvals.json", json=body),
        422,
        "validation",
        f"Timesheet submission {second} is approved; only new submissions can be approved",
    )
    assert records_status(client, first) == "new"
    refused(
        client.post(f"{API}/timesheet_cancellations.json", json={"resolution": {"submission_ids": [first, 99]}}),
        422,
        "validation",
        "Timesheet submission 99 does not exist",
        "submission_ids",
    )
    refused(
        client.post(f"{API}/timesheet_rejections.json", json={"resolution": {"submission_ids": []}}),
        422,
        "validation",
        "Submission ids can't be blank",
        "submission_ids",
    )
    refused(
        client.post(f"{API}/timesheet_rejections.json", json={"resolution": {}}),
        422,
        "validation",
        "Submission ids can't be blank",
        "submission_ids",
    )


def test_a_second_resolution_supersedes_the_first(psa: Any, client: TestClient, submitted: dict[str, Any]) -> None:
    psa.resolve(submitted["id"])
    psa.resolve(submitted["id"], "reject")
    doc = client.get(f"{API}/timesheet_submissions/1.json", params={"include": "resolutions"}).json()
    assert [(r["type"], r["current"]) for r in doc["resolutions"].values()] == [
        ("approval", False),
        ("rejection", True),
    ]


def records_status(client: TestClient, submission_id: str) -> str:
    """A submission's status, read through the API."""
    doc = client.get(f"{API}/timesheet_submissions/{submission_id}.json").json()
    return str(doc["timesheet_submissions"][submission_id]["status"])
