"""The PSA behind the shared control plane: provider states, state snapshot/restore, seeding."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from simulators.psa.app import SPEC, create_app
from simulators.psa.settings import PsaSettings

API = "/api/v1"


def _state(client: TestClient, state: str, **params: Any) -> Any:
    resp = client.post("/__admin/provider-states", json={"state": state, "params": params})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_the_spec_names_the_psa(client: TestClient) -> None:
    assert (SPEC.system, SPEC.api_version) == ("psa", "v1")
    assert client.get("/__admin/health").json()["system"] == "psa"
    assert set(client.get("/__admin/provider-states").json()["states"]) == {
        "workspace {id} exists",
        "workspace {id} is on hold",
        "user {id} is assigned to workspace {workspaceId}",
        "consultant {id} is assigned to workspace {workspaceId}",
        "timesheet {id} is submitted",
        "timesheet {id} is approved",
        "milestone {id} is completed",
    }


def test_settings_read_the_sim_psa_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("SIM_PSA_MAX_PER_PAGE", "50")
    settings = PsaSettings()
    assert (settings.max_per_page, settings.max_bulk_create) == (50, 100)


def test_timesheet_is_approved_state(client: TestClient, psa: Any) -> None:
    result = _state(client, "timesheet 42 is approved")
    assert result["id"] == "42"
    doc = client.get(f"{API}/timesheet_submissions/42.json", params={"include": "time_entries"}).json()
    sub = doc["timesheet_submissions"]["42"]
    assert sub["status"] == "approved"
    assert sub["time_entry_ids"] == result["timeEntryIds"]
    assert all(e["approved"] and e["billable"] for e in doc["time_entries"].values())
    assert [e["subject_id"] for e in psa.events(event_types="timesheet_submission:approved")] == ["42"]
    assert _state(client, "timesheet 42 is approved") == result


def test_timesheet_state_for_a_chosen_user_and_workspace(client: TestClient) -> None:
    result = _state(client, "timesheet 7 is approved", userId="1001", workspaceId="9001")
    assert (result["userId"], result["workspaceId"]) == ("1001", "9001")


def test_workspace_and_assignment_states_let_time_be_logged(client: TestClient, psa: Any) -> None:
    assert _state(client, "workspace 9001 exists") == {"id": "9001"}
    assert client.get(f"{API}/workspaces/9001.json").status_code == 200
    result = _state(client, "user 1001 is assigned to workspace 9001")
    assert (result["userId"], result["workspaceId"]) == ("1001", "9001")
    (entry,) = psa.create(psa.entry({"workspace_id": "9001", "user_id": "1001"}))
    assert entry["workspace_id"] == "9001"
    assert _state(client, "user 1001 is assigned to workspace 9001") == result


def test_state_snapshot_and_restore(client: TestClient, psa: Any) -> None:
    part = psa.participation()
    psa.create(psa.entry(part))
    snap = client.get("/__admin/state").json()
    data = snap["tenants"]["default"]["data"]
    assert len(data["time_entries"]) == 1
    assert [e["type"] for e in snap["tenants"]["default"]["events"]] == ["time_entry:created"]
    assert snap["tenants"]["default"]["events"][0]["payload"]["current_payload"]["id"] == "1"
    psa.create(psa.entry(part))
    assert client.post("/__admin/state", json=snap).status_code == 200
    assert client.get(f"{API}/time_entries.json").json()["count"] == 1


def test_the_same_seed_gives_the_same_state() -> None:
    docs = []
    for _ in range(2):
        with TestClient(create_app(PsaSettings(seed=7))) as c:
            docs.append(c.get("/__admin/state").json()["tenants"])
    assert docs[0] == docs[1]


def test_reset_clears_time_entries(client: TestClient, psa: Any) -> None:
    psa.create(psa.entry(psa.participation()))
    client.post("/__admin/reset", params={"scope": "data"})
    assert client.get(f"{API}/time_entries.json").json()["count"] == 0


def test_consultant_assigned_is_the_user_state(client: TestClient) -> None:
    result = _state(client, "consultant 1002 is assigned to workspace 9002")
    assert (result["userId"], result["workspaceId"]) == ("1002", "9002")
    doc = client.get(f"{API}/participations.json", params={"workspace_id": 9002}).json()
    assert [p["user_id"] for p in doc["participations"].values()] == ["1002"]


def test_timesheet_is_submitted_state(client: TestClient) -> None:
    result = _state(client, "timesheet 12 is submitted", userId="1001", workspaceId="9001")
    assert (result["id"], result["status"]) == ("12", "new")
    sub = client.get(f"{API}/timesheet_submissions/12.json").json()["timesheet_submissions"]["12"]
    assert (sub["status"], sub["time_entry_ids"]) == ("new", result["timeEntryIds"])
    assert _state(client, "timesheet 12 is submitted", userId="1001", workspaceId="9001") == result
    approved = _state(client, "timesheet 12 is approved")
    assert (approved["status"], approved["timeEntryIds"]) == ("approved", result["timeEntryIds"])


def test_milestone_is_completed_state(client: TestClient, psa: Any) -> None:
    result = _state(client, "milestone 77 is completed", workspaceId="2003", amount="25000")
    assert result == {"id": "77", "workspaceId": "2003", "state": "completed"}
    story = client.get(f"{API}/stories/77.json").json()["stories"]["77"]
    assert (story["story_type"], story["state"], story["budget_estimate_in_cents"]) == (
        "milestone",
        "completed",
        2_500_000,
    )
    changes = [e["payload_changes"] for e in psa.events(event_types="story:updated")]
    assert changes[-1] == {"state": ["not started", "completed"]}


def test_workspace_is_on_hold_state_refuses_time(client: TestClient, psa: Any, refused: Any) -> None:
    assert _state(client, "workspace 2001 is on hold") == {"id": "2001", "status": "on_hold"}
    status = client.get(f"{API}/workspaces/2001.json").json()["workspaces"]["2001"]["status"]
    assert status["key"] == "on_hold"
    resp = client.post(f"{API}/time_entries.json", json={"time_entry": psa.entry(psa.participation())})
    refused(resp, 422, "validation", "Workspace 2001 is on hold; time cannot be logged", "workspace_id")
    assert (
        _state(client, "timesheet 5 is approved", userId=psa.participation()["user_id"], workspaceId="2001")["status"]
        == "approved"
    )
