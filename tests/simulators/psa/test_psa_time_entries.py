"""Time entries: create (single, bulk), the participation rule, no idempotency, edits and the approval lock."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

API = "/api/v1"


def test_a_created_entry_takes_the_participation_rate(psa: Any) -> None:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part, notes="design review"))
    assert entry == entry | {
        "id": "1",
        "workspace_id": part["workspace_id"],
        "user_id": part["user_id"],
        "date_performed": "2026-10-28",
        "time_in_minutes": 90,
        "billable": True,
        "notes": "design review",
        "rate_in_cents": part["rate_in_cents"],
        "approved": False,
        "timesheet_submission_id": None,
    }
    assert entry["created_at"] == entry["updated_at"] == "2026-10-30T09:00:00Z"


def test_create_answers_with_the_envelope(client: TestClient, psa: Any) -> None:
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(psa.participation())})
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["count"] == 1
    assert doc["results"] == [{"key": "time_entries", "id": "1"}]
    assert set(doc) == {"count", "results", "time_entries", "meta"}


def test_ids_may_be_numbers_or_strings_and_rate_may_be_given(psa: Any) -> None:
    part = psa.participation()
    (entry,) = psa.create(
        psa.entry(
            part,
            workspace_id=int(part["workspace_id"]),
            user_id=int(part["user_id"]),
            rate_in_cents=12345,
            billable=False,
        )
    )
    assert entry["workspace_id"] == part["workspace_id"]
    assert entry["rate_in_cents"] == 12345
    assert entry["billable"] is False


def test_a_retried_post_creates_a_duplicate(psa: Any, client: TestClient) -> None:
    body = psa.entry(psa.participation())
    first, second = psa.create(body)[0], psa.create(body)[0]
    assert (first["id"], second["id"]) == ("1", "2")
    assert client.get(f"{API}/time_entries.json").json()["count"] == 2


def test_bulk_create_of_100_entries(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    created = psa.create(*[psa.entry(part, time_in_minutes=i + 1) for i in range(100)])
    assert [e["id"] for e in created] == [str(i) for i in range(1, 101)]
    assert client.get(f"{API}/time_entries.json").json()["count"] == 100


def test_bulk_create_of_101_entries_is_refused(psa: Any, client: TestClient, error_of: Any) -> None:
    part = psa.participation()
    resp = client.post(f"{API}/time_entries.json", json={"time_entries": [psa.entry(part)] * 101})
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": "Cannot create more than 100 time entries at once",
        "field": "time_entries",
    }
    assert client.get(f"{API}/time_entries.json").json()["count"] == 0


def test_time_needs_a_participation(psa: Any, client: TestClient, error_of: Any) -> None:
    staffed = {
        p["user_id"]
        for p in client.get(f"{API}/participations.json?workspace_id=2001").json()["participations"].values()
    }
    outsider = next(str(u) for u in range(1001, 1017) if str(u) not in staffed)
    resp = client.post(
        f"{API}/time_entries.json", json={"time_entry": psa.entry({"workspace_id": "2001", "user_id": outsider})}
    )
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": f"User {outsider} is not a participant in workspace 2001",
        "field": "user_id",
    }


def test_a_bulk_create_with_one_bad_entry_creates_nothing(psa: Any, client: TestClient, error_of: Any) -> None:
    part = psa.participation()
    bad = psa.entry(part, workspace_id="9999")
    resp = client.post(f"{API}/time_entries.json", json={"time_entries": [psa.entry(part), bad]})
    assert resp.status_code == 422
    assert error_of(resp) == {"type": "validation", "message": "Workspace 9999 does not exist", "field": "workspace_id"}
    assert client.get(f"{API}/time_entries.json").json()["count"] == 0


def test_an_empty_body_is_refused(client: TestClient, error_of: Any) -> None:
    resp = client.post(f"{API}/time_entries.json", json={})
    assert resp.status_code == 422
    assert error_of(resp) == {"type": "validation", "message": "Time entry can't be blank", "field": "time_entry"}


def test_time_over_a_day_is_refused(psa: Any, client: TestClient, error_of: Any) -> None:
    resp = client.post(
        f"{API}/time_entries.json", json={"time_entry": psa.entry(psa.participation(), time_in_minutes=1441)}
    )
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": "Time in minutes must be less than or equal to 1440",
        "field": "time_in_minutes",
    }


def test_list_filters(psa: Any, client: TestClient) -> None:
    a, b = psa.participation(0), psa.participation(1)
    e1, e2, e3 = psa.create(psa.entry(a), psa.entry(b), psa.entry(a, date_performed="2026-10-01"))
    psa.resolve(psa.submit(a["user_id"], [e1["id"]])["id"])

    def ids(**params: Any) -> list[str]:
        return [r["id"] for r in client.get(f"{API}/time_entries.json", params=params).json()["results"]]

    assert ids(user_id=a["user_id"]) == [e1["id"], e3["id"]]
    assert ids(workspace_id=2001) == ["1", "2", "3"]
    assert ids(approved="true") == [e1["id"]]
    assert ids(approved="false") == [e2["id"], e3["id"]]
    assert ids(only=f"{e3['id']},77") == [e3["id"]]
    assert ids(date_performed_between="2026-10-01:2026-10-15") == [e3["id"]]
    assert ids(order="date_performed:asc,id:desc") == [e3["id"], e2["id"], e1["id"]]


def test_include_user_and_workspace_on_time_entries(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    psa.create(psa.entry(part))
    doc = client.get(f"{API}/time_entries.json", params={"include": "user,workspace"}).json()
    assert list(doc["users"]) == [part["user_id"]]
    assert list(doc["workspaces"]) == [part["workspace_id"]]
    assert doc["results"] == [{"key": "time_entries", "id": "1"}]


def test_an_unapproved_entry_can_be_changed_and_deleted(psa: Any, client: TestClient, error_of: Any) -> None:
    psa.create(psa.entry(psa.participation()))
    resp = client.put(f"{API}/time_entries/1.json", json={"time_entry": {"time_in_minutes": 45, "notes": None}})
    assert resp.status_code == 200
    assert resp.json()["time_entries"]["1"]["time_in_minutes"] == 45
    assert resp.json()["time_entries"]["1"]["notes"] is None
    assert client.delete(f"{API}/time_entries/1.json").status_code == 204
    resp = client.get(f"{API}/time_entries/1.json")
    assert resp.status_code == 404
    assert error_of(resp) == {"type": "system", "message": "Couldn't find TimeEntry with 'id'=1"}


def test_moving_an_entry_to_a_workspace_without_participation_is_refused(
    psa: Any, client: TestClient, error_of: Any
) -> None:
    part = psa.participation()
    psa.create(psa.entry(part))
    staffed = client.get(f"{API}/participations.json", params={"user_id": part["user_id"]}).json()
    elsewhere = next(
        str(w)
        for w in range(2001, 2009)
        if str(w) not in {p["workspace_id"] for p in staffed["participations"].values()}
    )
    resp = client.put(f"{API}/time_entries/1.json", json={"time_entry": {"workspace_id": elsewhere}})
    assert resp.status_code == 422
    assert error_of(resp) == {
        "type": "validation",
        "message": f"User {part['user_id']} is not a participant in workspace {elsewhere}",
        "field": "user_id",
    }


def test_an_approved_entry_is_locked(psa: Any, client: TestClient, error_of: Any) -> None:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part))
    psa.resolve(psa.submit(part["user_id"], [entry["id"]])["id"])
    locked = {"type": "validation", "message": "Time entry is locked because it has been approved"}
    resp = client.put(f"{API}/time_entries/{entry['id']}.json", json={"time_entry": {"time_in_minutes": 5}})
    assert resp.status_code == 422
    assert error_of(resp) == locked
    resp = client.delete(f"{API}/time_entries/{entry['id']}.json")
    assert resp.status_code == 422
    assert error_of(resp) == locked
    assert psa.get_entry(entry["id"])["time_in_minutes"] == 90


def test_a_created_entry_carries_cost_currency_and_billing_state(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part))
    user = client.get(f"{API}/users/{part['user_id']}.json").json()["users"][part["user_id"]]
    workspace = client.get(f"{API}/workspaces/{part['workspace_id']}.json").json()["workspaces"][part["workspace_id"]]
    assert entry["cost_rate_in_cents"] == user["cost_rate_in_cents"]
    assert entry["currency"] == workspace["currency"]
    assert (entry["is_invoiced"], entry["invoice_id"], entry["active_submission_id"]) == (False, None, None)


def test_time_before_the_assignment_starts_is_refused(psa: Any, client: TestClient, refused: Any) -> None:
    part = psa.participation()
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(part, date_performed="2020-01-06")})
    refused(
        resp,
        422,
        "validation",
        f"2020-01-06 is outside the assignment of user {part['user_id']} to workspace 2001"
        f" ({part['start_date']} to open)",
        "date_performed",
    )


def test_time_after_the_assignment_ends_is_refused(psa: Any, client: TestClient, refused: Any) -> None:
    part = psa.participation()
    assert psa.put(f"participations/{part['id']}", "participation", end_date="2026-10-15").status_code == 200
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(part, date_performed="2026-10-16")})
    refused(
        resp,
        422,
        "validation",
        f"2026-10-16 is outside the assignment of user {part['user_id']} to workspace 2001"
        f" ({part['start_date']} to 2026-10-15)",
        "date_performed",
    )
    assert psa.create(psa.entry(part, date_performed="2026-10-15"))[0]["date_performed"] == "2026-10-15"
    refused(
        psa.put("time_entries/1", "time_entry", date_performed="2026-10-20"),
        422,
        "validation",
        f"2026-10-20 is outside the assignment of user {part['user_id']} to workspace 2001"
        f" ({part['start_date']} to 2026-10-15)",
        "date_performed",
    )


def test_a_workspace_on_hold_refuses_new_time(psa: Any, client: TestClient, refused: Any) -> None:
    part = psa.participation()
    (before,) = psa.create(psa.entry(part))
    assert psa.put("workspaces/2001", "workspace", status_key="on_hold").status_code == 200
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(part)})
    refused(resp, 422, "validation", "Workspace 2001 is on hold; time cannot be logged", "workspace_id")
    assert client.get(f"{API}/time_entries.json").json()["count"] == 1
    edit = psa.put(f"time_entries/{before['id']}", "time_entry", time_in_minutes=30)
    assert edit.status_code == 200, "time already logged stays editable"


def test_on_hold_is_a_setting(psa: Any, client: TestClient) -> None:
    assert client.put("/__admin/settings", json={"on_hold_blocks_time": False}).status_code == 200
    psa.put("workspaces/2001", "workspace", status_key="on_hold")
    assert psa.create(psa.entry(psa.participation()))[0]["workspace_id"] == "2001"


def test_moving_time_onto_a_workspace_on_hold_is_refused(psa: Any, client: TestClient, refused: Any, rows: Any) -> None:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part))
    staffed = client.get(f"{API}/participations.json", params={"user_id": part["user_id"]}).json()
    other = next(p["workspace_id"] for p in staffed["participations"].values() if p["workspace_id"] != "2001")
    psa.put(f"workspaces/{other}", "workspace", status_key="on_hold")
    refused(
        psa.put(f"time_entries/{entry['id']}", "time_entry", workspace_id=other),
        422,
        "validation",
        f"Workspace {other} is on hold; time cannot be logged",
        "workspace_id",
    )


def test_a_story_must_belong_to_the_workspace(psa: Any, client: TestClient, refused: Any, rows: Any) -> None:
    part = psa.participation()
    (story,) = rows(client.post(f"{API}/stories.json", json={"story": {"workspace_id": 2002, "title": "Elsewhere"}}))
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(part, story_id=story["id"])})
    refused(resp, 422, "validation", f"Story {story['id']} does not belong to workspace 2001", "story_id")
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(part, story_id=999)})
    refused(resp, 422, "validation", "Story 999 does not exist", "story_id")


def test_a_submitted_entry_is_locked(psa: Any, client: TestClient, refused: Any) -> None:
    part = psa.participation()
    (entry,) = psa.create(psa.entry(part))
    psa.submit(part["user_id"], [entry["id"]])
    message = "Time entry is locked because it has been submitted for approval"
    refused(psa.put(f"time_entries/{entry['id']}", "time_entry", time_in_minutes=5), 422, "validation", message)
    refused(client.delete(f"{API}/time_entries/{entry['id']}.json"), 422, "validation", message)
    assert client.put("/__admin/settings", json={"lock_submitted_entries": False}).status_code == 200
    assert psa.put(f"time_entries/{entry['id']}", "time_entry", time_in_minutes=5).status_code == 200


def test_optional_fields_tell_whether_an_entry_can_be_edited_or_billed(psa: Any, client: TestClient) -> None:
    part = psa.participation()
    (open_entry,) = psa.create(psa.entry(part))
    (approved,) = psa.approved(part)
    doc = client.get(f"{API}/time_entries.json", params={"optional_fields": "billing_eligible,user_can_edit"}).json()
    flags = {i: (e["billing_eligible"], e["user_can_edit"]) for i, e in doc["time_entries"].items()}
    assert flags == {open_entry["id"]: (False, True), approved["id"]: (True, False)}


def test_a_nested_external_reference_is_written_with_the_entry(psa: Any, client: TestClient) -> None:
    ref = {"service_name": "netsuite", "service_model": "timeBill", "service_model_ref": "TB-1", "status": "pending"}
    (entry,) = psa.create(psa.entry(psa.participation(), external_reference=ref))
    doc = client.get(f"{API}/time_entries/{entry['id']}.json", params={"include": "external_references"}).json()
    assert doc["time_entries"][entry["id"]]["external_reference_ids"] == ["1"]
    assert doc["external_references"]["1"]["service_model_ref"] == "TB-1"


def test_more_list_filters(psa: Any, client: TestClient, rows: Any) -> None:
    part = psa.participation()
    (story,) = rows(client.post(f"{API}/stories.json", json={"story": {"workspace_id": 2001, "title": "Build"}}))
    a, b = psa.create(psa.entry(part, billable=False), psa.entry(part, story_id=story["id"]))

    def ids(**params: Any) -> list[str]:
        return [r["id"] for r in client.get(f"{API}/time_entries.json", params=params).json()["results"]]

    assert ids(billable="false") == [a["id"]]
    assert ids(story_id=story["id"]) == [b["id"]]
    assert ids(is_invoiced="true") == []
    assert ids(is_invoiced="false") == [a["id"], b["id"]]
